package dev.fhec.cli;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import java.nio.file.Path;
import java.util.List;

/** Chooses the {@link Engine} the commands use. */
public final class Engines {
  private Engines() {}

  /** The engine backed by the project's compiler and runtime. */
  public static Engine current() {
    return new Unavailable();
  }

  /**
   * Placeholder while a part of the pipeline is not in this build: every operation fails with a
   * user-facing message naming what is missing, instead of a stack trace.
   */
  static final class Unavailable implements Engine {
    private static UserException missing(String what) {
      return new UserException(
          what + " is not available in this build of fhec",
          "build from a checkout where the compiler pipeline and the TFHE runtime are merged");
    }

    @Override
    public Compilation compile(CompileRequest request) {
      throw missing("compilation");
    }

    @Override
    public void keygen(Circuit c, Path ck, Path ek, ProgressReporter p) {
      throw missing("key generation");
    }

    @Override
    public void encrypt(Circuit c, Path ck, List<ClearTensor> in, Path out) {
      throw missing("encryption");
    }

    @Override
    public void run(Circuit c, Path ek, Path in, Path out, ProgressReporter p) {
      throw missing("encrypted execution");
    }

    @Override
    public List<ClearTensor> decrypt(Circuit c, Path ck, Path in) {
      throw missing("decryption");
    }

    @Override
    public List<ClearTensor> simulate(Circuit c, List<ClearTensor> in) {
      throw missing("simulation");
    }
  }
}
