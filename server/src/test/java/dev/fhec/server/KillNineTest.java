package dev.fhec.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.runtime.api.FheClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a separate JVM ({@link ServerProcess}), killed with SIGKILL while a run is in
 * flight and an upload is half sent, then started again on the same data directory.
 */
@EnabledOnOs(OS.LINUX) // destroyForcibly() is SIGKILL there
class KillNineTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killAll() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A running server process and the lines it prints on stdout. */
  private record Child(Process process, BlockingQueue<String> lines, Path logFile) {
    String next(String prefix) throws Exception {
      String l = lines.poll(60, TimeUnit.SECONDS);
      if (l == null || !l.startsWith(prefix)) {
        throw new AssertionError(
            "expected '" + prefix + "...' from the server, got " + l + "; its log:\n" + log());
      }
      return l.substring(prefix.length());
    }

    String log() throws IOException {
      return Files.exists(logFile) ? Files.readString(logFile) : "(none)";
    }
  }

  private Child start(Path data, int holdFrom, String name) throws IOException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path log = tmp.resolve(name + ".log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "-Xmx512m",
                "-Dfhec.allowToyParameters=true",
                "-cp",
                cp,
                ServerProcess.class.getName(),
                data.toString(),
                Integer.toString(holdFrom))
            .redirectError(log.toFile())
            .start();
    started.add(p);
    BlockingQueue<String> lines = new ArrayBlockingQueue<>(64);
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  lines.offer(l);
                }
              } catch (IOException e) {
                // the process died
              }
            });
    return new Child(p, lines, log);
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void aKilledServerKeepsKeySetsAndResultsAndFailsTheRunInFlight() throws Exception {
    Path data = tmp.resolve("data");
    long[] x = {-7, 7, 0, -6, 6};
    List<long[]> expected = TestCircuits.simulate(TestCircuits.SQUARES, List.of(x));
    FheClient alice = FheClient.generate(TestCircuits.SQUARES, null);
    byte[] aliceKeys = alice.evaluationKeyBytes().orElseThrow();
    byte[] bobKeys =
        FheClient.generate(TestCircuits.SQUARES, null).evaluationKeyBytes().orElseThrow();

    // First life: the first run finishes (unfetched), the second is held RUNNING.
    Child first = start(data, 2, "first");
    int port = Integer.parseInt(first.next("port "));
    FhecClient http = new FhecClient(URI.create("http://127.0.0.1:" + port + "/"));
    FhecClient.KeySet keys = http.uploadKeys("squares", aliceKeys);
    byte[] input = alice.encrypt(List.of(x));
    String finished = http.submit(keys, input);
    assertEquals("DONE", http.await(keys, finished, WAIT, null).state());
    String inFlight = http.submit(keys, input);
    assertEquals(inFlight, first.next("running "));
    assertEquals("RUNNING", http.status(keys, inFlight).state());

    // Bob's upload is half sent when the kill comes: its bytes are in a temp file by then.
    try (Socket bob = new Socket("127.0.0.1", port)) {
      OutputStream out = bob.getOutputStream();
      out.write(
          ("POST /v1/keys?circuit=squares HTTP/1.1\r\nHost: x\r\nContent-Length: "
                  + bobKeys.length
                  + "\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(bobKeys, 0, bobKeys.length / 2);
      out.flush();
      for (int i = 0;
          i < 200 && !files(data.resolve("keys")).stream().anyMatch(KillNineTest::temp);
          i++) {
        Thread.sleep(25);
      }
      assertTrue(
          files(data.resolve("keys")).stream().anyMatch(KillNineTest::temp),
          "the half upload has a temp file: " + files(data));

      first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
      assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals(128 + 9, first.process().exitValue(), "killed by SIGKILL");

    // Second life on the same directory.
    Child second = start(data, 0, "second");
    FhecClient again = new FhecClient(URI.create("http://127.0.0.1:" + second.next("port ") + "/"));
    assertEquals(1, again.health().get("keySets").asInt(), "alice's key set only");

    // What the kill left, after the restart's recovery: no temp file, alice's key set whole, the
    // finished job's state and result, the in-flight job's state (now FAILED), nothing else.
    ObjectMapper json = new ObjectMapper();
    assertEquals(
        Set.of(
            "jobs/" + finished + ".json",
            "jobs/" + finished + ".result",
            "jobs/" + inFlight + ".json",
            "keys/" + keys.id() + ".json",
            "keys/" + keys.id() + ".keys"),
        Set.copyOf(files(data)));
    assertArrayEquals(
        aliceKeys, Files.readAllBytes(data.resolve("keys").resolve(keys.id() + ".keys")));
    assertEquals(
        "FAILED",
        json.readTree(data.resolve("jobs").resolve(inFlight + ".json").toFile())
            .get("state")
            .asText());

    FhecClient.Status failed = again.status(keys, inFlight);
    assertEquals("FAILED", failed.state());
    assertTrue(failed.error().contains("submit"), failed.error());
    assertArrayEquals(expected.get(0), alice.decrypt(again.result(keys, finished)).get(0));
    // The same ciphertexts submitted again, with the same token, run to the right answer.
    assertArrayEquals(expected.get(0), alice.decrypt(again.run(keys, input, WAIT)).get(0));

    // Bob can upload now, whole.
    again.uploadKeys("squares", bobKeys);
    assertEquals(2, again.health().get("keySets").asInt());
  }

  private static boolean temp(String relative) {
    return Path.of(relative).getFileName().toString().startsWith(Durable.TEMP_PREFIX);
  }
}
