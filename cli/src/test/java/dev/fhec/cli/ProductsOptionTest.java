package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fhec compile --products quarter|shared|auto} reaches the compile options. */
class ProductsOptionTest {
  @TempDir Path tmp;

  private final AtomicReference<CompileOptions> seen = new AtomicReference<>();

  private int run(StringWriter err, String... args) throws IOException {
    return CompileProbe.run(tmp, seen, err, args);
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
