package dev.fhec.cli;

import dev.fhec.compiler.CompileOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;

/**
 * Runs {@code fhec compile MODEL -o B ARGS} on an empty model against {@link FakeEngine} and
 * records in {@code seen} the compile options the command line produced: the option tests' probe.
 */
final class CompileProbe {
  private CompileProbe() {}

  static int run(Path tmp, AtomicReference<CompileOptions> seen, StringWriter err, String... args)
      throws IOException {
    Path m = tmp.resolve("model.json");
    Files.writeString(m, "{\"nodes\": []}");
    FakeEngine fake = new FakeEngine();
    // Records the compile request on its way to the fake engine.
    Engine engine =
        (Engine)
            java.lang.reflect.Proxy.newProxyInstance(
                Engine.class.getClassLoader(),
                new Class<?>[] {Engine.class},
                (proxy, method, margs) -> {
                  if (method.getName().equals("compile")
                      && margs != null
                      && margs[0] instanceof Engine.CompileRequest r) {
                    seen.set(r.options());
                  }
                  try {
                    return method.invoke(fake, margs);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    CommandLine cl = FhecCommand.newCommandLine(engine);
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 4];
    all[0] = "compile";
    all[1] = m.toString();
    all[2] = "-o";
    all[3] = tmp.resolve("b").toString();
    System.arraycopy(args, 0, all, 4, args.length);
    return cl.execute(all);
  }
}
