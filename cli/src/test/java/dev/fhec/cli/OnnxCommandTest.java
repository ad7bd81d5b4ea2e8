package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto.TensorProto;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.circuit.ClearTensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A float ONNX model end to end through the commands (issue 16): relu(x @ W + b) compiles at the
 * default --n-bits, the bundle records its scales, float inputs are quantized with them, and
 * --dequantize decodes the outputs.
 */
class OnnxCommandTest {
  @TempDir Path tmp;

  private static final double[] W = {
    0.5, -0.25, 0.75, -1.0, 0.125, 0.3, -0.6, 0.9, 0.05, 0.2, 0.4, -0.8
  };
  private static final double[] B = {0.1, -0.2, 0.05};

  FhecCommandTest.Result run(String... args) {
    CommandLine cl = FhecCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new FhecCommandTest.Result(code, out.toString(), err.toString());
  }

  private static TensorProto floats(String name, int[] shape, double[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (double d : data) {
      b.putFloat((float) d);
    }
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(b.array()));
    for (int d : shape) {
      t.addDims(d);
    }
    return t.build();
  }

  private static OnnxProto.ValueInfoProto value(String name, int... shape) {
    OnnxProto.TensorShapeProto.Builder s = OnnxProto.TensorShapeProto.newBuilder();
    for (int d : shape) {
      s.addDim(OnnxProto.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxProto.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxProto.TypeProto.newBuilder()
                .setTensorType(
                    OnnxProto.TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(s)))
        .build();
  }

  private static OnnxProto.NodeProto node(String op, List<String> in, String out) {
    return OnnxProto.NodeProto.newBuilder()
        .setOpType(op)
        .setName(out)
        .addAllInput(in)
        .addOutput(out)
        .build();
  }

  Path model() throws Exception {
    OnnxProto.GraphProto g =
        OnnxProto.GraphProto.newBuilder()
            .setName("mlp")
            .addInput(value("x", 1, 4))
            .addNode(node("MatMul", List.of("x", "W"), "m"))
            .addNode(node("Add", List.of("m", "B"), "a"))
            .addNode(node("Relu", List.of("a"), "y"))
            .addInitializer(floats("W", new int[] {4, 3}, W))
            .addInitializer(floats("B", new int[] {3}, B))
            .addOutput(value("y"))
            .build();
    Path m = tmp.resolve("mlp.onnx");
    Files.write(
        m,
        OnnxProto.ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(OnnxProto.OperatorSetIdProto.newBuilder().setDomain("").setVersion(20))
            .setGraph(g)
            .build()
            .toByteArray());
    Random rnd = new Random(3);
    double[] set = new double[50 * 4];
    for (int i = 0; i < set.length; i++) {
      set[i] = rnd.nextGaussian();
    }
    TensorFiles.write(
        tmp.resolve("calib.npz"), Map.of("x", new Tensor.Floats(new int[] {50, 1, 4}, set)));
    return m;
  }

  @Test
  void aFloatModelCompilesQuantizesItsInputsAndDequantizesItsOutputs() throws Exception {
    Path b = tmp.resolve("mlp.fhec");
    FhecCommandTest.Result r =
        run(
            "compile",
            model().toString(),
            "--inputset",
            tmp.resolve("calib.npz").toString(),
            "-o",
            b.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode m = new ObjectMapper().readTree(b.resolve("manifest.json").toFile());
    assertEquals("6", m.get("options").get("n_bits").asText());
    // 6-bit inputs and weights make 11-bit accumulators with ν ≈ 40: no parameters exist, so the
    // lookup inputs are rounded to the widest precision that has them, and the user is told.
    assertEquals("10", m.get("options").get("round_to_auto").asText(), r.err());
    assertTrue(r.err().contains("rounded their inputs to 10 bits"), r.err());
    double inScale = Double.parseDouble(m.get("options").get("input_scale_0").asText());
    double outScale = Double.parseDouble(m.get("options").get("output_scale_0").asText());
    assertTrue(inScale > 0 && outScale > 0, m.toString());
    // The quantizer clips to ±31: the accepted input range.
    JsonNode x = m.get("bounds").get("inputs").get(0);
    assertEquals(-31, x.get("min").asLong());
    assertEquals(31, x.get("max").asLong());
    double[] in = {0.7, -1.2, 0.3, 1.9};
    Path input = tmp.resolve("in.json");
    Files.writeString(input, "{\"x\": [[0.7, -1.2, 0.3, 1.9]]}");
    Path y = tmp.resolve("y.json");
    r = run("simulate", "--bundle", b.toString(), input.toString(), "-o", y.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode q = new ObjectMapper().readTree(y.toFile()).get("y").get(0);
    // relu(x W + b), decoded with the output scale, within a few quantization steps.
    for (int j = 0; j < 3; j++) {
      double acc = B[j];
      for (int i = 0; i < 4; i++) {
        acc += in[i] * W[i * 3 + j];
      }
      double want = Math.max(0, acc);
      double got = q.get(j).asLong() * outScale;
      assertEquals(want, got, 3 * outScale + 4 * inScale, "output " + j);
    }
    Map<String, Tensor> deq =
        DecryptCommand.dequantized(
            List.of("y"),
            List.of(new ClearTensor(new int[] {1, 3}, new long[] {3, 0, -2})),
            Map.of("output_scale_0", Double.toString(outScale)));
    assertEquals(
        new Tensor.Floats(new int[] {1, 3}, new double[] {3 * outScale, 0, -2 * outScale}),
        deq.get("y"));
  }

  @Test
  void dequantizingAnIntegerModelIsAUserError() {
    UserException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            UserException.class,
            () ->
                DecryptCommand.dequantized(
                    List.of("y"),
                    List.of(new ClearTensor(new int[] {1}, new long[] {1})),
                    Map.of()));
    assertTrue(e.getMessage().contains("no output scale"), e.getMessage());
  }
}
