package dev.fhec.compiler.frontend.onnx;

import dev.fhec.compiler.ir.Location;
import java.util.List;
import java.util.Map;

/**
 * One ONNX node, decoded: op type, domain, input and output value names (an empty name is an
 * omitted optional input), attributes, and where it is in the model file for diagnostics.
 */
record OnnxNodeSpec(
    String name,
    String opType,
    String domain,
    List<String> inputs,
    List<String> outputs,
    Map<String, OnnxAttribute> attributes,
    Location.OnnxNode location) {
  OnnxNodeSpec {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    attributes = Map.copyOf(attributes);
  }
}
