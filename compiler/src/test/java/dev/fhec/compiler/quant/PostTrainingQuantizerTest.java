package dev.fhec.compiler.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seed's quantizer, recomputed by hand: scale = max|x| / (2^(n−1) − 1), q = rint(x / s). */
class PostTrainingQuantizerTest {
  private static final double[] W = {
    0.5, -0.25, 0.75, -1.0, 0.125, 0.3, -0.6, 0.9, 0.05, 0.2, 0.4, -0.8
  };

  private static Program relu(double[] w) {
    ProgramBuilder b = new ProgramBuilder("mlp");
    int x = b.input("x", new int[] {1, 4}, new ElementType.FloatType(), true);
    int mm = b.matmul(x, b.constant(new Tensor.Floats(new int[] {4, 3}, w)));
    return b.output(b.unary(UnaryFn.Simple.RELU, mm)).build();
  }

  private static List<List<Tensor>> inputset() {
    List<List<Tensor>> set = new ArrayList<>();
    for (int s = 0; s < 6; s++) {
      double[] x = new double[4];
      for (int i = 0; i < 4; i++) {
        x[i] = Math.sin(1.7 * s + i) * (1 + s % 3);
      }
      set.add(List.of(new Tensor.Floats(new int[] {1, 4}, x)));
    }
    return set;
  }

  @Test
  void matmulThenReluFollowsTheSeedQuantizerExactly() {
    int nBits = 6;
    long qmax = 31;
    Program f = relu(W);
    List<List<Tensor>> set = inputset();
    QuantizedProgram q =
        PostTrainingQuantizer.quantize(f, set, Map.of(), QuantizationOptions.ofBits(nBits));
    // independent recomputation of the scales from the definition
    double xMax = 0;
    double yMax = 0;
    for (List<Tensor> s : set) {
      double[] x = ((Tensor.Floats) s.get(0)).data();
      for (int j = 0; j < 3; j++) {
        double acc = 0;
        for (int i = 0; i < 4; i++) {
          xMax = Math.max(xMax, Math.abs(x[i]));
          acc += x[i] * W[i * 3 + j];
        }
        yMax = Math.max(yMax, Math.max(acc, 0));
      }
    }
    double wMax = 1.0;
    double sx = xMax / qmax;
    double sw = wMax / qmax;
    double sy = yMax / qmax;
    assertEquals(sx, q.inputScales().get(0), 0);
    assertEquals(sy, q.outputScales().get(0), 0);
    for (List<Tensor> s : set) {
      double[] x = ((Tensor.Floats) s.get(0)).data();
      long[] qx = new long[4];
      for (int i = 0; i < 4; i++) {
        qx[i] = (long) Math.rint(x[i] / sx);
      }
      long[] want = new long[3];
      for (int j = 0; j < 3; j++) {
        long acc = 0;
        for (int i = 0; i < 4; i++) {
          acc += qx[i] * (long) Math.rint(W[i * 3 + j] / sw);
        }
        double real = Math.max(acc * (sx * sw), 0);
        want[j] = Math.max(-qmax, Math.min(qmax, (long) Math.rint(real / sy)));
      }
      Tensor got =
          ReferenceEvaluator.evaluate(q.program(), List.of(new Tensor.Ints(new int[] {1, 4}, qx)))
              .get(0);
      assertArrayEquals(want, ((Tensor.Ints) got).data());
    }
    // the program is integer at its boundaries; floats live only inside chains
    for (Node n : q.program().nodes()) {
      if (n.op() instanceof Op.Input || q.program().outputs().contains(n.id())) {
        assertTrue(!n.type().isFloat(), n.toString());
      }
    }
  }

  @Test
  void perChannelWeightsUseOneScalePerColumn() {
    Program f = relu(W);
    List<List<Tensor>> set = inputset();
    QuantizedProgram q =
        PostTrainingQuantizer.quantize(
            f, set, Map.of(), QuantizationOptions.ofBits(6).withPerChannelWeights(true));
    Tensor.Ints wq = null;
    for (Node n : q.program().nodes()) {
      if (n.op() instanceof Op.Constant c && c.value() instanceof Tensor.Ints t && t.size() == 12) {
        wq = t;
      }
    }
    double[] colMax = new double[3];
    for (int i = 0; i < 12; i++) {
      colMax[i % 3] = Math.max(colMax[i % 3], Math.abs(W[i]));
    }
    long[] want = new long[12];
    for (int i = 0; i < 12; i++) {
      want[i] = (long) Math.rint(W[i] / (colMax[i % 3] / 31));
    }
    assertArrayEquals(want, wq.data());
  }

  @Test
  void qdqScaleIsUsedInsteadOfCalibration() {
    // x -> fake-quant at 0.1 (as QuantizeLinear + DequantizeLinear lower) -> matmul W
    ProgramBuilder b = new ProgramBuilder("qdq");
    int x = b.input("x", new int[] {1, 4}, new ElementType.FloatType(), true);
    int q =
        b.unary(
            new UnaryFn.Clip(-128, 127), b.unary(UnaryFn.Simple.RINT, b.div(x, b.constant(0.1))));
    int dq = b.mul(q, b.constant(0.1));
    int y = b.matmul(dq, b.constant(new Tensor.Floats(new int[] {4, 3}, W)));
    Program f = b.output(y).build();
    QuantizedProgram qp =
        PostTrainingQuantizer.quantize(
            f, inputset(), Map.of(dq, 0.1), QuantizationOptions.ofBits(8));
    double sw = 1.0 / 127;
    assertEquals(0.1 * sw, qp.outputScales().get(0), 1e-18);
    double sx = qp.inputScales().get(0);
    for (List<Tensor> s : inputset()) {
      double[] xv = ((Tensor.Floats) s.get(0)).data();
      long[] qx = new long[4];
      long[] k = new long[4];
      for (int i = 0; i < 4; i++) {
        qx[i] = (long) Math.rint(xv[i] / sx);
        double xr = qx[i] * sx; // the chain starts from the dequantized input
        double fq = Math.max(-128, Math.min(127, Math.rint(xr / 0.1))) * 0.1;
        k[i] = Math.max(-127, Math.min(127, (long) Math.rint(fq / 0.1)));
      }
      long[] want = new long[3];
      for (int j = 0; j < 3; j++) {
        for (int i = 0; i < 4; i++) {
          want[j] += k[i] * (long) Math.rint(W[i * 3 + j] / sw);
        }
      }
      Tensor got =
          ReferenceEvaluator.evaluate(qp.program(), List.of(new Tensor.Ints(new int[] {1, 4}, qx)))
              .get(0);
      assertArrayEquals(want, ((Tensor.Ints) got).data());
    }
  }
}
