package dev.fhec.spark;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.CircuitText;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.KeySetIdentity;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * Runs compiled circuits on a Spark cluster with one client's evaluation keys (never a secret key).
 *
 * <ul>
 *   <li>{@link #run}: one circuit on one input. Leveled instructions run on the driver (the
 *       in-process {@link CircuitExecutor}, which is cheap for them); each lookup's bootstraps are
 *       split into slices of at least {@link Options#minSlice} elements, about {@link
 *       Options#slicesPerCore} per core of the cluster, and each slice runs as one Spark task
 *       through {@link CircuitExecutor#bootstrap} on an executor. Results are bit for bit those of
 *       the in-process executor: the same code bootstraps the same ciphertexts with the same keys.
 *   <li>{@link #runBatch}: many inputs (an RDD of ciphertext files, as {@code fhec encrypt} writes
 *       them), each run whole on one executor; outputs as ciphertext files. {@link
 *       EncryptedDatasets#score} does the same on a column of a Spark SQL Dataset.
 * </ul>
 *
 * <p>The keys travel once per executor JVM (a broadcast or an added file, {@link KeyShipping}) in
 * the runtime's key-file format, and executors cache them by the file's SHA-256. Slices travel in
 * the ciphertext-file format, circuits in their text form. Spark retries a task whose executor was
 * lost on another one; bootstraps are deterministic, so the result does not change.
 */
public final class SparkCircuitExecutor implements AutoCloseable {
  /**
   * How lookups are split and keys shipped.
   *
   * @param shipping how the keys reach executors
   * @param minSlice fewest bootstraps in one task (amortizes Spark's per-task overhead)
   * @param slicesPerCore tasks per core of the cluster for a large lookup (evens out stragglers)
   */
  public record Options(KeyShipping shipping, int minSlice, int slicesPerCore) {
    public Options {
      if (minSlice < 1 || slicesPerCore < 1) {
        throw new IllegalArgumentException("minSlice and slicesPerCore must be positive");
      }
    }

    public static Options defaults() {
      // A KS+PBS at 128-bit parameters takes 20-200 ms on one core and a task costs Spark about
      // 6 ms (bench/RESULTS.md, "Spark backend"): two bootstraps keep that under 15%.
      return new Options(KeyShipping.BROADCAST, 2, 2);
    }

    public Options withShipping(KeyShipping s) {
      return new Options(s, minSlice, slicesPerCore);
    }

    public Options withMinSlice(int m) {
      return new Options(shipping, m, slicesPerCore);
    }
  }

  /** Where a key set was first loaded and how long that took, per executor id. */
  public record KeyLoad(String executor, long nanos) {}

  private final JavaSparkContext sc;
  private final EvaluationKeySet keys;
  private final Options options;
  private final KeyRef keyRef;
  private final Path keyFile;
  private final CircuitExecutor driver;
  private final Map<String, Broadcast<String>> circuits = new HashMap<>();
  private final Map<String, Long> keyLoads = new ConcurrentHashMap<>();
  private volatile long tasks;

  /**
   * Ships nothing yet: the keys go out with the first task on each executor. {@code keys} are
   * serialized in the runtime's key-file format (compressed to seeds and bodies when they were
   * generated from seeds, as {@code fhec keygen} writes them).
   */
  public SparkCircuitExecutor(JavaSparkContext sc, EvaluationKeySet keys, Options options) {
    this(sc, keys, FhecFiles.evaluationKeysBytes(keys, seeded(keys)), options);
  }

  /**
   * Ships {@code keyFileBytes}, the evaluation-key file {@code keys} were read from, as it is (a
   * server or CLI that reads keys for computing keeps only their Fourier form, which is not written
   * back): the driver runs with {@code keys}, executors with what they parse from {@code
   * keyFileBytes}.
   */
  public SparkCircuitExecutor(
      JavaSparkContext sc, EvaluationKeySet keys, byte[] keyFileBytes, Options options) {
    this.sc = sc;
    this.keys = keys;
    this.options = options;
    byte[] bytes = keyFileBytes;
    String fingerprint = sha256(bytes);
    if (options.shipping() == KeyShipping.BROADCAST) {
      this.keyFile = null;
      this.keyRef = new KeyRef(fingerprint, sc.broadcast(bytes), null);
    } else {
      try {
        Path dir = Files.createTempDirectory("fhec-spark-keys");
        String name = "fhec-eval-" + fingerprint.substring(0, 16) + ".keys";
        this.keyFile = Files.write(dir.resolve(name), bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      sc.addFile(keyFile.toString());
      this.keyRef = new KeyRef(fingerprint, null, keyFile.getFileName().toString());
    }
    this.driver = new CircuitExecutor(keys, this::bootstrapOnCluster);
  }

  /** The evaluation keys' fingerprint: what executors cache them by. */
  public String keyFingerprint() {
    return keyRef.fingerprint();
  }

  /** Key loads seen so far: one per executor JVM that ran a task, unless it lost its cache. */
  public List<KeyLoad> keyLoads() {
    List<KeyLoad> out = new ArrayList<>();
    keyLoads.forEach((e, n) -> out.add(new KeyLoad(e, n)));
    return out;
  }

  /** Spark tasks run so far by {@link #run}. */
  public long tasks() {
    return tasks;
  }

  /**
   * Executes {@code circuit} like {@link CircuitExecutor#run}, with the same checks and messages
   * (on the driver, before any task), lookups on the cluster. {@code progress} may be null.
   */
  public List<EncryptedTensor> run(
      Circuit circuit, List<EncryptedTensor> inputs, CircuitExecutor.Progress progress) {
    return driver.run(circuit, inputs, progress);
  }

  /**
   * Runs {@code circuit} on each element of {@code inputs}: ciphertext files holding the circuit's
   * inputs under these keys (as {@code fhec encrypt} writes them). Returns the outputs as
   * ciphertext files, in the same order. A record that does not hold the circuit's inputs fails the
   * job with the message the in-process path gives.
   */
  public JavaRDD<byte[]> runBatch(Circuit circuit, JavaRDD<byte[]> inputs) {
    return inputs.map(batchTask(circuit));
  }

  /**
   * What runs one record of a batch on an executor (input ciphertext file in, output ciphertext
   * file out), once {@code circuit} is checked against the keys here.
   */
  BatchTask batchTask(Circuit circuit) {
    Optional<String> why = CircuitExecutor.mismatch(circuit, keys);
    if (why.isPresent()) {
      throw new IllegalArgumentException(why.get());
    }
    return new BatchTask(circuitRef(circuit), keyRef);
  }

  /** Removes the keys' broadcast or file from the cluster (the context stays open). */
  @Override
  public void close() {
    if (keyRef.bytes() != null) {
      keyRef.bytes().destroy();
    }
    circuits.values().forEach(Broadcast::destroy);
    circuits.clear();
    if (keyFile != null) {
      try {
        Files.deleteIfExists(keyFile);
        Files.deleteIfExists(keyFile.getParent());
      } catch (IOException e) {
        // A temporary file: nothing to do.
      }
    }
  }

  private synchronized CircuitRef circuitRef(Circuit circuit) {
    String digest = HexFormat.of().formatHex(circuit.digest());
    Broadcast<String> text =
        circuits.computeIfAbsent(digest, d -> sc.broadcast(CircuitText.print(circuit)));
    return new CircuitRef(digest, text);
  }

  /** The driver's {@link CircuitExecutor.Lookups}: one Spark job per lookup instruction. */
  private LweCiphertext[] bootstrapOnCluster(
      Circuit circuit, Instruction.Tlu op, LweCiphertext[] elements, LongConsumer tick) {
    int n = elements.length;
    int cores = Math.max(1, sc.defaultParallelism());
    int size = sliceSize(n, cores, options);
    ValueInfo in = circuit.value(op.a());
    List<Slice> slices = new ArrayList<>();
    for (int first = 0; first < n; first += size) {
      int len = Math.min(size, n - first);
      LweCiphertext[] part = new LweCiphertext[len];
      System.arraycopy(elements, first, part, 0, len);
      EncryptedTensor t =
          new EncryptedTensor(new int[] {len}, in.width(), in.signed(), in.partition(), part, null);
      slices.add(
          new Slice(
              slices.size(),
              first,
              FhecFiles.ciphertextsBytes(keys.identity(), circuit.plan(), List.of(t), false)));
    }
    int index = circuit.instructions().indexOf(op);
    List<SliceResult> results =
        sc.parallelize(slices, slices.size())
            .map(new SliceTask(circuitRef(circuit), keyRef, index))
            .collect();
    tasks += slices.size();
    LweCiphertext[] out = new LweCiphertext[n];
    for (SliceResult r : results) {
      if (r.keyLoadNanos() > 0) {
        keyLoads.merge(r.executor(), r.keyLoadNanos(), Long::sum);
      }
      Slice s = slices.get(r.index());
      EncryptedTensor t =
          FhecFiles.ciphertextsFromBytes(
                  r.ciphertexts(),
                  "slice " + r.index(),
                  new FhecFiles.Expect(circuit, keys.identity()))
              .get(0);
      System.arraycopy(t.elements(), 0, out, s.first(), t.size());
      if (tick != null) {
        for (int i = 0; i < t.size(); i++) {
          tick.accept(0);
        }
      }
    }
    return out;
  }

  /**
   * Bootstraps per task for a lookup of {@code n} elements on {@code cores} cores: a small lookup
   * is cut into at most one slice per core (no second wave), a large one into about {@code
   * slicesPerCore} per core (a slow or lost executor then delays only a small part); never fewer
   * than {@code minSlice} bootstraps per task, which bounds the per-task overhead.
   */
  static int sliceSize(int n, int cores, Options options) {
    int tasks;
    if (n <= (long) cores * options.minSlice() * options.slicesPerCore()) {
      tasks = Math.min(cores, (n + options.minSlice() - 1) / options.minSlice());
    } else {
      tasks = cores * options.slicesPerCore();
    }
    tasks = Math.max(1, tasks);
    return (n + tasks - 1) / tasks;
  }

  private static boolean seeded(EvaluationKeySet keys) {
    return keys.bootstrapKeys().stream().allMatch(b -> b.seed().isPresent())
        && keys.keyswitchKeys().stream().allMatch(k -> k.seed().isPresent());
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Elements {@code first ..} of a lookup's input, as a one-tensor ciphertext file. */
  record Slice(int index, int first, byte[] ciphertexts) implements Serializable {}

  /** A slice's outputs as a ciphertext file, and whether this task had to load the keys. */
  record SliceResult(int index, byte[] ciphertexts, String executor, long keyLoadNanos)
      implements Serializable {}

  /** Runs on executors: KS + PBS of one slice of lookup {@code instruction}. */
  private record SliceTask(CircuitRef circuit, KeyRef keys, int instruction)
      implements Function<Slice, SliceResult> {
    @Override
    public SliceResult call(Slice slice) throws Exception {
      long[] load = new long[1];
      ExecutorCache.Loaded loaded = ExecutorCache.executor(keys, load);
      CircuitExecutor executor = loaded.executor();
      KeySetIdentity id = loaded.keys().identity();
      Circuit c = ExecutorCache.circuit(circuit);
      Instruction.Tlu op = (Instruction.Tlu) c.instructions().get(instruction);
      EncryptedTensor in =
          FhecFiles.ciphertextsFromBytes(
                  slice.ciphertexts(), "slice " + slice.index(), new FhecFiles.Expect(c, id))
              .get(0);
      LweCiphertext[] out =
          inPool(() -> executor.bootstrap(c, op, in.elements(), slice.first(), null));
      ValueInfo info = c.value(op.out());
      EncryptedTensor t =
          new EncryptedTensor(
              new int[] {out.length}, info.width(), info.signed(), op.partition(), out, null);
      byte[] bytes = FhecFiles.ciphertextsBytes(id, c.plan(), List.of(t), false);
      return new SliceResult(slice.index(), bytes, ExecutorCache.executorId(), load[0]);
    }
  }

  /**
   * Runs on executors: one whole circuit on one record of inputs (a ciphertext file of the
   * circuit's inputs under these keys; anything else fails with the in-process reader's or
   * executor's message), answering a ciphertext file of its outputs.
   */
  record BatchTask(CircuitRef circuit, KeyRef keys) implements Function<byte[], byte[]> {
    @Override
    public byte[] call(byte[] record) throws Exception {
      ExecutorCache.Loaded loaded = ExecutorCache.executor(keys, new long[1]);
      Circuit c = ExecutorCache.circuit(circuit);
      KeySetIdentity id = loaded.keys().identity();
      List<EncryptedTensor> inputs =
          FhecFiles.ciphertextsFromBytes(
              record, "input record", new FhecFiles.Expect(c, id), FhecFiles.Role.INPUTS);
      List<EncryptedTensor> outputs = inPool(() -> loaded.executor().run(c, inputs, null));
      return FhecFiles.ciphertextsBytes(FhecFiles.Role.OUTPUTS, id, c.plan(), outputs, false);
    }
  }

  private static <T> T inPool(java.util.concurrent.Callable<T> work) throws Exception {
    try {
      return ExecutorCache.pool().submit(work).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
