package dev.fhec.compiler.frontend.onnx;

import dev.fhec.compiler.ir.Tensor;
import java.util.List;

/**
 * A node attribute of an ONNX model, decoded from the protobuf {@code AttributeProto} so that no
 * protobuf type leaves the reader. Only the kinds the supported operators use are kept.
 */
sealed interface OnnxAttribute {
  /** INT. */
  record IntValue(long value) implements OnnxAttribute {}

  /** FLOAT. */
  record FloatValue(double value) implements OnnxAttribute {}

  /** INTS. */
  record IntList(List<Long> values) implements OnnxAttribute {
    public IntList {
      values = List.copyOf(values);
    }
  }

  /** FLOATS. */
  record FloatList(List<Double> values) implements OnnxAttribute {
    public FloatList {
      values = List.copyOf(values);
    }
  }

  /** STRING (UTF-8). */
  record StringValue(String value) implements OnnxAttribute {}

  /** TENSOR (e.g. the value of a Constant node). */
  record TensorValue(Tensor value, int dataType) implements OnnxAttribute {}

  /** Any other kind (graphs, sparse tensors, type protos): kept by name only. */
  record Unsupported(String kind) implements OnnxAttribute {}
}
