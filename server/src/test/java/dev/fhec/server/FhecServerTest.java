package dev.fhec.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.api.FheClient;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.ClientKeySet;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real server on 127.0.0.1 (ephemeral port) with TOY-parameter circuits. */
class FhecServerTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Map<String, Circuit> CIRCUITS =
      Map.of("squares", TestCircuits.SQUARES, "squares3", TestCircuits.SQUARES3);

  @TempDir Path data;

  @TempDir Path files;
  private FhecServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private FhecClient start(ServerConfig config) throws Exception {
    server = FhecServer.start(config, CIRCUITS);
    return new FhecClient(URI.create("http://127.0.0.1:" + server.port() + "/"));
  }

  private ServerConfig config() {
    return ServerConfig.defaults(data).withLimits(1 << 20, 64L << 20, 4, 4, 1);
  }

  private static long[] x() {
    return new long[] {-7, 7, 0, -6, 6};
  }

  private List<Path> stored(String sub) throws Exception {
    try (Stream<Path> s = Files.list(data.resolve(sub))) {
      return s.toList();
    }
  }

  @Test
  void aRoundTripDecryptsToTheSimulation() throws Exception {
    FhecClient http = start(config());
    FheClient alice = FheClient.generate(TestCircuits.SQUARES, null);
    // Keys and inputs streamed from files, as fhec client sends them (key files outgrow arrays).
    Path keyFile =
        Files.write(files.resolve("alice.eval"), alice.evaluationKeyBytes().orElseThrow());
    Path inputFile = Files.write(files.resolve("alice.ct"), alice.encrypt(List.of(x())));
    FhecClient.KeySet keys = http.uploadKeys("squares", keyFile);
    String job = http.submit(keys, inputFile);
    FhecClient.Status s = http.await(keys, job, WAIT, null);
    assertEquals("DONE", s.state(), s.error());
    assertEquals(s.total(), s.done());
    List<long[]> out = alice.decrypt(http.result(keys, job));
    List<long[]> expected = TestCircuits.simulate(TestCircuits.SQUARES, List.of(x()));
    assertArrayEquals(expected.get(0), out.get(0));
    assertEquals(49 + 49 + 0 + 36 + 36, out.get(0)[0]);
    // Fetched results are gone; health and metrics answer.
    assertEquals(
        404, assertThrows(FhecClient.Failure.class, () -> http.result(keys, job)).status());
    assertEquals("ok", http.health().get("status").asText());
    String metrics = get(http, "/metrics");
    assertTrue(metrics.contains("fhec_runs_submitted_total"), metrics);
    assertTrue(metrics.contains("fhec_key_sets"), metrics);
    assertEquals(2, http.circuits().size());
  }

  @Test
  void badInputIsRefusedWithAMessageAndNothingIsStored() throws Exception {
    FhecClient http = start(config());
    FheClient alice = FheClient.generate(TestCircuits.SQUARES, null);
    byte[] ek = alice.evaluationKeyBytes().orElseThrow();
    Path clientKey = data.resolve("alice.key");
    alice.saveClientKey(clientKey);

    // Keys: a secret key, a damaged file, an unknown circuit, another circuit's keys.
    assertRefused(400, "secret", () -> http.uploadKeys("squares", Files.readAllBytes(clientKey)));
    byte[] flipped = ek.clone();
    flipped[flipped.length / 2] ^= 0x10;
    assertRefused(400, "checksum", () -> http.uploadKeys("squares", flipped));
    assertRefused(
        400, "truncated", () -> http.uploadKeys("squares", Arrays.copyOf(ek, ek.length - 7)));
    assertRefused(404, "unknown circuit", () -> http.uploadKeys("nope", ek));
    assertRefused(400, "circuit", () -> http.uploadKeys("squares3", ek));
    assertEquals(0, stored("keys").size());

    FhecClient.KeySet keys = http.uploadKeys("squares", ek);
    assertRefused(409, "already", () -> http.uploadKeys("squares", ek));
    byte[] ct = alice.encrypt(List.of(x()));

    // Ciphertexts: truncated, bit-flipped, another key set's, wrong shape, oversized.
    assertRefused(400, "truncat", () -> http.submit(keys, Arrays.copyOf(ct, ct.length - 3)));
    byte[] ctFlipped = ct.clone();
    ctFlipped[ctFlipped.length - 20] ^= 1;
    assertRefused(400, "checksum", () -> http.submit(keys, ctFlipped));
    FheClient bob = FheClient.generate(TestCircuits.SQUARES, null);
    FhecClient.KeySet bobKeys = http.uploadKeys("squares", bob.evaluationKeyBytes().orElseThrow());
    assertRefused(400, "belongs to", () -> http.submit(keys, bob.encrypt(List.of(x()))));
    ClientKeySet ck = FhecFiles.readClientKey(clientKey, FhecFiles.Expect.ANY);
    ValueInfo in = TestCircuits.SQUARES.value(TestCircuits.SQUARES.inputs().get(0));
    ValueInfo four = new ValueInfo(new int[] {4}, in.width(), in.signed(), true, in.partition());
    byte[] wrongShape =
        FhecFiles.ciphertextsBytes(
            ck.identity(),
            TestCircuits.SQUARES.plan(),
            List.of(ClientTensors.encrypt(ck, new long[] {1, 2, 3, 4}, four)),
            true);
    assertRefused(400, "expects", () -> http.submit(keys, wrongShape));
    assertRefused(413, "limit", () -> http.submit(keys, new byte[(1 << 20) + 1]));

    // Tokens and ids: another client's token, no token, path-like and unknown ids.
    FhecClient.KeySet stolen = new FhecClient.KeySet(keys.id(), bobKeys.token(), "squares");
    assertRefused(403, "token", () -> http.submit(stolen, ct));
    String job = http.submit(keys, ct);
    FhecClient.KeySet bobOnAlicesJob = new FhecClient.KeySet(keys.id(), bobKeys.token(), "squares");
    assertRefused(403, "token", () -> http.status(bobOnAlicesJob, job));
    assertRefused(403, "token", () -> http.result(bobOnAlicesJob, job));
    assertEquals(401, status(http, "GET", "/v1/jobs/" + job, null));
    for (String bad : List.of("..", "..%2F..%2Fkeys", "ABCDEF", "x".repeat(32), "%2e%2e")) {
      int st = status(http, "GET", "/v1/jobs/" + bad, keys.token());
      assertTrue(st >= 400 && st < 500, bad + " -> " + st);
    }
    assertEquals(404, status(http, "GET", "/v1/jobs/" + "0".repeat(32), keys.token()));
    assertEquals(404, status(http, "GET", "/etc/passwd", null));
    assertEquals(405, status(http, "PUT", "/v1/circuits", null));

    assertEquals("DONE", http.await(keys, job, WAIT, null).state());
    assertEquals(1, stored("jobs").stream().filter(p -> p.toString().endsWith(".json")).count());
    assertEquals(4, stored("keys").size()); // two key sets, each .keys + .json
  }

  @Test
  void aClientAbortingMidUploadLeavesNoHalfKeySet() throws Exception {
    FhecClient http = start(config());
    byte[] ek = FheClient.generate(TestCircuits.SQUARES, null).evaluationKeyBytes().orElseThrow();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/keys?circuit=squares HTTP/1.1\r\nHost: x\r\nContent-Length: "
                  + ek.length
                  + "\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(ek, 0, ek.length / 2);
      out.flush();
      Thread.sleep(200);
    }
    // The server notices the closed connection and removes its temp file (bounded wait).
    for (int i = 0; i < 100 && !stored("keys").isEmpty(); i++) {
      Thread.sleep(50);
    }
    assertEquals(List.of(), stored("keys"));
    assertEquals(0, http.health().get("keySets").asInt());
    // The whole upload still works afterwards.
    http.uploadKeys("squares", ek);
    assertEquals(1, http.health().get("keySets").asInt());
  }

  @Test
  void aRestartKeepsKeySetsAndResultsAndFailsTheRunInFlight() throws Exception {
    FhecClient http = start(config().withLimits(1 << 20, 64L << 20, 4, 4, 1));
    FheClient alice = FheClient.generate(TestCircuits.SQUARES, null);
    FhecClient.KeySet keys = http.uploadKeys("squares", alice.evaluationKeyBytes().orElseThrow());
    String finished = http.submit(keys, alice.encrypt(List.of(x())));
    assertEquals("DONE", http.await(keys, finished, WAIT, null).state());

    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    server.beforeRun =
        id -> {
          started.countDown();
          try {
            never.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException("killed");
          }
        };
    String inFlight = http.submit(keys, alice.encrypt(List.of(x())));
    assertTrue(started.await(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals("RUNNING", http.status(keys, inFlight).state());
    server.halt(); // as a kill: no state written from here on
    server = null;

    FhecClient again = start(config());
    FhecClient.Status failed = again.status(keys, inFlight);
    assertEquals("FAILED", failed.state());
    assertTrue(failed.error().contains("submit"), failed.error());
    List<long[]> expected = TestCircuits.simulate(TestCircuits.SQUARES, List.of(x()));
    assertArrayEquals(expected.get(0), alice.decrypt(again.result(keys, finished)).get(0));
    // The key set survived: the failed run can be submitted again with the same token.
    byte[] out = again.run(keys, alice.encrypt(List.of(x())), WAIT);
    assertArrayEquals(expected.get(0), alice.decrypt(out).get(0));
  }

  @Test
  void limitsAnswer503AndUnfetchedResultsExpire() throws Exception {
    FhecClient http =
        start(
            config().withLimits(1 << 20, 64L << 20, 1, 0, 1).withResultTtl(Duration.ofMillis(300)));
    FheClient alice = FheClient.generate(TestCircuits.SQUARES, null);
    FhecClient.KeySet keys = http.uploadKeys("squares", alice.evaluationKeyBytes().orElseThrow());
    FheClient bob = FheClient.generate(TestCircuits.SQUARES, null);
    assertRefused(
        503, "maximum", () -> http.uploadKeys("squares", bob.evaluationKeyBytes().orElseThrow()));

    CountDownLatch release = new CountDownLatch(1);
    server.beforeRun =
        id -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    byte[] ct = alice.encrypt(List.of(x()));
    String job = http.submit(keys, ct);
    for (int i = 0; i < 200 && !http.status(keys, job).state().equals("RUNNING"); i++) {
      Thread.sleep(20);
    }
    assertRefused(503, "queue", () -> http.submit(keys, ct)); // one running, no queue
    release.countDown();
    assertEquals("DONE", http.await(keys, job, WAIT, null).state());
    // Not fetched: removed after the configured time (bounded wait).
    for (int i = 0; i < 100 && hasJob(http, keys, job); i++) {
      Thread.sleep(50);
    }
    assertEquals(
        404, assertThrows(FhecClient.Failure.class, () -> http.status(keys, job)).status());
  }

  @Test
  void damagedStoredFilesGiveClearErrorsNotACrash() throws Exception {
    FhecClient http = start(config());
    FheClient alice = FheClient.generate(TestCircuits.SQUARES, null);
    FhecClient.KeySet keys = http.uploadKeys("squares", alice.evaluationKeyBytes().orElseThrow());
    FheClient bob = FheClient.generate(TestCircuits.SQUARES, null);
    FhecClient.KeySet bobs = http.uploadKeys("squares", bob.evaluationKeyBytes().orElseThrow());
    server.close();
    server = null;

    // While stopped, a bit of alice's stored keys flips and bob's metadata is overwritten.
    Path aliceKeys = data.resolve("keys").resolve(keys.id() + ".keys");
    byte[] b = Files.readAllBytes(aliceKeys);
    b[b.length / 2] ^= 1;
    Files.write(aliceKeys, b);
    Path bobMeta = data.resolve("keys").resolve(bobs.id() + ".json");
    Files.writeString(bobMeta, "{not json");

    FhecClient again = start(config()); // starts, serving what it can read
    assertEquals(1, again.health().get("keySets").asInt());
    assertTrue(Files.exists(bobMeta), "the unreadable key set is left for the operator");
    assertRefused(404, "no key set", () -> again.submit(bobs, bob.encrypt(List.of(x()))));
    String job = again.submit(keys, alice.encrypt(List.of(x())));
    FhecClient.Status st = again.await(keys, job, WAIT, null);
    assertEquals("FAILED", st.state());
    assertTrue(st.error().contains("cannot read the stored keys"), st.error());
    assertTrue(st.error().contains("upload the keys again"), st.error());
    assertEquals("ok", again.health().get("status").asText());
  }

  @Test
  void anUnwritableDataDirectoryAnswers507AndStoresNothing() throws Exception {
    FhecClient http = start(config());
    byte[] ek = FheClient.generate(TestCircuits.SQUARES, null).evaluationKeyBytes().orElseThrow();
    // The key directory becomes a file: every write under it fails, as on a full or read-only disk.
    Path keysDir = data.resolve("keys");
    Files.delete(keysDir);
    Files.writeString(keysDir, "");
    assertRefused(507, "cannot store", () -> http.uploadKeys("squares", ek));
    assertEquals(0, http.health().get("keySets").asInt());
    Files.delete(keysDir);
    Files.createDirectory(keysDir);
    FhecClient.KeySet keys = http.uploadKeys("squares", ek);
    assertEquals(1, http.health().get("keySets").asInt());
  }

  private static boolean hasJob(FhecClient http, FhecClient.KeySet keys, String job)
      throws Exception {
    try {
      http.status(keys, job);
      return true;
    } catch (FhecClient.Failure f) {
      return false;
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertRefused(int status, String messagePart, Call call) {
    FhecClient.Failure f = assertThrows(FhecClient.Failure.class, call::run);
    assertEquals(status, f.status(), f.getMessage());
    assertTrue(
        f.getMessage()
            .toLowerCase(java.util.Locale.ROOT)
            .contains(messagePart.toLowerCase(java.util.Locale.ROOT)),
        f.getMessage());
  }

  private int status(FhecClient http, String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient()
        .send(b.build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private String get(FhecClient http, String path) throws Exception {
    HttpResponse<InputStream> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
