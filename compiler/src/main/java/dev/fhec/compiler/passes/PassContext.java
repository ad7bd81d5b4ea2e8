package dev.fhec.compiler.passes;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.ir.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * What passes may read besides the program: the options and the calibration inputset (one list of
 * input tensors per sample, in program input order).
 */
public record PassContext(CompileOptions options, List<List<Tensor>> inputset) {
  public PassContext {
    Objects.requireNonNull(options, "options");
    inputset = inputset.stream().map(List::copyOf).toList();
  }
}
