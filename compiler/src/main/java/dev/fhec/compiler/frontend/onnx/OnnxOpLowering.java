package dev.fhec.compiler.frontend.onnx;

import java.util.List;

/**
 * How one ONNX operator becomes float IR: given the node and the IR ids of its inputs ({@code -1}
 * for an omitted optional input), append nodes through the context's builder and return the ids of
 * the node's outputs, in order. The IR it emits is also the operator's plaintext reference
 * semantics: the {@link dev.fhec.compiler.eval.ReferenceEvaluator} evaluates it for constant
 * folding and calibration.
 */
@FunctionalInterface
interface OnnxOpLowering {
  List<Integer> lower(OnnxLoweringContext ctx, OnnxNodeSpec node, List<Integer> inputs);
}
