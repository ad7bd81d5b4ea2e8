package dev.fhec.pipeline;

import dev.fhec.runtime.api.FheClient;
import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.io.FhecFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Head 0 run encrypted through the runtime's client/server API, in one process: the client keeps
 * the secret key and encrypts q(x), the server holds only the circuit and the evaluation keys.
 */
public final class EncryptedHead {
  private static final String NAME = "minilm-head0";

  private final FheClient client;
  private final FheServer.Loaded server;
  private final double keygenSeconds;
  private final long evaluationKeyBytes;

  /**
   * Generates the keys with the streaming keygen into a temporary folder (each evaluation key
   * written as it is made: the 4-bit heads' key sets do not fit an 8 GB heap as one byte array),
   * loads the server's copy in the Fourier form only, and deletes the files.
   */
  public EncryptedHead(HeadCircuit head) {
    var circuit = head.compiled().circuit();
    try {
      Path dir = Files.createTempDirectory("minilm-head-keys");
      Path clientKey = dir.resolve("client.key");
      Path evalKeys = dir.resolve("evaluation.keys");
      try {
        long start = System.nanoTime();
        FheClient.generateToFiles(circuit, clientKey, evalKeys, null);
        this.keygenSeconds = (System.nanoTime() - start) / 1e9;
        this.evaluationKeyBytes = Files.size(evalKeys);
        this.client = FheClient.load(circuit, clientKey);
        this.server =
            new FheServer(Map.of(NAME, circuit))
                .load(
                    NAME,
                    FhecFiles.readEvaluationKeysForComputing(
                        evalKeys, FhecFiles.Expect.circuit(circuit)));
      } finally {
        Files.deleteIfExists(clientKey);
        Files.deleteIfExists(evalKeys);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public double keygenSeconds() {
    return keygenSeconds;
  }

  public long evaluationKeyBytes() {
    return evaluationKeyBytes;
  }

  /** One run: encrypt on the client, evaluate on the server, decrypt on the client. */
  public record Run(
      List<long[]> outputs, double encryptSeconds, double serverSeconds, double decryptSeconds) {}

  public Run run(long[] q) {
    long t0 = System.nanoTime();
    byte[] in = client.encrypt(List.of(q));
    long t1 = System.nanoTime();
    byte[] out = FheServer.run(server, in, null);
    long t2 = System.nanoTime();
    List<long[]> y = client.decrypt(out);
    long t3 = System.nanoTime();
    return new Run(y, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
  }
}
