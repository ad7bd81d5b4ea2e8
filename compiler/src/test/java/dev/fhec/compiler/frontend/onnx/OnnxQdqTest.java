package dev.fhec.compiler.frontend.onnx;

import static dev.fhec.compiler.frontend.onnx.TestModels.floats;
import static dev.fhec.compiler.frontend.onnx.TestModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto.TensorProto;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.quant.PostTrainingQuantizer;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.compiler.quant.QuantizedProgram;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A QDQ graph (activations through QuantizeLinear/DequantizeLinear, int8 weights through
 * DequantizeLinear) is taken as already quantized: the matmul runs on the graph's own integers.
 */
class OnnxQdqTest {
  private static TensorProto int8(String name, int[] shape, byte... v) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT8_VALUE)
            .setRawData(ByteString.copyFrom(v));
    for (int d : shape) {
      t.addDims(d);
    }
    return t.build();
  }

  @Test
  void matmulRunsOnTheQdqIntegers() {
    byte[] wq = {12, -7, 3, 100, -128, 5, 0, 64, -33, 9, 27, -1};
    double sw = 0.01;
    double sx = 0.05;
    byte[] model =
        TestModels.model(
            new int[] {1, 4},
            List.of(
                node("QuantizeLinear", "qx", List.of("x", "sx", "zx"), List.of("xq")),
                node("DequantizeLinear", "dqx", List.of("xq", "sx", "zx"), List.of("xd")),
                node("DequantizeLinear", "dqw", List.of("wq", "sw"), List.of("w")),
                node("MatMul", "mm", List.of("xd", "w"), List.of("y"))),
            List.of(
                floats("sx", new int[0], new double[] {sx}),
                int8("zx", new int[0], (byte) 0),
                int8("wq", new int[] {4, 3}, wq),
                floats("sw", new int[0], new double[] {sw})));
    OnnxFrontend.FloatModel f = OnnxFrontend.importFloat(model, "qdq.onnx");
    List<List<Tensor>> set = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      double[] x = new double[4];
      for (int i = 0; i < 4; i++) {
        x[i] = 3 * Math.cos(s + 2.1 * i);
      }
      set.add(List.of(new Tensor.Floats(new int[] {1, 4}, x)));
    }
    QuantizedProgram q =
        PostTrainingQuantizer.quantize(
            f.program(), set, f.qdqScales(), QuantizationOptions.ofBits(8));
    // weights: DequantizeLinear folds to the floats wq·sw (sw stored as float32); the symmetric
    // weight quantizer then takes max|w|/127 = 128·sw/127 (exactly the QDQ integers when they
    // stay within ±127; here −128 forces a rescale)
    double swq = 128 * (double) (float) sw / 127;
    assertEquals((float) sx * swq, q.outputScales().get(0), 1e-15);
    double sIn = q.inputScales().get(0);
    for (List<Tensor> sample : set) {
      double[] x = ((Tensor.Floats) sample.get(0)).data();
      long[] qx = new long[4];
      long[] k = new long[4];
      for (int i = 0; i < 4; i++) {
        qx[i] = (long) Math.rint(x[i] / sIn);
        double fq = Math.max(-128, Math.min(127, Math.rint(qx[i] * sIn / (float) sx)));
        k[i] = (long) Math.max(-127, Math.min(127, Math.rint(fq * (float) sx / (float) sx)));
      }
      long[] want = new long[3];
      for (int j = 0; j < 3; j++) {
        for (int i = 0; i < 4; i++) {
          want[j] += k[i] * (long) Math.rint(wq[i * 3 + j] * (double) (float) sw / swq);
        }
      }
      Tensor got =
          ReferenceEvaluator.evaluate(q.program(), List.of(new Tensor.Ints(new int[] {1, 4}, qx)))
              .get(0);
      assertArrayEquals(want, ((Tensor.Ints) got).data());
    }
  }

  private static TensorProto zeroPoint(String name, int dataType, int value) {
    return TensorProto.newBuilder().setName(name).setDataType(dataType).addInt32Data(value).build();
  }

  /** QuantizeLinear(x, 0.5, zp) evaluated in float: the clip range follows zp's element type. */
  private static double[] quantize(TensorProto zp, double... x) {
    List<String> inputs = zp == null ? List.of("x", "s") : List.of("x", "s", "zp");
    List<TensorProto> inits = new ArrayList<>(List.of(floats("s", new int[0], new double[] {0.5})));
    if (zp != null) {
      inits.add(zp);
    }
    byte[] m =
        TestModels.model(
            new int[] {x.length},
            List.of(node("QuantizeLinear", "q", inputs, List.of("y"))),
            inits);
    OnnxFrontend.FloatModel f = OnnxFrontend.importFloat(m, "q.onnx");
    Tensor y =
        ReferenceEvaluator.evaluate(
                f.program(), List.of(new Tensor.Floats(new int[] {x.length}, x)))
            .get(0);
    double[] out = new double[y.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = y.asDouble(i);
    }
    return out;
  }

  @Test
  void theClipRangeFollowsTheZeroPointsElementType() {
    // x / 0.5 = {-300, -10, 10, 300}
    double[] x = {-150, -5, 5, 150};
    // omitted zero point: uint8 (QuantizeLinear-13), so negatives clip to 0
    assertArrayEquals(new double[] {0, 0, 10, 255}, quantize(null, x));
    assertArrayEquals(
        new double[] {0, 0, 10, 255},
        quantize(zeroPoint("zp", TensorProto.DataType.UINT8_VALUE, 0), x));
    assertArrayEquals(
        new double[] {-128, -10, 10, 127},
        quantize(zeroPoint("zp", TensorProto.DataType.INT8_VALUE, 0), x));
    dev.fhec.compiler.diag.CompileException wide =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.fhec.compiler.diag.CompileException.class,
            () -> quantize(zeroPoint("zp", TensorProto.DataType.INT16_VALUE, 0), x));
    org.junit.jupiter.api.Assertions.assertTrue(
        wide.getMessage().contains("'q'") && wide.getMessage().contains("INT16"),
        wide.getMessage());
  }
}
