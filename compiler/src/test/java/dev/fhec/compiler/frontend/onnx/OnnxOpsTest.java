package dev.fhec.compiler.frontend.onnx;

import static dev.fhec.compiler.frontend.onnx.TestModels.attr;
import static dev.fhec.compiler.frontend.onnx.TestModels.floats;
import static dev.fhec.compiler.frontend.onnx.TestModels.ints;
import static dev.fhec.compiler.frontend.onnx.TestModels.longs;
import static dev.fhec.compiler.frontend.onnx.TestModels.model;
import static dev.fhec.compiler.frontend.onnx.TestModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each lowering against a naive loop computation of the ONNX operator's definition. */
class OnnxOpsTest {
  /** Values that float32 holds exactly, so float32 storage does not perturb the references. */
  private static double[] ramp(int n, double step, double offset) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = offset + step * ((i * 7) % n);
    }
    return d;
  }

  private static double[] run(byte[] model, int[] shape, double[] x) {
    OnnxFrontend.FloatModel m = OnnxFrontend.importFloat(model, "test.onnx");
    Tensor out =
        ReferenceEvaluator.evaluate(m.program(), List.of(new Tensor.Floats(shape, x))).get(0);
    double[] r = new double[out.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = out.asDouble(i);
    }
    return r;
  }

  @Test
  void tableCitesOperatorVersionsAndCoversTheRequiredOps() {
    Map<String, String> versions = OnnxFrontend.operatorVersions();
    for (var e : versions.entrySet()) {
      assertTrue(e.getValue().matches(e.getKey() + "-\\d+"), e.toString());
    }
    for (String op :
        List.of(
            "MatMul",
            "Gemm",
            "Add",
            "Sub",
            "Mul",
            "Div",
            "Neg",
            "Transpose",
            "Reshape",
            "Flatten",
            "Split",
            "Slice",
            "Gather",
            "Concat",
            "Unsqueeze",
            "Squeeze",
            "Softmax",
            "Exp",
            "ReduceMax",
            "ReduceSum",
            "ReduceMean",
            "Sqrt",
            "Pow",
            "Where",
            "Cast",
            "Constant",
            "Relu",
            "Gelu",
            "Erf",
            "Tanh",
            "Sigmoid",
            "LayerNormalization",
            "QuantizeLinear",
            "DequantizeLinear")) {
      assertTrue(versions.containsKey(op), op);
    }
  }

  @Test
  void gemmWithTransposedWeightAlphaAndBeta() {
    double[] w = ramp(12, 0.25, -1.5); // (4, 3), used transposed
    double[] c = {0.5, -1, 2, 0.125};
    byte[] m =
        model(
            new int[] {2, 3},
            List.of(
                node(
                    "Gemm",
                    "g",
                    List.of("x", "w", "c"),
                    List.of("y"),
                    attr("transB", 1L),
                    attr("alpha", 0.5),
                    attr("beta", 2.0))),
            List.of(floats("w", new int[] {4, 3}, w), floats("c", new int[] {4}, c)));
    double[] x = ramp(6, 0.5, -1);
    double[] y = run(m, new int[] {2, 3}, x);
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 4; j++) {
        double acc = 0;
        for (int k = 0; k < 3; k++) {
          acc += x[i * 3 + k] * w[j * 3 + k];
        }
        assertEquals(0.5 * acc + 2 * c[j], y[i * 4 + j], 1e-12);
      }
    }
  }

  @Test
  void softmaxAndLayerNormalizationFollowTheirDefinitions() {
    double[] scale = {1, 0.5, 2, -1};
    double[] bias = {0, 0.25, -0.5, 1};
    byte[] m =
        model(
            new int[] {3, 4},
            List.of(
                node("Softmax", "sm", List.of("x"), List.of("p"), attr("axis", 1L)),
                node(
                    "LayerNormalization",
                    "ln",
                    List.of("x", "s", "b"),
                    List.of("y"),
                    attr("epsilon", 1e-3))),
            List.of(floats("s", new int[] {4}, scale), floats("b", new int[] {4}, bias)),
            "p",
            "y");
    double[] x = ramp(12, 0.375, -2);
    OnnxFrontend.FloatModel fm = OnnxFrontend.importFloat(m, "test.onnx");
    List<Tensor> out =
        ReferenceEvaluator.evaluate(fm.program(), List.of(new Tensor.Floats(new int[] {3, 4}, x)));
    for (int r = 0; r < 3; r++) {
      double sum = 0;
      double mean = 0;
      for (int k = 0; k < 4; k++) {
        sum += Math.exp(x[r * 4 + k]);
        mean += x[r * 4 + k] / 4;
      }
      double var = 0;
      for (int k = 0; k < 4; k++) {
        var += (x[r * 4 + k] - mean) * (x[r * 4 + k] - mean) / 4;
      }
      for (int k = 0; k < 4; k++) {
        assertEquals(Math.exp(x[r * 4 + k]) / sum, out.get(0).asDouble(r * 4 + k), 1e-12);
        // epsilon is stored as float32 in the attribute
        double ln = (x[r * 4 + k] - mean) / Math.sqrt(var + (float) 1e-3) * scale[k] + bias[k];
        assertEquals(ln, out.get(1).asDouble(r * 4 + k), 1e-9);
      }
    }
  }

  @Test
  void dataMovementChainMatchesIndexArithmetic() {
    // x (2,3,4) -> Transpose [2,0,1] (4,2,3) -> Split axis 0 [1,3] -> second (3,2,3)
    // -> Slice axis 2 [1:3] (3,2,2) -> Gather axis 0 [2,0] (2,2,2) -> Unsqueeze [0] (1,2,2,2)
    // -> Squeeze [0] (2,2,2) -> Flatten axis 1 (2,4) -> Concat with itself axis 1 (2,8)
    byte[] m =
        model(
            new int[] {2, 3, 4},
            List.of(
                node("Transpose", "t", List.of("x"), List.of("t"), ints("perm", 2, 0, 1)),
                node("Split", "sp", List.of("t", "sizes"), List.of("s0", "s1"), attr("axis", 0L)),
                node("Slice", "sl", List.of("s1", "st", "en", "ax"), List.of("sl")),
                node("Gather", "ga", List.of("sl", "idx"), List.of("g"), attr("axis", 0L)),
                node("Unsqueeze", "un", List.of("g", "zero"), List.of("u")),
                node("Squeeze", "sq", List.of("u", "zero"), List.of("q")),
                node("Flatten", "fl", List.of("q"), List.of("f"), attr("axis", 1L)),
                node("Concat", "cc", List.of("f", "f"), List.of("y"), attr("axis", 1L))),
            List.of(
                longs("sizes", new int[] {2}, 1, 3),
                longs("st", new int[] {1}, 1),
                longs("en", new int[] {1}, Long.MAX_VALUE),
                longs("ax", new int[] {1}, -1),
                longs("idx", new int[] {2}, 2, 0),
                longs("zero", new int[] {1}, 0)));
    double[] x = new double[24];
    for (int i = 0; i < 24; i++) {
      x[i] = i;
    }
    double[] y = run(m, new int[] {2, 3, 4}, x);
    List<Double> want = new ArrayList<>();
    int[] gathered = {2, 0};
    double[][] f = new double[2][4];
    for (int gi = 0; gi < 2; gi++) {
      int a = gathered[gi] + 1; // index into t's axis 0 (after the split offset 1)
      for (int b = 0; b < 2; b++) {
        for (int c = 1; c < 3; c++) {
          // t[a][b][c] = x[b][c][a]
          f[gi][b * 2 + (c - 1)] = x[b * 12 + c * 4 + a];
        }
      }
    }
    for (int r = 0; r < 2; r++) {
      for (int k = 0; k < 8; k++) {
        want.add(f[r][k % 4]);
      }
    }
    assertArrayEquals(want.stream().mapToDouble(Double::doubleValue).toArray(), y, 0);
  }

  @Test
  void tanhGeluAndReductions() {
    byte[] m =
        model(
            new int[] {2, 3},
            List.of(
                node("Gelu", "ge", List.of("x"), List.of("g"), attr("approximate", "tanh")),
                node("ReduceMax", "rm", List.of("g", "ax1"), List.of("mx")),
                node("ReduceMean", "rmean", List.of("g", "ax1"), List.of("mn")),
                node("Sub", "d", List.of("mx", "mn"), List.of("y"))),
            List.of(longs("ax1", new int[] {1}, 1)));
    double[] x = {-2, -0.5, 0.25, 1, 1.5, 3};
    double[] y = run(m, new int[] {2, 3}, x);
    for (int r = 0; r < 2; r++) {
      double max = Double.NEGATIVE_INFINITY;
      double mean = 0;
      for (int k = 0; k < 3; k++) {
        double v = x[r * 3 + k];
        double g = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
        max = Math.max(max, g);
        mean += g / 3;
      }
      assertEquals(max - mean, y[r], 1e-9);
    }
  }

  @Test
  void elementwiseChainWhereAndReduceSum() {
    // y = ReduceSum_axis1( Where(mask, Sqrt(Sigmoid(x)) + Tanh(x) * Exp(Neg(x)), Pow(Relu(x), 2)
    //     - x) ), keepdims 0
    byte[] m =
        model(
            new int[] {2, 3},
            List.of(
                node("Sigmoid", "sg", List.of("x"), List.of("sg")),
                node("Sqrt", "sq", List.of("sg"), List.of("sq")),
                node("Tanh", "th", List.of("x"), List.of("th")),
                node("Neg", "ng", List.of("x"), List.of("ng")),
                node("Exp", "ex", List.of("ng"), List.of("ex")),
                node("Mul", "mu", List.of("th", "ex"), List.of("mu")),
                node("Add", "ad", List.of("sq", "mu"), List.of("a")),
                node("Relu", "re", List.of("x"), List.of("re")),
                node("Pow", "pw", List.of("re", "two"), List.of("pw")),
                node("Sub", "sb", List.of("pw", "x"), List.of("b")),
                node("Cast", "cm", List.of("maskf"), List.of("mask"), attr("to", 9L)),
                node("Where", "wh", List.of("mask", "a", "b"), List.of("w")),
                node("ReduceSum", "rs", List.of("w", "ax1"), List.of("y"), attr("keepdims", 0L))),
            List.of(
                floats("two", new int[0], new double[] {2}),
                floats("maskf", new int[] {3}, new double[] {1, 0, 1}),
                longs("ax1", new int[] {1}, 1)));
    double[] x = {-1.5, -0.25, 0.5, 0.75, 1.25, -2};
    double[] y = run(m, new int[] {2, 3}, x);
    assertEquals(2, y.length);
    for (int r = 0; r < 2; r++) {
      double sum = 0;
      for (int k = 0; k < 3; k++) {
        double v = x[r * 3 + k];
        double a = Math.sqrt(1 / (1 + Math.exp(-v))) + Math.tanh(v) * Math.exp(-v);
        double b = Math.pow(Math.max(v, 0), 2) - v;
        sum += k != 1 ? a : b;
      }
      assertEquals(sum, y[r], 1e-12);
    }
  }

  @Test
  void unsupportedOperatorNamesTheNodeAndListsSupportedOps() {
    byte[] m =
        model(
            new int[] {2}, List.of(node("Conv", "my_conv", List.of("x"), List.of("y"))), List.of());
    CompileException e =
        assertThrows(CompileException.class, () -> OnnxFrontend.importFloat(m, "m.onnx"));
    assertTrue(e.getMessage().contains("my_conv"), e.getMessage());
    assertTrue(
        e.getMessage().contains(String.join(", ", new java.util.TreeSet<>(OnnxOps.TABLE.keySet()))),
        e.getMessage());
    assertEquals(new Location.OnnxNode("m.onnx", "my_conv", "Conv"), e.first().location());
  }

  @Test
  void anOperatorOlderThanItsImplementedVersionIsRejected() {
    byte[] m =
        TestModels.model(
            11,
            new int[] {2, 3},
            List.of(node("Softmax", "old_softmax", List.of("x"), List.of("y"))),
            List.of());
    CompileException e =
        assertThrows(CompileException.class, () -> OnnxFrontend.importFloat(m, "m.onnx"));
    assertTrue(e.getMessage().contains("old_softmax"), e.getMessage());
    assertTrue(e.getMessage().contains("opset 11") && e.getMessage().contains("Softmax-13"));
  }

  @Test
  void reshapeOfAShapeComputedFromTheInputIsReported() {
    // Reshape whose shape depends on x's values, not its shape: must be a located error.
    byte[] m =
        model(
            new int[] {2},
            List.of(
                node("Cast", "c", List.of("x"), List.of("xi"), attr("to", 7L)),
                node("Reshape", "bad_reshape", List.of("x", "xi"), List.of("y"))),
            List.of());
    CompileException e =
        assertThrows(CompileException.class, () -> OnnxFrontend.importFloat(m, "m.onnx"));
    assertTrue(e.getMessage().contains("bad_reshape"), e.getMessage());
    assertTrue(e.getMessage().contains("must be a constant"), e.getMessage());
  }

  private static CompileException importFails(byte[] m) {
    return assertThrows(CompileException.class, () -> OnnxFrontend.importFloat(m, "m.onnx"));
  }

  @Test
  void castsOutsideTheRepresentedTypesAreRefusedAtTheNode() {
    // INT4 = 22, STRING = 8, FLOAT8E4M3FN = 17, COMPLEX64 = 14
    for (long to : new long[] {22, 8, 17, 14}) {
      CompileException e =
          importFails(
              model(
                  new int[] {2},
                  List.of(node("Cast", "odd_cast", List.of("x"), List.of("y"), attr("to", to))),
                  List.of()));
      assertTrue(e.getMessage().contains("odd_cast"), e.getMessage());
      assertTrue(e.getMessage().contains("is not supported"), e.getMessage());
      assertEquals(new Location.OnnxNode("m.onnx", "odd_cast", "Cast"), e.first().location());
    }
    // a narrow integer or half-precision cast of an input-dependent value would wrap or round
    for (long to : new long[] {3, 2, 10}) {
      CompileException e =
          importFails(
              model(
                  new int[] {2},
                  List.of(node("Cast", "narrow", List.of("x"), List.of("y"), attr("to", to))),
                  List.of()));
      assertTrue(e.getMessage().contains("narrow"), e.getMessage());
    }
    CompileException missing =
        importFails(
            model(
                new int[] {2},
                List.of(node("Cast", "no_to", List.of("x"), List.of("y"))),
                List.of()));
    assertTrue(missing.getMessage().contains("'to' is required"), missing.getMessage());
  }

  @Test
  void castsOfConstantsWrapRoundAndTestAsOnnxDefinesThem() {
    // y = x + Cast<INT8>(c) + Cast<FLOAT16>(h) + Cast<BOOL>(z) ; c = 300 → 44, h = 0.1 →
    // 0.0999755859375
    byte[] m =
        model(
            new int[] {3},
            List.of(
                node("Cast", "c8", List.of("c"), List.of("c8"), attr("to", 3L)),
                node("Cast", "cf", List.of("c8"), List.of("cf"), attr("to", 1L)),
                node("Cast", "h16", List.of("h"), List.of("h16"), attr("to", 10L)),
                node("Cast", "zb", List.of("z"), List.of("zb"), attr("to", 9L)),
                node("Cast", "zf", List.of("zb"), List.of("zf"), attr("to", 1L)),
                node("Sum", "s", List.of("x", "cf", "h16", "zf"), List.of("y"))),
            List.of(
                floats("c", new int[] {3}, new double[] {300, -129.75, 5}),
                floats("h", new int[] {3}, new double[] {0.1, 1, -2.5}),
                floats("z", new int[] {3}, new double[] {0, 0.25, -3})));
    double[] y = run(m, new int[] {3}, new double[] {0, 0, 0});
    double[] want = {
      (byte) 300 + (double) Float.float16ToFloat(Float.floatToFloat16(0.1f)) + 0,
      (byte) -129 + 1.0 + 1,
      5 - 2.5 + 1
    };
    assertArrayEquals(want, y, 0);
  }

  @Test
  void anAttributeTheLoweringDoesNotReadIsRefused() {
    CompileException e =
        importFails(
            model(
                new int[] {2, 3},
                List.of(
                    node(
                        "Softmax",
                        "sm",
                        List.of("x"),
                        List.of("y"),
                        attr("axis", 1L),
                        attr("legacy_mode", 1L))),
                List.of()));
    assertTrue(e.getMessage().contains("'legacy_mode'"), e.getMessage());
    assertTrue(e.getMessage().contains("Softmax-13"), e.getMessage());
    assertEquals(new Location.OnnxNode("m.onnx", "sm", "Softmax"), e.first().location());
    CompileException none =
        importFails(
            model(
                new int[] {2},
                List.of(node("Relu", "r", List.of("x"), List.of("y"), attr("alpha", 0.5))),
                List.of()));
    assertTrue(none.getMessage().contains("takes no attributes"), none.getMessage());
  }

  @Test
  void reductionsWithNoopWithEmptyAxesReturnTheirInput() {
    for (String op : List.of("ReduceMax", "ReduceMean", "ReduceSum")) {
      byte[] m =
          model(
              new int[] {2, 3},
              List.of(node(op, "r", List.of("x"), List.of("y"), attr("noop_with_empty_axes", 1L))),
              List.of());
      double[] x = ramp(6, 0.5, -1);
      assertArrayEquals(x, run(m, new int[] {2, 3}, x), 0, op);
    }
  }

  @Test
  void variadicMaxMinSumMeanUseEveryInput() {
    double[] k1 = {3, -4, 0.5, 2};
    double[] k2 = {-1, 6, 0.25, 2.5};
    for (String op : List.of("Max", "Min", "Sum", "Mean")) {
      byte[] m =
          model(
              new int[] {4},
              List.of(node(op, "v", List.of("x", "k1", "k2"), List.of("y"))),
              List.of(floats("k1", new int[] {4}, k1), floats("k2", new int[] {4}, k2)));
      double[] x = {1, 2, -3, 2.25};
      double[] y = run(m, new int[] {4}, x);
      for (int i = 0; i < 4; i++) {
        double[] v = {x[i], k1[i], k2[i]};
        double want =
            switch (op) {
              case "Max" -> Math.max(v[0], Math.max(v[1], v[2]));
              case "Min" -> Math.min(v[0], Math.min(v[1], v[2]));
              case "Sum" -> v[0] + v[1] + v[2];
              default -> (v[0] + v[1] + v[2]) / 3;
            };
        assertEquals(want, y[i], 1e-12, op + "[" + i + "]");
      }
    }
  }
}
