package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fhec compile --products quarter|shared|auto} reaches the compile options. */
class ProductsOptionTest {
  @TempDir Path tmp;

  private final AtomicReference<CompileOptions> seen = new AtomicReference<>();

  private int run(StringWriter err, String... args) throws IOException {
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

  @Test
  void eachValueReachesTheOptionsAndSeedCompatibleKeepsQuarterSquares() throws Exception {
    assertEquals(0, run(new StringWriter()));
    assertEquals(CompileOptions.Products.AUTO, seen.get().products());
    for (CompileOptions.Products p : CompileOptions.Products.values()) {
      assertEquals(0, run(new StringWriter(), "--products", p.name().toLowerCase()));
      assertEquals(p, seen.get().products());
    }
    assertEquals(0, run(new StringWriter(), "--seed-compatible"));
    assertEquals(CompileOptions.Products.QUARTER, seen.get().products());
  }

  @Test
  void anUnknownValueIsAUserErrorWithAHint() throws Exception {
    StringWriter err = new StringWriter();
    assertEquals(FhecCommand.USER_ERROR, run(err, "--products", "cubes"));
    assertTrue(
        err.toString().contains("--products must be quarter, shared or auto"), err.toString());
    assertTrue(err.toString().contains("hint:"), err.toString());
    assertFalse(err.toString().contains("\tat "), err.toString());
  }
}
