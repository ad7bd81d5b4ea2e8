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

/** {@code fhec compile --max-keys SIZE} reaches the compile options as bytes (decimal units). */
class MaxKeysOptionTest {
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
  void sizesReachTheOptionsInDecimalBytes() throws Exception {
    assertEquals(0, run(new StringWriter()));
    assertEquals(Long.MAX_VALUE, seen.get().maxKeys());
    assertTrue(seen.get().keyBudget().unlimited());
    assertEquals(0, run(new StringWriter(), "--max-keys", "1GB"));
    assertEquals(1_000_000_000L, seen.get().maxKeys());
    assertEquals(1_000_000_000L, seen.get().keyBudget().seededBytes());
    assertEquals(0, run(new StringWriter(), "--max-keys", "1.5 gb"));
    assertEquals(1_500_000_000L, seen.get().maxKeys());
    assertEquals(0, run(new StringWriter(), "--max-keys", "500MB"));
    assertEquals(500_000_000L, seen.get().maxKeys());
    assertEquals(0, run(new StringWriter(), "--max-keys", "123456"));
    assertEquals(123_456L, seen.get().maxKeys());
  }

  @Test
  void aMalformedSizeIsAUserErrorWithAHint() throws Exception {
    for (String bad : new String[] {"lots", "1 GiB", "0", "-5MB"}) {
      StringWriter err = new StringWriter();
      assertEquals(FhecCommand.USER_ERROR, run(err, "--max-keys", bad), bad);
      assertTrue(err.toString().contains("--max-keys must be"), err.toString());
      assertTrue(err.toString().contains("hint:"), err.toString());
      assertFalse(err.toString().contains("\tat "), err.toString());
    }
  }
}
