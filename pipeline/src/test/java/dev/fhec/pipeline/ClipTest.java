package dev.fhec.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTest {
  @Test
  void clipsToThePercentileOfMagnitudes(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("x.npz");
    // magnitudes sorted: 0.5 1 1 2 3 4 5 6 8 10; the 80th percentile is the 8th of 10: 6
    double[] x = {1, -2, 3, -4, 5, -6, 8, -10, 0.5, -1};
    Npz.write(Map.of("x", new NpyArray.Floats(new int[] {2, 5}, x)), false, in);
    Path out = HeadCircuit.clipped(in, 80);
    NpyArray.Floats c = (NpyArray.Floats) Npz.read(out).get("x");
    assertArrayEquals(new int[] {2, 5}, c.shape());
    assertArrayEquals(new double[] {1, -2, 3, -4, 5, -6, 6, -6, 0.5, -1}, c.data(), 0);
    // 100: nothing clipped
    assertArrayEquals(
        x, ((NpyArray.Floats) Npz.read(HeadCircuit.clipped(in, 100)).get("x")).data(), 0);
    assertThrows(IllegalArgumentException.class, () -> HeadCircuit.clipped(in, 0));
    Files.deleteIfExists(out);
  }
}
