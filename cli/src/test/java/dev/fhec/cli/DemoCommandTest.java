package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.ir.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void picksOneVectorAlongTheLeadingAxis() {
    Tensor t = new Tensor.Ints(new int[] {3, 2}, new long[] {1, 2, 3, 4, 5, 6});
    Tensor v = DemoCommand.pick(Map.of("a", t), "a", 1, tmp, "--vector");
    assertArrayEquals(new int[] {2}, v.shape());
    assertArrayEquals(new long[] {3, 4}, ((Tensor.Ints) v).data());
    UserException e =
        assertThrows(
            UserException.class, () -> DemoCommand.pick(Map.of("a", t), "a", 3, tmp, "--sample"));
    assertTrue(e.getMessage().contains("vector 3 is out of range"), e.getMessage());
    assertTrue(e.hint().startsWith("choose --sample between 0 and 2"), e.hint());
  }

  @Test
  void outputScaleComesFromMetaJsonFirst() throws Exception {
    Path model = tmp.resolve("model.json");
    Files.writeString(model, "{\"metadata\": {\"output_scale\": 0.5}}");
    assertEquals(0.5, DemoCommand.outputScale(model));
    Files.writeString(tmp.resolve("meta.json"), "{\"output_scale\": 0.25}");
    assertEquals(0.25, DemoCommand.outputScale(model));
  }

  @Test
  void findsTheTinyHeadFromTheCheckout() {
    Path p = DemoCommand.findSample("gpt2-head-tiny");
    assertTrue(Files.isRegularFile(p.resolve("model.json")), p.toString());
  }

  @Test
  void floatErrorDequantizesBeforeComparing() {
    // q·0.5 = {1, -1, 2} against y = {1, -1, 1}: max |error| 1, ‖e‖/‖y‖ = 1/√3.
    double[] e =
        DemoCommand.floatError(
            new long[] {2, -2, 4}, 0.5, new Tensor.Floats(new int[] {3}, new double[] {1, -1, 1}));
    assertEquals(1.0, e[0], 1e-12);
    assertEquals(1 / Math.sqrt(3), e[1], 1e-12);
  }
}
