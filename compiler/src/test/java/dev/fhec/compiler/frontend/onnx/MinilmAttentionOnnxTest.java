package dev.fhec.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.compiler.quant.QuantizedProgram;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.params.ParameterSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real all-MiniLM-L6-v2 layer-0 self-attention exported to ONNX by {@code
 * samples/tools/export_onnx.py} (weights as external data), against onnxruntime's float outputs
 * saved in {@code reference.npz}.
 */
class MinilmAttentionOnnxTest {
  private static final Path DIR = Path.of("..", "samples", "minilm-attention-onnx");

  /** Insecure parameters: the simulator runs the circuit's tables exactly, whatever they are. */
  private static final ParameterSet TOY =
      new ParameterSet(
          "TOY_ONNX",
          new dev.fhec.runtime.params.LweDimension(16),
          new dev.fhec.runtime.params.GlweDimension(1),
          new dev.fhec.runtime.params.PolynomialSize(256),
          new dev.fhec.runtime.params.Decomposition(8, 2),
          new dev.fhec.runtime.params.Decomposition(4, 3),
          1e-5,
          1e-9);

  @Test
  void floatImportMatchesOnnxruntime() throws Exception {
    OnnxFrontend.FloatModel m = OnnxFrontend.importFloat(DIR.resolve("model.onnx"));
    Map<String, NpyArray> ref = Npz.read(DIR.resolve("reference.npz"));
    double[] x = ((NpyArray.Floats) ref.get("x")).data();
    double[] y = ((NpyArray.Floats) ref.get("y")).data();
    int samples = ref.get("x").shape()[0];
    int inSize = x.length / samples;
    int outSize = y.length / samples;
    // the Shape -> Gather -> Unsqueeze -> Concat subgraphs folded away: no integer node is left
    for (Node n : m.program().nodes()) {
      assertTrue(n.type().isFloat(), "unfolded node " + n);
    }
    for (int s = 0; s < samples; s++) {
      Tensor in = new Tensor.Floats(new int[] {1, 6, 384}, slice(x, s * inSize, inSize));
      Tensor out = ReferenceEvaluator.evaluate(m.program(), List.of(in)).get(0);
      assertEquals(outSize, out.size());
      for (int i = 0; i < outSize; i++) {
        // onnxruntime computes in float32, the evaluator in float64
        assertEquals(y[s * outSize + i], out.asDouble(i), 2e-5, "sample " + s + " element " + i);
      }
    }
  }

  @Test
  void quantizedProgramMatchesOnnxruntimeWithinQuantizationError() throws Exception {
    QuantizedProgram q =
        OnnxFrontend.importQuantized(
            DIR.resolve("model.onnx"), DIR.resolve("inputset.npz"), QuantizationOptions.ofBits(8));
    for (Node n : q.program().nodes()) {
      if (n.op() instanceof Op.Input) {
        assertTrue(!n.type().isFloat() && n.type().encrypted());
      }
    }
    Map<String, NpyArray> ref = Npz.read(DIR.resolve("reference.npz"));
    double[] x = ((NpyArray.Floats) ref.get("x")).data();
    double[] y = ((NpyArray.Floats) ref.get("y")).data();
    int samples = ref.get("x").shape()[0];
    int inSize = x.length / samples;
    int outSize = y.length / samples;
    double sIn = q.inputScales().get(0);
    double sOut = q.outputScales().get(0);
    long qmax = 127;
    double maxErr = 0;
    double maxRef = 0;
    for (int s = 0; s < samples; s++) {
      long[] qx = new long[inSize];
      for (int i = 0; i < inSize; i++) {
        qx[i] = Math.max(-qmax, Math.min(qmax, (long) Math.rint(x[s * inSize + i] / sIn)));
      }
      Tensor out =
          ReferenceEvaluator.evaluate(
                  q.program(), List.of(new Tensor.Ints(new int[] {1, 6, 384}, qx)))
              .get(0);
      double dot = 0;
      double na = 0;
      double nr = 0;
      for (int i = 0; i < outSize; i++) {
        double got = ((Tensor.Ints) out).at(i) * sOut;
        double want = y[s * outSize + i];
        maxErr = Math.max(maxErr, Math.abs(got - want));
        maxRef = Math.max(maxRef, Math.abs(want));
        dot += got * want;
        na += got * got;
        nr += want * want;
      }
      double cos = dot / Math.sqrt(na * nr);
      System.out.printf("sample %d cosine %.5f%n", s, cos);
      assertTrue(cos > 0.99, "sample " + s + " cosine " + cos);
    }
    System.out.printf(
        "max abs err %.4f, max |y| %.4f, ratio %.4f, output scale %.5f%n",
        maxErr, maxRef, maxErr / maxRef, sOut);
    assertTrue(maxErr <= 0.05 * maxRef, "max abs error " + maxErr + " vs max |y| " + maxRef);
  }

  /**
   * Compiles the 6-bit program (slow tier: 3–25 s on 2 shared cores). The PBS count is derived per
   * construct (H = 12 heads, n = 6, d = 32, D = 384): 3·n·D for the fused bias + requantization of
   * Q, K, V; 4·d·n² per head for the two enc×enc matmuls (2 PBS per product); per head n² to
   * quantize the scaled scores, n(n−1) for the max as a relu chain, n² to quantize exp, n for
   * 1/sum, 2n² for exp × (1/sum) and n² to requantize the probabilities before A·V. x − max is an
   * integer subtraction on the scores' scale (no table).
   */
  @Test
  @org.junit.jupiter.api.Tag("slow")
  void compiledCircuitSimulationEqualsTheQuantizedProgram() throws Exception {
    QuantizedProgram q =
        OnnxFrontend.importQuantized(
            DIR.resolve("model.onnx"), DIR.resolve("inputset.npz"), QuantizationOptions.ofBits(6));
    double sIn = q.inputScales().get(0);
    List<List<Tensor>> calib = new java.util.ArrayList<>();
    for (String file : List.of("inputset.npz", "reference.npz")) {
      NpyArray.Floats xs = (NpyArray.Floats) Npz.read(DIR.resolve(file)).get("x");
      int per = xs.size() / xs.shape()[0];
      for (int s = 0; s < xs.shape()[0]; s++) {
        long[] qx = new long[per];
        for (int i = 0; i < per; i++) {
          qx[i] = Math.max(-31, Math.min(31, (long) Math.rint(xs.data()[s * per + i] / sIn)));
        }
        calib.add(List.of(new Tensor.Ints(new int[] {1, 6, 384}, qx)));
      }
    }
    long start = System.nanoTime();
    CompiledCircuit cc =
        Fhec.compile(q.program(), CompileOptions.defaults(), calib.subList(0, 8), TOY);
    System.out.printf(
        "compiled in %.1f s: %d PBS, %s%n",
        (System.nanoTime() - start) / 1e9, cc.pbsCount(), cc.bitWidthLine());
    int h = 12;
    int n = 6;
    int d = 32;
    long perHead = 4L * d * n * n + n * n + n * (n - 1) + n * n + n + 2L * n * n + n * n;
    assertEquals(3L * n * 384 + h * perHead, cc.pbsCount());
    for (List<Tensor> sample : calib.subList(8, calib.size())) {
      long[] want = ((Tensor.Ints) ReferenceEvaluator.evaluate(q.program(), sample).get(0)).data();
      long[] got =
          ClearSimulator.run(
                  cc.circuit(),
                  List.of(((Tensor.Ints) sample.get(0)).data()),
                  ClearSimulator.Options.exact())
              .outputs()
              .get(0);
      org.junit.jupiter.api.Assertions.assertArrayEquals(want, got);
    }
  }

  private static double[] slice(double[] a, int from, int n) {
    return java.util.Arrays.copyOfRange(a, from, from + n);
  }
}
