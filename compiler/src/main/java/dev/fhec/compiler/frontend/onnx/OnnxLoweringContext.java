package dev.fhec.compiler.frontend.onnx;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an {@link OnnxOpLowering} sees: the builder, attribute accessors with ONNX defaults, access
 * to inputs that must be constants (shapes, axes, indices), and a place to record the scales that
 * QDQ pairs fix.
 */
final class OnnxLoweringContext {
  private final ProgramBuilder builder;
  private final OnnxNodeSpec node;
  private final long opset;
  private final Map<Integer, Double> qdqScales;
  private final Map<String, Integer> dataTypes;

  OnnxLoweringContext(
      ProgramBuilder builder,
      OnnxNodeSpec node,
      long opset,
      Map<Integer, Double> qdqScales,
      Map<String, Integer> dataTypes) {
    this.builder = builder;
    this.node = node;
    this.opset = opset;
    this.qdqScales = qdqScales;
    this.dataTypes = dataTypes;
  }

  /**
   * The ONNX element type (TensorProto.DataType number) of input {@code index} when it is an
   * initializer or a Constant node's output, else null (computed values have no recorded type).
   */
  Integer inputDataType(int index) {
    return index < node.inputs().size() ? dataTypes.get(node.inputs().get(index)) : null;
  }

  ProgramBuilder b() {
    return builder;
  }

  /** The default-domain opset the model imports. */
  long opset() {
    return opset;
  }

  /** Records that node {@code id} holds values on the grid {@code k · scale} (a QDQ output). */
  void qdqScale(int id, double scale) {
    qdqScales.put(id, scale);
  }

  /** The value of input {@code id}, which must be a constant (possibly after folding). */
  Tensor constant(int id, String what) {
    if (id < 0) {
      throw error(what + " is missing");
    }
    if (builder.node(id).op() instanceof Op.Constant c) {
      return c.value();
    }
    throw error(
        what
            + " must be a constant (an initializer, a Constant node or a shape computation that"
            + " folds), but it depends on the model's inputs");
  }

  /** A constant input as a list of longs (e.g. a shape or axes). */
  List<Long> longs(int id, String what) {
    Tensor t = constant(id, what);
    List<Long> l = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      double d = t.asDouble(i);
      if (d != Math.rint(d)) {
        throw error(what + " must hold integers, got " + d);
      }
      l.add((long) d);
    }
    return l;
  }

  long attrInt(String name, long dflt) {
    return switch (node.attributes().get(name)) {
      case null -> dflt;
      case OnnxAttribute.IntValue v -> v.value();
      default -> throw error("attribute '" + name + "' must be an INT");
    };
  }

  double attrFloat(String name, double dflt) {
    return switch (node.attributes().get(name)) {
      case null -> dflt;
      case OnnxAttribute.FloatValue v -> v.value();
      default -> throw error("attribute '" + name + "' must be a FLOAT");
    };
  }

  String attrString(String name, String dflt) {
    return switch (node.attributes().get(name)) {
      case null -> dflt;
      case OnnxAttribute.StringValue v -> v.value();
      default -> throw error("attribute '" + name + "' must be a STRING");
    };
  }

  /** An INTS attribute, or null when absent. */
  List<Long> attrInts(String name) {
    return switch (node.attributes().get(name)) {
      case null -> null;
      case OnnxAttribute.IntList v -> v.values();
      default -> throw error("attribute '" + name + "' must be INTS");
    };
  }

  OnnxAttribute attr(String name) {
    return node.attributes().get(name);
  }

  /** Normalizes a possibly negative axis against {@code rank}. */
  int axis(long axis, int rank) {
    if (axis < -rank || axis >= rank) {
      throw error("axis " + axis + " is out of range for rank " + rank);
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  /** An error about this node. */
  CompileException error(String message) {
    return new CompileException(
        Diagnostic.error(
            "node '" + node.name() + "' (" + node.opType() + "): " + message, node.location()));
  }
}
