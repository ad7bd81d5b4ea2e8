package dev.fhec.pipeline;

import dev.fhec.runtime.api.FheClient;
import dev.fhec.runtime.api.FheServer;
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

  public EncryptedHead(HeadCircuit head) {
    long start = System.nanoTime();
    FheClient c = FheClient.generate(head.compiled().circuit(), null);
    byte[] ek = c.evaluationKeyBytes().orElseThrow();
    this.keygenSeconds = (System.nanoTime() - start) / 1e9;
    this.evaluationKeyBytes = ek.length;
    // The client's copy of the evaluation keys is dropped before the server expands its own: both
    // at once need twice the memory (4-bit head: out of an 8 GB heap).
    this.client = c.withoutEvaluationKeys();
    c = null;
    this.server =
        new FheServer(Map.of(NAME, head.compiled().circuit())).loadEvaluationKeys(NAME, ek);
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
