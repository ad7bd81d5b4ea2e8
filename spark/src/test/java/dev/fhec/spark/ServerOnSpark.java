package dev.fhec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.api.FheClient;
import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.server.FhecClient;
import dev.fhec.server.FhecServer;
import dev.fhec.server.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code fhec serve --spark}'s backend, checked through the server's HTTP API: what a client gets
 * is byte for byte what the in-process server answers, and bad input is refused with the same
 * statuses before anything reaches the cluster.
 */
final class ServerOnSpark {
  private ServerOnSpark() {}

  static void check(JavaSparkContext sc, TinyHead head, Path data) throws Exception {
    Circuit c = head.circuit();
    FheClient alice = FheClient.generate(c, null);
    FheClient bob = FheClient.generate(c, null);
    byte[] ek = alice.evaluationKeyBytes().orElseThrow();
    List<long[]> x = List.of(head.vector(0));
    byte[] ct = alice.encrypt(x);
    FheServer inProcess = new FheServer(Map.of("head", c));
    byte[] expected = FheServer.run(inProcess.loadEvaluationKeys("head", ek), ct, null);

    SparkServerBackend backend =
        new SparkServerBackend(sc, SparkCircuitExecutor.Options.defaults());
    try (FhecServer server =
        FhecServer.start(ServerConfig.defaults(data), Map.of("head", c), backend)) {
      FhecClient http = new FhecClient(URI.create("http://127.0.0.1:" + server.port() + "/"));
      FhecClient.KeySet keys = http.uploadKeys("head", ek);
      for (int run = 0; run < 2; run++) {
        String job = http.submit(keys, ct);
        FhecClient.Status s = http.await(keys, job, Duration.ofMinutes(3), null);
        assertEquals("DONE", s.state(), s.error());
        assertEquals(c.pbsCount(), s.done(), "progress counted every bootstrap");
        byte[] got = http.result(keys, job);
        assertArrayEquals(expected, got, "the server's answer on Spark, run " + run);
        long[] simulated =
            ClearSimulator.run(c, x, ClearSimulator.Options.exact()).outputs().get(0);
        assertArrayEquals(simulated, alice.decrypt(got).get(0));
      }
      assertEquals(1, backend.keptKeySets(), "one key set shipped, kept for the second run");

      // Refused before queueing, with the in-process server's statuses and messages.
      refused(400, "truncat", () -> http.submit(keys, Arrays.copyOf(ct, ct.length - 3)));
      byte[] flipped = ct.clone();
      flipped[flipped.length - 20] ^= 1;
      refused(400, "checksum", () -> http.submit(keys, flipped));
      refused(400, "belongs to", () -> http.submit(keys, bob.encrypt(x)));
      refused(400, "", () -> http.submit(keys, expected)); // outputs given as inputs
      refused(400, "secret", () -> http.uploadKeys("head", secretKeyFile(alice, data)));
    }
  }

  private static byte[] secretKeyFile(FheClient client, Path dir) throws Exception {
    Path p = dir.resolve("client.key");
    client.saveClientKey(p);
    return java.nio.file.Files.readAllBytes(p);
  }

  interface Call {
    void run() throws Exception;
  }

  private static void refused(int status, String text, Call call) {
    FhecClient.Failure f = assertThrows(FhecClient.Failure.class, call::run);
    assertEquals(status, f.status(), f.getMessage());
    assertTrue(f.getMessage().contains(text), f.getMessage());
  }
}
