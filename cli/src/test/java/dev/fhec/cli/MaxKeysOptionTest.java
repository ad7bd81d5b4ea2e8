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

/** {@code fhec compile --max-keys SIZE} reaches the compile options as bytes (decimal units). */
class MaxKeysOptionTest {
  @TempDir Path tmp;

  private final AtomicReference<CompileOptions> seen = new AtomicReference<>();

  private int run(StringWriter err, String... args) throws IOException {
    return CompileProbe.run(tmp, seen, err, args);
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
    assertEquals(Long.MAX_VALUE, seen.get().keyBudget().expandedBytes());
  }

  @Test
  void theMemoryCapReachesTheExpandedBudget() throws Exception {
    assertEquals(0, run(new StringWriter(), "--max-key-memory", "16GB"));
    assertEquals(16_000_000_000L, seen.get().maxKeyMemory());
    assertEquals(16_000_000_000L, seen.get().keyBudget().expandedBytes());
    assertEquals(Long.MAX_VALUE, seen.get().keyBudget().seededBytes());
    StringWriter err = new StringWriter();
    assertEquals(FhecCommand.USER_ERROR, run(err, "--max-key-memory", "lots"));
    assertTrue(err.toString().contains("--max-key-memory must be"), err.toString());
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
