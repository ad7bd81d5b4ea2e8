package dev.fhec.spark;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The measurements of bench/RESULTS.md "Spark backend": the reduced head (samples/gpt2-head-tiny,
 * optimizer's 128-bit single-parameter set) in-process and on a local standalone cluster of 2
 * executors × 1 core and 1 executor × 2 cores, per key shipping; Spark's per-job and per-task
 * overhead; a Dataset of encrypted records scored on 2 executors. Not a test: run with the test
 * classpath (see RESULTS.md for the command).
 */
public final class SparkBench {
  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("fhec-spark-bench");
    TinyHead head = TinyHead.compile(null);
    Circuit c = head.circuit();
    say("circuit %s: %d PBS, %d lookups, %s", c.name(), c.pbsCount(), lookups(c), c.parameters());
    long t0 = System.nanoTime();
    KeyGenerator.KeySet keys = KeyGenerator.generate(c.plan(), KeySetIdentity.fresh(c), null);
    say("keygen %.1f s", secs(t0));
    byte[] seeded = FhecFiles.evaluationKeysBytes(keys.evaluation(), true);
    say(
        "eval keys: %.1f MB seeded (what is shipped), %.1f MB in memory",
        seeded.length / 1e6, keys.evaluation().memoryBytes() / 1e6);
    EncryptedTensor ct =
        ClientTensors.encrypt(keys.client(), head.vector(0), c.value(c.inputs().get(0)));
    List<EncryptedTensor> in = List.of(ct);
    CircuitExecutor local = new CircuitExecutor(keys.evaluation());
    List<EncryptedTensor> expected = null;
    for (int i = 0; i < 2; i++) {
      t0 = System.nanoTime();
      expected = local.run(c, in, null);
      say("in-process run %d (2 cores): %.2f s", i + 1, secs(t0));
    }
    local = null;

    boolean all = args.length > 0 && args[0].equals("all");
    try (LocalCluster cluster = LocalCluster.start(dir.resolve("a"), 2, 1, "1g")) {
      if (all) {
        try (JavaSparkContext sc = context(cluster, 2, 1)) {
          overheads(sc);
        }
      }
      for (KeyShipping shipping :
          all ? KeyShipping.values() : new KeyShipping[] {KeyShipping.BROADCAST}) {
        try (JavaSparkContext sc = context(cluster, 2, 1)) {
          runs(sc, keys, c, in, expected, "2 executors x 1 core, " + shipping, shipping);
        }
      }
      if (all) {
        batch(cluster, keys, c, head, expected);
      }
    }
    try (LocalCluster cluster = LocalCluster.start(dir.resolve("b"), 1, 2, "1g")) {
      try (JavaSparkContext sc = context(cluster, 1, 2)) {
        runs(sc, keys, c, in, expected, "1 executor x 2 cores, BROADCAST", KeyShipping.BROADCAST);
      }
    }
  }

  private static JavaSparkContext context(LocalCluster cluster, int executors, int cores)
      throws Exception {
    var conf = SparkContexts.conf(cluster.masterUrl(), "fhec-spark-bench", true);
    conf.set("spark.executor.memory", "1g");
    conf.set("spark.executor.cores", Integer.toString(cores));
    long t0 = System.nanoTime();
    JavaSparkContext sc = new JavaSparkContext(conf);
    sc.setLogLevel("WARN");
    while (sc.statusTracker().getExecutorInfos().length < executors + 1) {
      Thread.sleep(50);
    }
    say("  context + %d executor JVMs registered: %.1f s", executors, secs(t0));
    return sc;
  }

  /**
   * Many inputs: {@value #RECORDS} encrypted records (the same vector, encrypted anew each time) as
   * a Dataset, each record run whole on one executor core ({@link EncryptedDatasets#score}).
   */
  private static void batch(
      LocalCluster cluster,
      KeyGenerator.KeySet keys,
      Circuit c,
      TinyHead head,
      List<EncryptedTensor> expected)
      throws Exception {
    say("Dataset of %d records, 2 executors x 1 core, BROADCAST:", RECORDS);
    var conf = SparkContexts.conf(cluster.masterUrl(), "fhec-spark-bench", true);
    conf.set("spark.executor.memory", "1g");
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      sc.setLogLevel("WARN");
      while (sc.statusTracker().getExecutorInfos().length < 3) {
        Thread.sleep(50);
      }
      StructType schema =
          new StructType()
              .add("id", DataTypes.IntegerType, false)
              .add("ct", DataTypes.BinaryType, false);
      List<Row> rows = new ArrayList<>();
      var id = keys.evaluation().identity();
      for (int i = 0; i < RECORDS; i++) {
        EncryptedTensor ct =
            ClientTensors.encrypt(keys.client(), head.vector(0), c.value(c.inputs().get(0)));
        rows.add(RowFactory.create(i, FhecFiles.ciphertextsBytes(id, c.plan(), List.of(ct), true)));
      }
      Dataset<Row> records = spark.createDataFrame(rows, schema).repartition(RECORDS);
      try (SparkCircuitExecutor executor =
          new SparkCircuitExecutor(
              sc, keys.evaluation(), SparkCircuitExecutor.Options.defaults())) {
        for (int pass = 0; pass < 2; pass++) {
          long t0 = System.nanoTime();
          List<Row> out =
              EncryptedDatasets.score(executor, c, records, "ct", "out").collectAsList();
          double s = secs(t0);
          for (Row r : out) {
            long[] got =
                ClientTensors.decrypt(
                    keys.client(),
                    FhecFiles.ciphertextsFromBytes(
                            (byte[]) r.get(r.fieldIndex("out")), "out", new FhecFiles.Expect(c, id))
                        .get(0));
            if (!java.util.Arrays.equals(
                got, ClientTensors.decrypt(keys.client(), expected.get(0)))) {
              throw new IllegalStateException("record " + r.get(0) + " decrypted differently");
            }
          }
          say(
              "  pass %d: %.2f s for %d records (%.2f s per record)%s",
              pass + 1, s, out.size(), s / out.size(), pass == 0 ? " (includes the keys)" : "");
        }
      }
    } finally {
      spark.stop();
    }
  }

  private static final int RECORDS = 4;

  private static void overheads(JavaSparkContext sc) {
    List<Integer> xs = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      xs.add(i);
    }
    for (int tasks : new int[] {2, 2, 16, 64}) {
      sc.parallelize(xs, tasks).map(x -> x + 1).collect();
    }
    int reps = 20;
    for (int tasks : new int[] {2, 16, 64}) {
      long t0 = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        sc.parallelize(xs, tasks).map(x -> x + 1).collect();
      }
      say("  no-op job of %d tasks on 2 cores: %.1f ms", tasks, secs(t0) * 1000 / reps);
    }
  }

  private static void runs(
      JavaSparkContext sc,
      KeyGenerator.KeySet keys,
      Circuit c,
      List<EncryptedTensor> in,
      List<EncryptedTensor> expected,
      String what,
      KeyShipping shipping) {
    say("%s:", what);
    long t0 = System.nanoTime();
    try (SparkCircuitExecutor spark =
        new SparkCircuitExecutor(
            sc,
            keys.evaluation(),
            SparkCircuitExecutor.Options.defaults().withShipping(shipping))) {
      say("  driver: serialize + fingerprint + %s the keys: %.2f s", shipping, secs(t0));
      for (int i = 0; i < 2; i++) {
        t0 = System.nanoTime();
        List<EncryptedTensor> got = spark.run(c, in, null);
        double s = secs(t0);
        SparkClusterTest.assertBitIdentical(expected, got, what);
        say(
            "  run %d: %.2f s (%d tasks so far), bit-identical to in-process%s",
            i + 1, s, spark.tasks(), i == 0 ? " (includes shipping the keys)" : "");
      }
      spark
          .keyLoads()
          .forEach(
              l ->
                  say(
                      "  executor %s loaded the keys in %.2f s (inside its first task)",
                      l.executor(), l.nanos() / 1e9));
    }
  }

  private static long lookups(Circuit c) {
    return c.instructions().stream().filter(i -> i instanceof Instruction.Tlu).count();
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void say(String fmt, Object... args) {
    System.out.println(String.format(Locale.ROOT, fmt, args));
    System.out.flush();
  }
}
