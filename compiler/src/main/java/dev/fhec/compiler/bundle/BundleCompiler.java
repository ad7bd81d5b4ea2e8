package dev.fhec.compiler.bundle;

import dev.fhec.compiler.CompileOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Compiles a model file into a {@link Bundle}: the one entry point the CLI ({@code fhec compile})
 * and the Maven plugin ({@code fhec:compile}) share, so both produce identical bundles.
 */
public final class BundleCompiler {
  private BundleCompiler() {}

  /**
   * Compiles {@code model} (.fhe, .json or .onnx, by extension) with an optional calibration
   * inputset.
   *
   * @throws dev.fhec.compiler.diag.CompileException with located diagnostics when the model is
   *     wrong
   * @throws BundleException when a part of the pipeline is missing from this build
   */
  public static Bundle compile(
      Path model, Optional<Path> inputset, OptionalInt nBits, CompileOptions options)
      throws IOException {
    throw new BundleException(
        "compilation is not available in this build of fhec (no frontend for " + model + ")",
        "build from a checkout where the frontends and the compiler pipeline are merged");
  }
}
