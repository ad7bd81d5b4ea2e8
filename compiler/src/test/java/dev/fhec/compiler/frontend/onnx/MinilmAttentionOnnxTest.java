package dev.fhec.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.compiler.quant.QuantizedProgram;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
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

  private static double[] slice(double[] a, int from, int n) {
    return java.util.Arrays.copyOfRange(a, from, from + n);
  }
}
