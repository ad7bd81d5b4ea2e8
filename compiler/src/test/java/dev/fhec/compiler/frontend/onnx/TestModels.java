package dev.fhec.compiler.frontend.onnx;

import com.google.protobuf.ByteString;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto.AttributeProto;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto.NodeProto;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Builds small ONNX models for tests with the generated protobuf builders. */
final class TestModels {
  private TestModels() {}

  static TensorProto floats(String name, int[] shape, double[] data) {
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

  static TensorProto longs(String name, int[] shape, long... data) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
    for (int d : shape) {
      t.addDims(d);
    }
    for (long v : data) {
      t.addInt64Data(v);
    }
    return t.build();
  }

  static AttributeProto attr(String name, long v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  static AttributeProto attr(String name, double v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF((float) v)
        .build();
  }

  static AttributeProto attr(String name, String v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v))
        .build();
  }

  static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  static NodeProto node(
      String op, String name, List<String> in, List<String> out, AttributeProto... attrs) {
    NodeProto.Builder n =
        NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addAllOutput(out);
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    return n.build();
  }

  static OnnxProto.ValueInfoProto value(String name, int elemType, int... shape) {
    OnnxProto.TensorShapeProto.Builder s = OnnxProto.TensorShapeProto.newBuilder();
    for (int d : shape) {
      s.addDim(OnnxProto.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxProto.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxProto.TypeProto.newBuilder()
                .setTensorType(
                    OnnxProto.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s)))
        .build();
  }

  /** A model with one float input {@code x} of {@code shape}, the given nodes, output {@code y}. */
  static byte[] model(
      int[] shape, List<NodeProto> nodes, List<TensorProto> initializers, String... outputs) {
    return model(20, shape, nodes, initializers, outputs);
  }

  /** As above, importing default-domain opset {@code opset}. */
  static byte[] model(
      int opset,
      int[] shape,
      List<NodeProto> nodes,
      List<TensorProto> initializers,
      String... outputs) {
    OnnxProto.GraphProto.Builder g =
        OnnxProto.GraphProto.newBuilder()
            .setName("test")
            .addInput(value("x", TensorProto.DataType.FLOAT_VALUE, shape))
            .addAllNode(nodes)
            .addAllInitializer(initializers);
    for (String o : outputs.length == 0 ? new String[] {"y"} : outputs) {
      g.addOutput(value(o, TensorProto.DataType.FLOAT_VALUE));
    }
    return OnnxProto.ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OnnxProto.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g)
        .build()
        .toByteArray();
  }
}
