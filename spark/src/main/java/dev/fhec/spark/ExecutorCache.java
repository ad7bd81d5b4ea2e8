package dev.fhec.spark;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.CircuitText;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.EvaluationKeySet;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * What an executor JVM keeps between tasks: evaluation keys (by fingerprint, loaded once from the
 * broadcast or file the task names), parsed circuits (by digest), and a pool sized to the
 * executor's cores in which every task's bootstraps run, so that concurrent tasks share the cores
 * Spark gave the executor instead of each fanning out over the whole machine.
 */
final class ExecutorCache {
  /** Key sets kept per executor JVM: a new client's keys evict the least recently used. */
  private static final int KEY_SETS = 2;

  private static final int CIRCUITS = 8;

  /** A key set and the executor that runs circuits with it. */
  record Loaded(EvaluationKeySet keys, CircuitExecutor executor) {}

  private static final Map<String, Loaded> EXECUTORS = lru(KEY_SETS);
  private static final Map<String, Circuit> PARSED = lru(CIRCUITS);
  private static final AtomicLong KEY_LOADS = new AtomicLong();
  private static volatile ForkJoinPool pool;

  private ExecutorCache() {}

  /** The executor for {@code ref}'s keys; {@code loadNanos[0]} gets the load time on a miss. */
  static Loaded executor(KeyRef ref, long[] loadNanos) {
    synchronized (EXECUTORS) {
      Loaded cached = EXECUTORS.get(ref.fingerprint());
      if (cached != null) {
        return cached;
      }
      long t0 = System.nanoTime();
      EvaluationKeySet keys =
          ref.bytes() != null
              ? FhecFiles.evaluationKeysFromBytesForComputing(
                  ref.bytes().value(), "broadcast " + ref.fingerprint(), FhecFiles.Expect.ANY)
              : FhecFiles.readEvaluationKeysForComputing(
                  Path.of(SparkFiles.get(ref.fileName())), FhecFiles.Expect.ANY);
      Loaded executor = new Loaded(keys, new CircuitExecutor(keys));
      EXECUTORS.put(ref.fingerprint(), executor);
      KEY_LOADS.incrementAndGet();
      loadNanos[0] = System.nanoTime() - t0;
      return executor;
    }
  }

  static Circuit circuit(CircuitRef ref) {
    synchronized (PARSED) {
      Circuit c = PARSED.get(ref.digest());
      if (c == null) {
        c = CircuitText.parse(ref.text().value());
        String digest = HexFormat.of().formatHex(c.digest());
        if (!digest.equals(ref.digest())) {
          throw new IllegalStateException(
              "circuit text parsed to digest " + digest + ", expected " + ref.digest());
        }
        PARSED.put(ref.digest(), c);
      }
      return c;
    }
  }

  /** A pool of the executor's cores (spark.executor.cores, else the machine's). */
  static ForkJoinPool pool() {
    ForkJoinPool p = pool;
    if (p == null) {
      synchronized (ExecutorCache.class) {
        if (pool == null) {
          int cores = Runtime.getRuntime().availableProcessors();
          SparkEnv env = SparkEnv.get();
          if (env != null && !"driver".equals(env.executorId())) {
            cores = env.conf().getInt("spark.executor.cores", cores);
          }
          pool = new ForkJoinPool(Math.max(1, cores));
        }
        p = pool;
      }
    }
    return p;
  }

  /** Key sets loaded by this JVM so far. */
  static long keyLoads() {
    return KEY_LOADS.get();
  }

  static String executorId() {
    SparkEnv env = SparkEnv.get();
    return env == null ? "?" : env.executorId();
  }

  private static <V> Map<String, V> lru(int size) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> e) {
        return size() > size;
      }
    };
  }
}
