package dev.fhec.bench;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.runtime.api.FheClient;
import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.server.FhecClient;
import dev.fhec.server.FhecServer;
import dev.fhec.server.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: the load and memory figures of {@code fhec serve} (issue 13), printed for
 * bench/RESULTS.md.
 *
 * <ul>
 *   <li>{@code memory BUNDLE [--heap]}: the key arrays of a loaded key set from the plan, with both
 *       forms of the bootstrapping keys (what loading kept before) and with the Fourier form only
 *       ({@link EvaluationKeySet#forComputing()}, what it keeps now); with {@code --heap}, also one
 *       client's keys generated and parsed as a server parses them, heap after GC both ways.
 *   <li>{@code load BUNDLE VECTORS.npz CLIENTS RUNS LOADED SERVER_XMX [both|http|inprocess]}: a
 *       server in its own JVM (this jar, mode {@code server}) on 127.0.0.1; CLIENTS threads each
 *       upload their own keys and then submit RUNS runs one after another, all clients at once;
 *       every result is decrypted and compared with the simulation. Then the same runs in this JVM
 *       through {@link FheServer#run} on one worker (the server's default concurrency), the clients
 *       submitting concurrently as before. Prints latency percentiles, throughput and peak memory
 *       (VmHWM) of both arms.
 * </ul>
 *
 * <p>Build and run: {@code ./mvnw -B -q -pl bench -am package -Pfast -DskipTests}, then {@code java
 * --add-modules jdk.incubator.vector -Xmx8g -cp bench/target/benchmarks.jar
 * dev.fhec.bench.ServeLoadBench load head.fhec samples/gpt2-head-tiny/vectors.npz 8 5 8 8g}.
 */
public final class ServeLoadBench {
  private ServeLoadBench() {}

  public static void main(String[] args) {
    try {
      dispatch(args);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1); // never linger on worker threads (a bench holds the machine's heavy lock)
    }
    System.exit(0);
  }

  private static void dispatch(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "memory" -> memory(Path.of(args[1]), args.length > 2 && args[2].equals("--heap"));
      case "load" ->
          load(
              Path.of(args[1]),
              Path.of(args[2]),
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]),
              Integer.parseInt(args[5]),
              args[6],
              args.length > 7 ? args[7] : "both");
      case "server" -> server(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      default -> {
        System.err.println(
            "usage: ServeLoadBench memory BUNDLE | load BUNDLE VECTORS.npz CLIENTS RUNS LOADED"
                + " SERVER_XMX [both|http|inprocess]");
        System.exit(1);
      }
    }
  }

  // ---- memory ---------------------------------------------------------------------------------

  private static void memory(Path bundle, boolean heap) throws IOException {
    Bundle b = Bundle.read(bundle);
    Circuit c = b.circuit();
    // The key arrays' sizes follow from the plan alone (exact, no keygen needed).
    ParameterPlan plan = c.plan();
    long bsk = 0;
    for (ParameterSet p : plan.partitions()) {
      bsk += 8L * FourierBootstrapKey.length(p.n(), p.k(), p.bigN(), p.pbs());
    }
    long kskBytes = 0;
    for (KeyswitchSpec s : plan.keyswitches()) {
      kskBytes +=
          8L
              * EvaluationKeySet.inputDimension(plan, s)
              * s.decomposition().levels()
              * (EvaluationKeySet.outputDimension(plan, s) + 1);
    }
    System.out.printf(
        Locale.ROOT,
        "plan: %s (%s): BSK %s per form, KSK %s; loaded key set %s with both BSK forms (before),"
            + " %s with the Fourier form only (after), -%.0f%%%n",
        b.manifest().name(),
        plan.describe(),
        mb(bsk),
        mb(kskBytes),
        mb(2 * bsk + kskBytes),
        mb(bsk + kskBytes),
        100.0 * bsk / (2 * bsk + kskBytes));
    if (!heap) {
      return;
    }
    FheClient client = FheClient.generate(c, null);
    byte[] ek = client.evaluationKeyBytes().orElseThrow();
    client = null;
    long base = usedAfterGc();
    long p0 = System.nanoTime();
    EvaluationKeySet full =
        FhecFiles.evaluationKeysFromBytes(ek, "keys", FhecFiles.Expect.circuit(c));
    double parseSeconds = (System.nanoTime() - p0) / 1e9;
    long both = usedAfterGc() - base;
    long fourierBsk = 0;
    long standardBsk = 0;
    long ksk = 0;
    for (EvaluationKeySet.BootstrapKey k : full.bootstrapKeys()) {
      fourierBsk += 8L * k.fourier().data().length;
      standardBsk += 8L * k.standard().length;
    }
    for (EvaluationKeySet.SwitchKey k : full.keyswitchKeys()) {
      ksk += 8L * k.key().data().length;
    }
    long accountedBoth = full.memoryBytes();
    EvaluationKeySet computing = full.forComputing();
    full = null;
    long fourierOnly = usedAfterGc() - base;
    System.out.printf(
        Locale.ROOT,
        "heap: %s (%s), seeded file %s, parsed in %.1f s%n"
            + "  arrays: Fourier BSK %s, coefficient BSK %s, KSK %s%n"
            + "  parsed with both BSK forms (before): %s accounted, %s heap after GC%n"
            + "  Fourier form only (after):           %s accounted, %s heap after GC%n",
        b.manifest().name(),
        c.plan().describe(),
        mb(ek.length),
        parseSeconds,
        mb(fourierBsk),
        mb(standardBsk),
        mb(ksk),
        mb(accountedBoth),
        mb(both),
        mb(computing.memoryBytes()),
        mb(fourierOnly));
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  // ---- server child ---------------------------------------------------------------------------

  private static void server(Path bundle, Path data, int loaded) throws Exception {
    Bundle b = Bundle.read(bundle);
    FhecServer s =
        FhecServer.start(
            ServerConfig.defaults(data)
                .withLimits(64L << 20, 4L << 30, 64, 64, 1)
                .withMaxLoadedKeySets(loaded),
            Map.of(b.manifest().name(), b.circuit()));
    System.out.println("port " + s.port());
    System.out.flush();
    s.join();
  }

  // ---- load -----------------------------------------------------------------------------------

  private static NpyArray.Ints samples;

  private static long[] sample(int k) {
    int n = samples.shape()[0];
    int size = samples.size() / n;
    return Arrays.copyOfRange(samples.data(), (k % n) * size, (k % n + 1) * size);
  }

  private static void load(
      Path bundle, Path vectors, int clients, int runs, int loaded, String serverXmx, String arms)
      throws Exception {
    Bundle bundleFile = Bundle.read(bundle);
    Circuit c = bundleFile.circuit();
    String name = bundleFile.manifest().name();
    // Test vectors, not random values (the simulation of random inputs may leave calibrated
    // bounds): the first array of the .npz, one sample per run along its leading axis, cycled.
    samples = (NpyArray.Ints) Npz.read(vectors).get("q_x");
    System.out.printf(
        Locale.ROOT,
        "bench: %s (%s), %d PBS/run, %d clients x %d runs, %d cores, server keeps %d key sets"
            + " parsed, server -Xmx%s%n",
        name,
        c.plan().describe(),
        c.pbsCount(),
        clients,
        runs,
        Runtime.getRuntime().availableProcessors(),
        loaded,
        serverXmx);

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
        "keygen: %d key sets in %.1f s (%s seeded each)%n",
        clients,
        (System.nanoTime() - k0) / 1e9,
        mb(evalKeys.get(0).length));

    if (!arms.equals("inprocess")) {
      http(bundle, name, c, clients, runs, loaded, serverXmx, users, evalKeys);
    }
    if (arms.equals("http")) {
      return;
    }
    // The same runs in this JVM, under the server's policy: one worker (each run uses every core)
    // and at most LOADED key sets parsed, the least recently used reparsed from its bytes.
    FheServer fhe = new FheServer(Map.of(name, c));
    Map<Integer, FheServer.Loaded> cache = new LinkedHashMap<>(16, 0.75f, true);
    ExecutorService worker =
        Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory());
    boolean reset = resetPeakRss();
    Arm direct =
        arm(
            clients,
            runs,
            c,
            users,
            i -> {},
            (i, ct) ->
                worker
                    .submit(
                        () -> {
                          FheServer.Loaded k = cache.get(i);
                          if (k == null) {
                            k = fhe.loadEvaluationKeys(name, evalKeys.get(i));
                            cache.put(i, k);
                            while (cache.size() > loaded) {
                              cache.remove(cache.keySet().iterator().next());
                            }
                          }
                          return FheServer.run(k, ct, null);
                        })
                    .get());
    worker.shutdown();
    report(
        "in-process (FheServer.run, same policy)",
        direct,
        reset ? peakRss(ProcessHandle.current().pid()) : -1);
  }

  private static void http(
      Path bundle,
      String name,
      Circuit c,
      int clients,
      int runs,
      int loaded,
      String serverXmx,
      List<FheClient> users,
      List<byte[]> evalKeys)
      throws Exception {
    Path data = Files.createTempDirectory("fhec-serve-bench");
    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "-XX:+UseParallelGC",
                "-Xmx" + serverXmx,
                "-cp",
                System.getProperty("java.class.path"),
                ServeLoadBench.class.getName(),
                "server",
                bundle.toString(),
                data.toString(),
                Integer.toString(loaded))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Arm served;
    long serverPeak;
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith("port ")) {
        throw new IllegalStateException("the server did not start: " + line);
      }
      FhecClient http = new FhecClient(URI.create("http://127.0.0.1:" + line.substring(5) + "/"));
      List<FhecClient.KeySet> keySets = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < clients; i++) {
        keySets.add(null);
      }
      // Each client uploads its own keys, then runs: all clients at once.
      served =
          arm(
              clients,
              runs,
              c,
              users,
              i -> keySets.set(i, http.uploadKeys(name, evalKeys.get(i))),
              (i, ct) -> http.run(keySets.get(i), ct, Duration.ofHours(4)));
      serverPeak = peakRss(server.pid());
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
    report("fhec serve (HTTP, server process)", served, serverPeak);
  }

  private interface Setup {
    void run(int client) throws Exception;
  }

  private interface Runner {
    byte[] run(int client, byte[] ciphertexts) throws Exception;
  }

  private record Arm(List<Double> latencies, long wallNanos) {}

  /** Latencies in seconds of every run; each result checked against the simulation. */
  private static Arm arm(
      int clients, int runs, Circuit c, List<FheClient> users, Setup setup, Runner runner)
      throws Exception {
    ExecutorService pool =
        Executors.newFixedThreadPool(clients, Thread.ofPlatform().daemon().factory());
    List<Future<List<Double>>> fs = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      int client = i;
      fs.add(
          pool.submit(
              () -> {
                setup.run(client);
                SecureRandom rnd = new SecureRandom();
                List<Double> lat = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                  List<long[]> in = List.of(sample(client * runs + r + rnd.nextInt(1000)));
                  byte[] ct = users.get(client).encrypt(in);
                  long s0 = System.nanoTime();
                  byte[] out = runner.run(client, ct);
                  lat.add((System.nanoTime() - s0) / 1e9);
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
    long wall = System.nanoTime() - t0;
    pool.shutdown();
    return new Arm(all, wall);
  }

  private static double percentile(List<Double> sorted, double q) {
    return sorted.get((int) Math.ceil(q * sorted.size()) - 1);
  }

  private static void report(String arm, Arm a, long peakRssBytes) {
    List<Double> s = new ArrayList<>(a.latencies());
    Collections.sort(s);
    System.out.printf(
        Locale.ROOT,
        "%s: %d runs, all decrypt to the simulation; latency p50 %.1f s, p90 %.1f s, p99 %.1f s,"
            + " max %.1f s; throughput %.4f runs/s (%.1f runs/min, wall %.1f s incl. uploads);"
            + " peak RSS %s%n",
        arm,
        s.size(),
        percentile(s, 0.50),
        percentile(s, 0.90),
        percentile(s, 0.99),
        s.get(s.size() - 1),
        s.size() / (a.wallNanos() / 1e9),
        60 * s.size() / (a.wallNanos() / 1e9),
        a.wallNanos() / 1e9,
        peakRssBytes < 0 ? "not measured" : mb(peakRssBytes));
  }

  /** The process's peak resident set (VmHWM), or -1 where /proc does not tell it. */
  private static long peakRss(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith("VmHWM:")) {
          return 1024 * Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /** Resets this process's VmHWM to its current RSS (Linux: clear_refs 5). */
  private static boolean resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
