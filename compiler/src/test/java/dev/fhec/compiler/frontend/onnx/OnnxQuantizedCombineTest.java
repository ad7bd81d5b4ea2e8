package dev.fhec.compiler.frontend.onnx;

import static dev.fhec.compiler.frontend.onnx.TestModels.attr;
import static dev.fhec.compiler.frontend.onnx.TestModels.floats;
import static dev.fhec.compiler.frontend.onnx.TestModels.node;
import static dev.fhec.compiler.frontend.onnx.TestModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto.NodeProto;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto.TensorProto;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.quant.PostTrainingQuantizer;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.compiler.quant.QuantizedProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Operators that combine several encrypted tensors, each quantized on its own scale, imported and
 * quantized post-training, then evaluated on integers and compared with a float reference computed
 * here with plain Java arithmetic. The inputs are three independent tensors a, b, c whose ranges
 * differ (so their calibrated scales differ), and QDQ pairs that fix two different scales — the
 * issue's case: 4.0 stored as 117 on one scale and 5.0 stored as 115 on another must compare as 4.0
 * &lt; 5.0, not 117 &gt; 115.
 */
class OnnxQuantizedCombineTest {
  private static final int N = 6;
  private static final double[] RANGE = {4.0, 5.0, 1.5};
  private static final String[] IN = {"a", "b", "c"};

  private static byte[] model(List<NodeProto> nodes, List<TensorProto> inits) {
    OnnxProto.GraphProto.Builder g = OnnxProto.GraphProto.newBuilder().setName("combine");
    for (String n : IN) {
      g.addInput(value(n, TensorProto.DataType.FLOAT_VALUE, N));
    }
    g.addAllNode(nodes).addAllInitializer(inits);
    g.addOutput(value("y", TensorProto.DataType.FLOAT_VALUE));
    return OnnxProto.ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OnnxProto.OperatorSetIdProto.newBuilder().setDomain("").setVersion(20))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  /** Samples whose input k lies in ±RANGE[k], hitting both ends (so calibration sees them). */
  private static List<List<Tensor>> samples() {
    List<List<Tensor>> set = new ArrayList<>();
    for (int s = 0; s < 12; s++) {
      List<Tensor> sample = new ArrayList<>();
      for (int k = 0; k < IN.length; k++) {
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
          d[i] = RANGE[k] * Math.sin(1.3 * s + 0.7 * i + k);
        }
        d[s % N] = (s % 2 == 0 ? 1 : -1) * RANGE[k];
        sample.add(new Tensor.Floats(new int[] {N}, d));
      }
      set.add(sample);
    }
    return set;
  }

  /** One sample: the inputs, indexable as in.get(k)[i]. */
  private record Sample(double[][] in) {
    double a(int i) {
      return in[0][i];
    }

    double b(int i) {
      return in[1][i];
    }

    double c(int i) {
      return in[2][i];
    }
  }

  @FunctionalInterface
  private interface Reference {
    double at(Sample s, int i);
  }

  /**
   * Imports {@code model}, quantizes it to {@code bits} on the samples and checks every output
   * element against {@code ref} within {@code tolSteps} output quantization steps plus the input
   * rounding, which for n inputs combined is at most half a step of the coarsest input each.
   */
  private static void check(byte[] model, int outLen, Reference ref, double tolerance) {
    OnnxFrontend.FloatModel f = OnnxFrontend.importFloat(model, "combine.onnx");
    List<List<Tensor>> set = samples();
    QuantizedProgram q =
        PostTrainingQuantizer.quantize(
            f.program(), set, f.qdqScales(), QuantizationOptions.ofBits(8));
    double outScale = q.outputScales().get(0);
    double worst = 0;
    for (List<Tensor> sample : set) {
      double[][] x = new double[IN.length][];
      List<Tensor> qin = new ArrayList<>();
      for (int k = 0; k < IN.length; k++) {
        x[k] = ((Tensor.Floats) sample.get(k)).data();
        long[] qx = new long[N];
        for (int i = 0; i < N; i++) {
          qx[i] = (long) Math.rint(x[k][i] / q.inputScales().get(k));
        }
        qin.add(new Tensor.Ints(new int[] {N}, qx));
      }
      Tensor out = ReferenceEvaluator.evaluate(q.program(), qin).get(0);
      assertEquals(outLen, out.size());
      Sample s = new Sample(x);
      for (int i = 0; i < outLen; i++) {
        double want = ref.at(s, i);
        if (Double.isNaN(want)) {
          continue; // a tie within rounding: either answer is right
        }
        double got = out.asDouble(i) * outScale;
        worst = Math.max(worst, Math.abs(got - want));
        assertEquals(want, got, tolerance, "element " + i + " of " + sample);
      }
    }
    assertTrue(worst <= tolerance);
  }

  /** Quantization step of the widest input at 8 bits: max range / 127. */
  private static final double STEP = 5.0 / 127;

  @Test
  void maxAndMinOverThreeInputsOnDifferentScales() {
    check(
        model(List.of(node("Max", "mx", List.of("a", "b", "c"), List.of("y"))), List.of()),
        N,
        (s, i) -> Math.max(s.a(i), Math.max(s.b(i), s.c(i))),
        2 * STEP);
    check(
        model(List.of(node("Min", "mn", List.of("a", "b", "c"), List.of("y"))), List.of()),
        N,
        (s, i) -> Math.min(s.a(i), Math.min(s.b(i), s.c(i))),
        2 * STEP);
  }

  @Test
  void sumMeanAddSubOnDifferentScales() {
    check(
        model(List.of(node("Sum", "sm", List.of("a", "b", "c"), List.of("y"))), List.of()),
        N,
        (s, i) -> s.a(i) + s.b(i) + s.c(i),
        4 * STEP);
    check(
        model(List.of(node("Mean", "me", List.of("a", "b", "c"), List.of("y"))), List.of()),
        N,
        (s, i) -> (s.a(i) + s.b(i) + s.c(i)) / 3,
        3 * STEP);
    check(
        model(
            List.of(
                node("Sub", "d", List.of("a", "c"), List.of("d")),
                node("Add", "y", List.of("d", "b"), List.of("y"))),
            List.of()),
        N,
        (s, i) -> s.a(i) - s.c(i) + s.b(i),
        4 * STEP);
  }

  @Test
  void concatAndWhereBringTheirOperandsToOneScale() {
    check(
        model(
            List.of(node("Concat", "cc", List.of("c", "a", "b"), List.of("y"), attr("axis", 0L))),
            List.of()),
        3 * N,
        (s, i) -> s.in()[i / N == 0 ? 2 : i / N == 1 ? 0 : 1][i % N],
        2 * STEP);
    boolean[] mask = {true, false, false, true, true, false};
    double[] m = new double[N];
    for (int i = 0; i < N; i++) {
      m[i] = mask[i] ? 1 : 0;
    }
    check(
        model(
            List.of(
                node("Cast", "cm", List.of("m"), List.of("mb"), attr("to", 9L)),
                node("Where", "wh", List.of("mb", "c", "b"), List.of("y"))),
            List.of(floats("m", new int[] {N}, m))),
        N,
        (s, i) -> mask[i] ? s.c(i) : s.b(i),
        2 * STEP);
  }

  @Test
  void comparisonsOfTwoEncryptedValuesUseOneScale() {
    byte[] less =
        model(
            List.of(
                node("Less", "lt", List.of("a", "b"), List.of("lt")),
                node("Cast", "cf", List.of("lt"), List.of("y"), attr("to", 1L))),
            List.of());
    check(less, N, (s, i) -> near(s.a(i), s.b(i)) ? Double.NaN : s.a(i) < s.b(i) ? 1 : 0, 0);
    byte[] geq =
        model(
            List.of(
                node("GreaterOrEqual", "ge", List.of("c", "b"), List.of("ge")),
                node("Cast", "cf", List.of("ge"), List.of("y"), attr("to", 1L))),
            List.of());
    check(geq, N, (s, i) -> near(s.c(i), s.b(i)) ? Double.NaN : s.c(i) >= s.b(i) ? 1 : 0, 0);
  }

  private static boolean near(double x, double y) {
    return Math.abs(x - y) < 2 * STEP;
  }

  @Test
  void qdqValuesOnTheirOwnScalesCompareByValueNotByInteger() {
    double sa = 4.0 / 117; // 4.0 is stored as 117
    double sb = 5.0 / 115; // 5.0 is stored as 115
    byte[] m =
        model(
            List.of(
                node("QuantizeLinear", "qa", List.of("a", "sa", "z"), List.of("qa")),
                node("DequantizeLinear", "da", List.of("qa", "sa", "z"), List.of("da")),
                node("QuantizeLinear", "qb", List.of("b", "sb", "z"), List.of("qb")),
                node("DequantizeLinear", "db", List.of("qb", "sb", "z"), List.of("db")),
                node("Max", "mx", List.of("da", "db"), List.of("y"))),
            List.of(
                floats("sa", new int[0], new double[] {sa}),
                floats("sb", new int[0], new double[] {sb}),
                TensorProto.newBuilder() // int8 zero point 0: the signed range [-128, 127]
                    .setName("z")
                    .setDataType(TensorProto.DataType.INT8_VALUE)
                    .addInt32Data(0)
                    .build()));
    float fa = (float) sa;
    float fb = (float) sb;
    ToDoubleFunction<Double> qa = v -> Math.max(-128, Math.min(127, Math.rint(v / fa))) * fa;
    ToDoubleFunction<Double> qb = v -> Math.max(-128, Math.min(127, Math.rint(v / fb))) * fb;
    check(m, N, (s, i) -> Math.max(qa.applyAsDouble(s.a(i)), qb.applyAsDouble(s.b(i))), 2 * STEP);
  }
}
