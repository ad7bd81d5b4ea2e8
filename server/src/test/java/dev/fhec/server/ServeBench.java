package dev.fhec.server;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.runtime.api.FheClient;
import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Not a test: C concurrent clients × R runs of a bundle through {@code fhec serve} (HTTP on
 * 127.0.0.1, in this JVM), then the same runs in-process ({@link FheServer#run} from C threads).
 * Every result is decrypted and compared with the simulation. Prints latency p50/p99 and throughput
 * of both arms.
 *
 * <p>Run: {@code ./mvnw -B -q -pl server -am test-compile} then {@code java -cp
 * server/target/test-classes:server/target/classes:$(cat cp.txt) dev.fhec.server.ServeBench
 * head.fhec CLIENTS RUNS IN_MEMORY samples/gpt2-head-tiny/vectors.npz} (cp.txt from {@code
 * dependency:build-classpath}).
 */
public final class ServeBench {
  private ServeBench() {}

  private static NpyArray.Ints samples;

  private static long[] sample(int k) {
    int n = samples.shape()[0];
    int size = samples.size() / n;
    return Arrays.copyOfRange(samples.data(), (k % n) * size, (k % n + 1) * size);
  }

  public static void main(String[] args) throws Exception {
    Bundle bundle = Bundle.read(Path.of(args[0]));
    int clients = Integer.parseInt(args[1]);
    int runs = Integer.parseInt(args[2]);
    int inMemory = Integer.parseInt(args[3]);
    // Test vectors (the simulation of random values may overflow calibrated bounds): the first
    // array of the .npz, one sample per run along its leading axis, cycled.
    NpyArray.Ints vectors =
        (NpyArray.Ints) Npz.read(Path.of(args[4])).get(args.length > 5 ? args[5] : "q_x");
    samples = vectors;
    Circuit c = bundle.circuit();
    String name = bundle.manifest().name();
    System.out.printf(
        Locale.ROOT,
        "bench: %s, %d PBS/run, %d clients x %d runs, %d cores%n",
        name,
        c.pbsCount(),
        clients,
        runs,
        Runtime.getRuntime().availableProcessors());

    long k0 = System.nanoTime();
    List<FheClient> users = new ArrayList<>();
    List<byte[]> evalKeys = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      FheClient u = FheClient.generate(c, null);
      evalKeys.add(u.evaluationKeyBytes().orElseThrow());
      users.add(u.withoutEvaluationKeys());
    }
    System.out.printf(
        Locale.ROOT,
        "keygen: %d key sets in %.1f s (%,d bytes each)%n",
        clients,
        (System.nanoTime() - k0) / 1e9,
        evalKeys.get(0).length);

    Path data = Files.createTempDirectory("fhec-bench");
    List<Double> served;
    long wallServed;
    try (FhecServer server =
        FhecServer.start(
            ServerConfig.defaults(data)
                .withLimits(64L << 20, 4L << 30, clients, 4 * clients, 1)
                .withMaxLoadedKeySets(inMemory),
            Map.of(name, c))) {
      FhecClient http = new FhecClient(URI.create("http://127.0.0.1:" + server.port() + "/"));
      List<FhecClient.KeySet> keySets = new ArrayList<>();
      long u0 = System.nanoTime();
      for (int i = 0; i < clients; i++) {
        keySets.add(http.uploadKeys(name, evalKeys.get(i)));
      }
      System.out.printf(
          Locale.ROOT, "upload: %d key sets in %.1f s%n", clients, (System.nanoTime() - u0) / 1e9);
      long t0 = System.nanoTime();
      served =
          arm(
              clients,
              runs,
              c,
              users,
              (i, ct) -> http.run(keySets.get(i), ct, Duration.ofHours(2)));
      wallServed = System.nanoTime() - t0;
    }
    report("fhec serve (HTTP)", served, wallServed);

    FheServer fhe = new FheServer(Map.of(name, c));
    List<FheServer.Loaded> loaded = new ArrayList<>();
    for (byte[] ek : evalKeys) {
      loaded.add(fhe.loadEvaluationKeys(name, ek));
    }
    long t1 = System.nanoTime();
    List<Double> direct =
        arm(clients, runs, c, users, (i, ct) -> FheServer.run(loaded.get(i), ct, null));
    report("in-process (FheServer.run)", direct, System.nanoTime() - t1);
  }

  private interface Runner {
    byte[] run(int client, byte[] ciphertexts) throws Exception;
  }

  /** Latencies in seconds of every run; each result checked against the simulation. */
  private static List<Double> arm(
      int clients, int runs, Circuit c, List<FheClient> users, Runner runner) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<List<Double>>> fs = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int client = i;
      fs.add(
          pool.submit(
              () -> {
                SecureRandom rnd = new SecureRandom();
                List<Double> lat = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                  List<long[]> in = List.of(sample(client * runs + r + rnd.nextInt(1000)));
                  byte[] ct = users.get(client).encrypt(in);
                  long t0 = System.nanoTime();
                  byte[] out = runner.run(client, ct);
                  lat.add((System.nanoTime() - t0) / 1e9);
                  List<long[]> got = users.get(client).decrypt(out);
                  List<long[]> want =
                      ClearSimulator.run(c, in, ClearSimulator.Options.exact()).outputs();
                  for (int o = 0; o < want.size(); o++) {
                    if (!Arrays.equals(want.get(o), got.get(o))) {
                      throw new AssertionError(
                          "client " + client + " run " + r + ": decrypted != simulated");
                    }
                  }
                }
                return lat;
              }));
    }
    List<Double> all = new ArrayList<>();
    for (Future<List<Double>> f : fs) {
      all.addAll(f.get());
    }
    pool.shutdown();
    return all;
  }

  private static void report(String arm, List<Double> lat, long wallNanos) {
    List<Double> s = new ArrayList<>(lat);
    Collections.sort(s);
    double p50 = s.get((int) Math.ceil(0.50 * s.size()) - 1);
    double p99 = s.get((int) Math.ceil(0.99 * s.size()) - 1);
    System.out.printf(
        Locale.ROOT,
        "%s: %d runs, all decrypt to the simulation; latency p50 %.1f s, p99 %.1f s;"
            + " throughput %.3f runs/s (wall %.1f s)%n",
        arm,
        s.size(),
        p50,
        p99,
        s.size() / (wallNanos / 1e9),
        wallNanos / 1e9);
  }
}
