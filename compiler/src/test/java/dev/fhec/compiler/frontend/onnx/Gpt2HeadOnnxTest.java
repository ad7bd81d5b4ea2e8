package dev.fhec.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.compiler.quant.QuantizedProgram;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The samples' GPT-2 head as a float ONNX model ({@code samples/gpt2-head-onnx}, exported by {@code
 * samples/tools/export_gpt2_head_onnx.py} from {@code samples/gpt2-head/float.npz}), imported,
 * quantized post-training at the seed's n_bits = 4 and compiled.
 */
class Gpt2HeadOnnxTest {
  private static final Path DIR = Path.of("..", "samples", "gpt2-head-onnx");

  private static final ParameterSet TOY =
      new ParameterSet(
          "TOY_ONNX_GPT2",
          new LweDimension(16),
          new GlweDimension(1),
          new PolynomialSize(256),
          new Decomposition(8, 2),
          new Decomposition(4, 3),
          1e-5,
          1e-9);

  @Test
  void floatImportMatchesOnnxruntime() throws Exception {
    OnnxFrontend.FloatModel m = OnnxFrontend.importFloat(DIR.resolve("model.onnx"));
    Map<String, NpyArray> ref = Npz.read(DIR.resolve("reference.npz"));
    NpyArray.Floats x = (NpyArray.Floats) ref.get("x");
    NpyArray.Floats y = (NpyArray.Floats) ref.get("y");
    int samples = x.shape()[0];
    int in = x.size() / samples;
    int out = y.size() / samples;
    for (int s = 0; s < samples; s++) {
      Tensor t =
          new Tensor.Floats(
              new int[] {1, 6, 768}, Arrays.copyOfRange(x.data(), s * in, (s + 1) * in));
      Tensor got = ReferenceEvaluator.evaluate(m.program(), List.of(t)).get(0);
      for (int i = 0; i < out; i++) {
        assertEquals(y.data()[s * out + i], got.asDouble(i), 2e-5, "sample " + s + " el " + i);
      }
    }
  }

  /**
   * PBS per construct (n = 6, d = 64): 3·n·d for the fused bias + requantization of q, k, v (the
   * seed spends two tables there: bias requant, then q/k/v requant, 2·3·n·d); 4·d·n² for Q·Kᵀ and
   * A·V; n² to quantize the masked scores, n(n−1) for the max, n² for exp, n for 1/sum, 2n² for exp
   * × (1/sum), n² to requantize the probabilities (the seed quantizes the scores and exp twice: 2n²
   * more). So 10,584 = the seed's 11,808 − 3·n·d − 2n².
   */
  @Test
  @org.junit.jupiter.api.Tag("slow") // 5-15 s on 2 shared cores
  void compilesWithFewerBootstrapsThanTheSeedAndSimulatesExactly() throws Exception {
    QuantizedProgram q =
        OnnxFrontend.importQuantized(
            DIR.resolve("model.onnx"), DIR.resolve("inputset.npz"), QuantizationOptions.ofBits(4));
    double sIn = q.inputScales().get(0);
    NpyArray.Floats xs = (NpyArray.Floats) Npz.read(DIR.resolve("inputset.npz")).get("x");
    List<List<Tensor>> calib = new ArrayList<>();
    int per = xs.size() / xs.shape()[0];
    for (int s = 0; s < xs.shape()[0]; s++) {
      long[] qx = new long[per];
      for (int i = 0; i < per; i++) {
        qx[i] = Math.max(-7, Math.min(7, (long) Math.rint(xs.data()[s * per + i] / sIn)));
      }
      calib.add(List.of(new Tensor.Ints(new int[] {1, 6, 768}, qx)));
    }
    CompiledCircuit cc = Fhec.compile(q.program(), CompileOptions.defaults(), calib, TOY);
    int n = 6;
    int d = 64;
    long expected =
        3L * n * d + 4L * d * n * n + n * n + n * (n - 1) + n * n + n + 2L * n * n + n * n;
    assertEquals(10_584, expected);
    assertEquals(11_808 - 3 * n * d - 2 * n * n, expected);
    // The n(n−1)/2 causally masked scores are constants: neither their Q·Kᵀ products (2d quarter
    // squares) nor their score lookup are bootstrapped (DeadElements).
    expected -= (long) n * (n - 1) / 2 * (2L * d + 1);
    assertEquals(8_649, expected);
    assertEquals(expected, cc.pbsCount());
    System.out.println(cc.pbsCount() + " PBS, " + cc.bitWidthLine());
    for (List<Tensor> sample : calib) {
      long[] want = ((Tensor.Ints) ReferenceEvaluator.evaluate(q.program(), sample).get(0)).data();
      long[] got =
          ClearSimulator.run(
                  cc.circuit(),
                  List.of(((Tensor.Ints) sample.get(0)).data()),
                  ClearSimulator.Options.exact())
              .outputs()
              .get(0);
      assertArrayEquals(want, got);
    }
  }
}
