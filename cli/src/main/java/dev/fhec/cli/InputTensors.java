package dev.fhec.cli;

import dev.fhec.compiler.bundle.BoundsManifest;
import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.passes.BoundsAudit;
import dev.fhec.runtime.circuit.ClearTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The clear inputs of a circuit, read from a tensor file: shared by encrypt and simulate. */
final class InputTensors {
  @Parameters(index = "0", paramLabel = "<input>", description = "Inputs: .npy, .npz or .json.")
  Path input;

  @Option(
      names = "--sample",
      paramLabel = "<i>",
      description =
          "Take sample i along the leading axis of every array (e.g. of a test-vector file).")
  Integer sample;

  /**
   * Refuses inputs outside the ranges the bundle guarantees (manifest "bounds"): the circuit is
   * exact only inside them, and an encrypted run cannot tell.
   */
  static void requireInRange(Bundle bundle, List<ClearTensor> in) {
    BoundsManifest b = bundle.manifest().bounds();
    if (b == null || b.inputs().size() != in.size()) {
      return;
    }
    for (int i = 0; i < in.size(); i++) {
      BoundsAudit.InputRange r = b.inputs().get(i);
      long[] d = in.get(i).data();
      for (int e = 0; e < d.length; e++) {
        if (d[e] < r.min() || d[e] > r.max()) {
          throw new UserException(
              "input '"
                  + r.name()
                  + "' element "
                  + e
                  + " = "
                  + d[e]
                  + " is outside its allowed range ["
                  + r.min()
                  + ", "
                  + r.max()
                  + "]"
                  + (r.declared() ? "" : " (from the inputset: the model declares no range)"),
              "quantize the input into that range, or recompile with a wider declared range");
        }
      }
    }
  }

  /** The inputs of {@code bundle}'s circuit, matched by name, in circuit order. */
  List<ClearTensor> readFor(Bundle bundle) throws IOException {
    return Io.inputsFor(
        bundle.circuit(),
        bundle.manifest().inputs(),
        quantized(bundle, Io.sampled(TensorFiles.read(input), sample, input)),
        input);
  }

  /**
   * Float arrays quantized with the scales the bundle records (a float ONNX model: manifest options
   * {@code n_bits} and {@code input_scale_<i>}); integer arrays, and every array of other bundles,
   * unchanged.
   */
  static Map<String, Tensor> quantized(Bundle bundle, Map<String, Tensor> arrays) {
    Map<String, String> o = bundle.manifest().options();
    if (!o.containsKey("n_bits")) {
      return arrays;
    }
    int bits = Integer.parseInt(o.get("n_bits"));
    List<String> names = bundle.manifest().inputs();
    Map<String, Tensor> out = new LinkedHashMap<>();
    int position = 0;
    for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
      int i = names.contains(e.getKey()) ? names.indexOf(e.getKey()) : position;
      position++;
      String scale = o.get("input_scale_" + i);
      out.put(
          e.getKey(),
          e.getValue() instanceof Tensor.Floats f && scale != null
              ? BundleCompiler.quantize(f, Double.parseDouble(scale), bits)
              : e.getValue());
    }
    return out;
  }
}
