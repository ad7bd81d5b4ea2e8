package dev.fhec.compiler.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.ir.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ONNX models reach the shared compile path (CLI and Maven plugin) with post-training quantization.
 */
class BundleCompilerOnnxTest {
  private static final Path DIR = Path.of("../samples/minilm-attention-onnx");

  @Test
  void onnxWithoutInputsetIsAUserErrorWithAHint() {
    BundleException e =
        assertThrows(
            BundleException.class,
            () ->
                BundleCompiler.compile(
                    DIR.resolve("model.onnx"),
                    Optional.empty(),
                    OptionalInt.empty(),
                    CompileOptions.defaults()));
    assertTrue(e.getMessage().contains("calibration inputset"), e.getMessage());
  }

  @Test
  void quantizeSamplesUsesTheSeedQuantizer() {
    // rint(x / s) clipped to ±(2^(bits−1) − 1): with s = 0.5 and 3 bits, qmax = 3.
    Tensor.Floats x = new Tensor.Floats(new int[] {5}, new double[] {0.2, 0.25, -0.74, 9.0, -9.0});
    List<List<Tensor>> q = BundleCompiler.quantizeSamples(List.of(List.of(x)), List.of(0.5), 3);
    assertEquals(new Tensor.Ints(new int[] {5}, new long[] {0, 0, -1, 3, -3}), q.get(0).get(0));
  }

  @Test
  @Tag("slow")
  void realOnnxAttentionCompilesWithScalesInTheManifest() throws Exception {
    Bundle b =
        BundleCompiler.compile(
            DIR.resolve("model.onnx"),
            Optional.of(DIR.resolve("inputset.npz")),
            OptionalInt.of(6),
            CompileOptions.defaults().withRoundTo(6).withProducts(CompileOptions.Products.QUARTER));
    // Quarter-square products (Concrete's lowering), so that the formula counts constructs.
    // Per construct, as MinilmAttentionOnnxTest derives it: 3nD for the fused bias + Q/K/V
    // requant; per head 4dn² (two enc×enc matmuls), n² score quantize, n(n−1) relu max, n² exp,
    // n reciprocal, 2n² exp × 1/sum, n² probability requant.
    long n = 6, d = 32, bigD = 384, heads = 12;
    long perHead = 4 * d * n * n + n * n + n * (n - 1) + n * n + n + 2 * n * n + n * n;
    assertEquals(3 * n * bigD + heads * perHead, b.circuit().pbsCount());
    assertEquals("6", b.manifest().options().get("n_bits"));
    assertTrue(Double.parseDouble(b.manifest().options().get("input_scale_0")) > 0);
    assertTrue(Double.parseDouble(b.manifest().options().get("output_scale_0")) > 0);
  }
}
