package dev.fhec.spark;

import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.server.RunBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code fhec serve --spark MASTER}: the server's runs execute on a Spark cluster through {@link
 * SparkCircuitExecutor}, one Spark application for the server's lifetime. Each key set's file is
 * shipped as uploaded, once per executor, and executors keep it cached by fingerprint between runs;
 * the driver side of a key set (its broadcast) is kept for the {@link #KEPT} most recently used key
 * sets and released when one is evicted and no run uses it.
 */
public final class SparkServerBackend implements RunBackend {
  /** Key sets whose broadcast the driver keeps (executors keep two each, {@link ExecutorCache}). */
  static final int KEPT = 4;

  private final JavaSparkContext sc;
  private final boolean ownsContext;
  private final SparkCircuitExecutor.Options options;

  /** By key-set id, least recently used first; guarded by itself. */
  private final LinkedHashMap<String, Entry> executors = new LinkedHashMap<>(16, 0.75f, true);

  private static final class Entry {
    final SparkCircuitExecutor executor;
    int users;
    boolean evicted;

    Entry(SparkCircuitExecutor executor) {
      this.executor = executor;
    }
  }

  /** Runs on {@code sc}, which the caller keeps and closes. */
  public SparkServerBackend(JavaSparkContext sc, SparkCircuitExecutor.Options options) {
    this(sc, false, options);
  }

  private SparkServerBackend(
      JavaSparkContext sc, boolean ownsContext, SparkCircuitExecutor.Options options) {
    this.sc = sc;
    this.ownsContext = ownsContext;
    this.options = options;
  }

  /**
   * Starts a Spark application on {@code master} (closed with the backend); {@code appJar}, if a
   * jar, is shipped to executors for fhec's classes.
   *
   * @throws SparkRun.MasterException when no application can be started there
   */
  public static SparkServerBackend open(String master, Path appJar) {
    JavaSparkContext sc = SparkRun.open(master, "fhec serve", appJar);
    return new SparkServerBackend(sc, true, SparkCircuitExecutor.Options.defaults());
  }

  @Override
  public List<EncryptedTensor> execute(
      FheServer.Loaded keys,
      Path keyFile,
      List<EncryptedTensor> inputs,
      CircuitExecutor.Progress progress)
      throws Exception {
    Entry e = acquire(keys, keyFile);
    try {
      return e.executor.run(keys.circuit(), inputs, progress);
    } finally {
      release(e);
    }
  }

  @Override
  public String describe() {
    return "on Spark " + sc.master() + " (application " + sc.sc().applicationId() + ")";
  }

  /** Key sets whose broadcast the driver holds now. */
  int keptKeySets() {
    synchronized (executors) {
      return executors.size();
    }
  }

  @Override
  public void close() {
    synchronized (executors) {
      executors.values().forEach(e -> e.executor.close());
      executors.clear();
    }
    if (ownsContext) {
      sc.close();
    }
  }

  private Entry acquire(FheServer.Loaded keys, Path keyFile) throws java.io.IOException {
    String id = HexFormat.of().formatHex(keys.identity().keySetId());
    synchronized (executors) {
      Entry e = executors.get(id);
      if (e == null) {
        // Reading and broadcasting a key file of GBs under the lock: runs with other key sets wait
        // for it, as they would for the server's one-at-a-time key parsing.
        byte[] file = Files.readAllBytes(keyFile);
        e = new Entry(new SparkCircuitExecutor(sc, keys.keys(), file, options));
        executors.put(id, e);
        for (Iterator<Map.Entry<String, Entry>> it = executors.entrySet().iterator();
            executors.size() > KEPT && it.hasNext(); ) {
          Entry old = it.next().getValue();
          it.remove();
          old.evicted = true;
          if (old.users == 0) {
            old.executor.close();
          }
        }
      }
      e.users++;
      return e;
    }
  }

  private void release(Entry e) {
    synchronized (executors) {
      if (--e.users == 0 && e.evicted) {
        e.executor.close();
      }
    }
  }
}
