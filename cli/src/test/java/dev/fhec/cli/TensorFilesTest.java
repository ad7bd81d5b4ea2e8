package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.ir.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFilesTest {
  @TempDir Path tmp;

  static Map<String, Tensor> sample() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put(
        "a",
        new Tensor.Ints(
            new int[] {2, 3}, new long[] {-1, 2, -3, 4, Long.MAX_VALUE, Long.MIN_VALUE}));
    m.put("s", Tensor.Ints.scalar(7));
    m.put("f", new Tensor.Floats(new int[] {2}, new double[] {0.5, -1.25}));
    return m;
  }

  @Test
  void npzAndJsonRoundTrip() throws Exception {
    for (String ext : List.of("npz", "json")) {
      Path p = tmp.resolve("t." + ext);
      TensorFiles.write(p, sample());
      assertEquals(sample(), TensorFiles.read(p), ext);
    }
  }

  @Test
  void readsAnNpzWrittenByNumpy() throws Exception {
    // samples/gpt2-head-tiny/vectors.npz comes from numpy.savez (samples/tools/make_head.py).
    Path v = Path.of("..", "samples", "gpt2-head-tiny", "vectors.npz");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(v), "sample not in this checkout");
    Map<String, Tensor> m = TensorFiles.read(v);
    assertArrayEquals(new int[] {4, 1, 3, 16}, m.get("q_x").shape());
    assertTrue(m.get("q_x") instanceof Tensor.Ints);
    assertArrayEquals(new int[] {4, 3, 4}, m.get("y_float").shape());
    assertTrue(m.get("y_float") instanceof Tensor.Floats);
  }

  @Test
  void raggedJsonIsALocatedUserError() throws Exception {
    Path p = tmp.resolve("r.json");
    Files.writeString(p, "{\"x\": [[1, 2], [3]]}");
    UserException e = assertThrows(UserException.class, () -> TensorFiles.read(p));
    assertTrue(e.getMessage().contains("r.json#/x: ragged"), e.getMessage());
  }

  @Test
  void aNonNumpyFileIsRejected() throws Exception {
    Path p = tmp.resolve("x.npy");
    Files.writeString(p, "hello world, not numpy");
    UserException e = assertThrows(UserException.class, () -> TensorFiles.read(p));
    assertTrue(e.getMessage().contains("x.npy"), e.getMessage());
  }
}
