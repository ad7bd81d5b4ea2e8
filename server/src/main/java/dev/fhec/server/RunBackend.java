package dev.fhec.server;

import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.EncryptedTensor;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a server's runs execute: in the server's JVM ({@link #inProcess()}, the default) or on
 * other machines (the spark module's {@code SparkServerBackend}, {@code fhec serve --spark}). The
 * HTTP API, the checks before a run is queued and the job states are the same for every backend.
 */
public interface RunBackend extends AutoCloseable {
  /**
   * Runs checked inputs and answers the output ciphertexts, bit for bit those of the in-process
   * executor.
   *
   * @param keys the key set, loaded and checked against its circuit
   * @param keyFile the key set's file as uploaded (what a cluster ships to its machines)
   * @param progress may be null
   */
  List<EncryptedTensor> execute(
      FheServer.Loaded keys,
      Path keyFile,
      List<EncryptedTensor> inputs,
      CircuitExecutor.Progress progress)
      throws Exception;

  /** For the server's log: where runs execute. */
  String describe();

  /** Releases what the backend holds (a cluster application); the server calls it last. */
  @Override
  default void close() throws Exception {}

  /** Runs in this JVM, on every core, with the keys the server loaded. */
  static RunBackend inProcess() {
    return new RunBackend() {
      @Override
      public List<EncryptedTensor> execute(
          FheServer.Loaded keys,
          Path keyFile,
          List<EncryptedTensor> inputs,
          CircuitExecutor.Progress progress) {
        return FheServer.execute(keys, inputs, progress);
      }

      @Override
      public String describe() {
        return "in-process";
      }
    };
  }
}
