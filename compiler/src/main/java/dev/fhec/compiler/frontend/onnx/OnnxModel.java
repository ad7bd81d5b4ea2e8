package dev.fhec.compiler.frontend.onnx;

import dev.fhec.compiler.ir.Tensor;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model after decoding: the main graph's nodes in file order (ONNX requires topological
 * order), its initializers (external data already loaded) with their TensorProto element types (the
 * IR's tensors keep only float or integer), its real inputs (initializers excluded) and outputs,
 * and the opset imported per domain ({@code ""} = the default domain).
 */
record OnnxModel(
    String file,
    String graphName,
    List<OnnxNodeSpec> nodes,
    Map<String, Tensor> initializers,
    Map<String, Integer> initializerTypes,
    List<ValueSpec> inputs,
    List<String> outputs,
    Map<String, Long> opsets) {
  OnnxModel {
    nodes = List.copyOf(nodes);
    initializers = Map.copyOf(initializers);
    initializerTypes = Map.copyOf(initializerTypes);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    opsets = Map.copyOf(opsets);
  }

  /**
   * A graph input: name, static shape (a dimension is {@code -1} when symbolic or missing) and
   * whether its element type is a float.
   */
  record ValueSpec(String name, List<Integer> shape, boolean isFloat) {
    ValueSpec {
      shape = List.copyOf(shape);
    }
  }
}
