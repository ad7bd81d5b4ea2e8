package dev.fhec.cli;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the {@code fhec} subcommands need from the compiler and the TFHE runtime, in one
 * narrow interface: the commands own argument handling, files and output, the engine owns the work.
 * {@link Engines#current()} returns the implementation that adapts the project's APIs; tests
 * substitute their own.
 */
public interface Engine {
  /** Compiles a model file (.fhe, .json or .onnx) with an optional calibration inputset. */
  Bundle compile(CompileRequest request) throws IOException;

  /**
   * What to compile.
   *
   * @param model the model file; its extension selects the frontend
   * @param inputset calibration samples (.npz/.npy/.json), if any
   * @param nBits quantization bits for float models (ONNX), if given
   * @param options compiler options
   */
  record CompileRequest(
      Path model, Optional<Path> inputset, OptionalInt nBits, CompileOptions options) {
    public CompileRequest {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(inputset, "inputset");
      Objects.requireNonNull(nBits, "nBits");
      Objects.requireNonNull(options, "options");
    }
  }

  /** Generates the client key and the evaluation keys of {@code circuit} into two files. */
  void keygen(Circuit circuit, Path clientKey, Path evaluationKeys, ProgressReporter progress)
      throws IOException;

  /** Encrypts the inputs (in circuit input order) under the client key into one file. */
  void encrypt(Circuit circuit, Path clientKey, List<ClearTensor> inputs, Path ciphertexts)
      throws IOException;

  /** Evaluates the circuit on encrypted inputs with the evaluation keys only (the server side). */
  void run(
      Circuit circuit,
      Path evaluationKeys,
      Path inputCiphertexts,
      Path outputCiphertexts,
      ProgressReporter progress)
      throws IOException;

  /** Decrypts the outputs, in circuit output order. */
  List<ClearTensor> decrypt(Circuit circuit, Path clientKey, Path outputCiphertexts)
      throws IOException;

  /** Runs the circuit on clear integers, exactly as the encrypted run computes without errors. */
  List<ClearTensor> simulate(Circuit circuit, List<ClearTensor> inputs);
}
