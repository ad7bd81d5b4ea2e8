package dev.fhec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.ParameterSets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and two workers (1 core, 1 GB each) as
 * child JVMs started from Spark's jars only, executors as their children (fhec's classes reach them
 * as the application's jar, as on an existing cluster), this JVM the driver. Every encrypted result
 * is compared bit for bit with the in-process {@link CircuitExecutor} on the same keys. Slow tier.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterTest {
  @TempDir static Path dir;

  private static LocalCluster cluster;
  private static SparkSession spark;
  private static JavaSparkContext sc;

  @BeforeAll
  static void startCluster() {
    cluster = LocalCluster.startFrom(dir, Path.of("target/spark-jars"), 2, 1, "1g");
    spark =
        SparkSession.builder()
            .config(SparkContexts.conf(cluster.masterUrl(), "fhec-spark-test", true))
            .getOrCreate();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(0)
  void executorsRunTheVectorFft() {
    // Spark launches executors without ./fhec's JVM options: SparkContexts must add the module.
    List<String> impl = sc.parallelize(List.of(1, 2), 2).map(new FftName()).collect();
    assertEquals(
        List.of(
            dev.fhec.runtime.fft.NegacyclicFfts.implementationName(),
            dev.fhec.runtime.fft.NegacyclicFfts.implementationName()),
        impl);
    assertTrue(!impl.get(0).equals("scalar"), impl.toString());
  }

  @Test
  @Order(1)
  void randomProgramsMatchTheInProcessExecutorBitForBit() {
    Random r = new Random(14);
    for (KeyShipping shipping : KeyShipping.values()) {
      for (int trial = 0; trial < 2; trial++) {
        Circuit c = RandomCircuits.generate(r, ParameterSets.TOY_N256);
        KeyGenerator.KeySet keys = KeyGenerator.generate(c.plan(), KeySetIdentity.fresh(c), null);
        List<EncryptedTensor> inputs = RandomCircuits.encryptRandom(r, c, keys.client());
        List<EncryptedTensor> expected =
            new CircuitExecutor(keys.evaluation()).run(c, inputs, null);
        try (SparkCircuitExecutor spark =
            new SparkCircuitExecutor(
                sc,
                keys.evaluation(),
                SparkCircuitExecutor.Options.defaults().withShipping(shipping).withMinSlice(2))) {
          long[] ticks = new long[1];
          List<EncryptedTensor> got = spark.run(c, inputs, (done, total) -> ticks[0] = done);
          assertBitIdentical(expected, got, shipping + " trial " + trial);
          assertEquals(c.pbsCount(), ticks[0], "progress counts every bootstrap");
          assertTrue(spark.tasks() > 0, "lookups ran as Spark tasks");
          // Keys are loaded at most once per executor JVM.
          Set<String> executors = new HashSet<>();
          spark.keyLoads().forEach(l -> assertTrue(executors.add(l.executor()), l.toString()));
        }
      }
    }
  }

  @Test
  @Order(2)
  void tinyHeadMatchesTheInProcessExecutorAndTheSimulation() throws Exception {
    TinyHead head = TinyHead.compileToy();
    KeyGenerator.KeySet keys =
        KeyGenerator.generate(head.circuit().plan(), KeySetIdentity.fresh(head.circuit()), null);
    long[] x = head.vector(0);
    EncryptedTensor ct =
        ClientTensors.encrypt(
            keys.client(), x, head.circuit().value(head.circuit().inputs().get(0)));
    List<EncryptedTensor> expected =
        new CircuitExecutor(keys.evaluation()).run(head.circuit(), List.of(ct), null);
    try (SparkCircuitExecutor spark =
        new SparkCircuitExecutor(sc, keys.evaluation(), SparkCircuitExecutor.Options.defaults())) {
      List<EncryptedTensor> got = spark.run(head.circuit(), List.of(ct), null);
      assertBitIdentical(expected, got, "tiny head");
      long[] simulated =
          ClearSimulator.run(head.circuit(), List.of(x), ClearSimulator.Options.exact())
              .outputs()
              .get(0);
      assertArrayEquals(simulated, ClientTensors.decrypt(keys.client(), got.get(0)));
    }
  }

  @Test
  @Order(3)
  void batchOfEncryptedRecordsScoresEachLikeTheInProcessExecutor() {
    Random r = new Random(3);
    Circuit c = RandomCircuits.generate(r, ParameterSets.TOY_N256);
    KeyGenerator.KeySet keys = KeyGenerator.generate(c.plan(), KeySetIdentity.fresh(c), null);
    KeySetIdentity id = keys.evaluation().identity();
    List<byte[]> records = new ArrayList<>();
    List<List<EncryptedTensor>> expected = new ArrayList<>();
    CircuitExecutor local = new CircuitExecutor(keys.evaluation());
    for (int i = 0; i < 6; i++) {
      List<EncryptedTensor> in = RandomCircuits.encryptRandom(r, c, keys.client());
      records.add(FhecFiles.ciphertextsBytes(id, c.plan(), in, true));
      expected.add(local.run(c, in, null));
    }
    try (SparkCircuitExecutor spark =
        new SparkCircuitExecutor(sc, keys.evaluation(), SparkCircuitExecutor.Options.defaults())) {
      List<byte[]> out = spark.runBatch(c, sc.parallelize(records, 3)).collect();
      assertEquals(records.size(), out.size());
      for (int i = 0; i < out.size(); i++) {
        List<EncryptedTensor> got =
            FhecFiles.ciphertextsFromBytes(out.get(i), "record " + i, new FhecFiles.Expect(c, id));
        assertBitIdentical(expected.get(i), got, "record " + i);
      }
    }
  }

  @Test
  @Order(3)
  void parquetOfEncryptedRecordsScoresEachLikeTheInProcessExecutor() throws Exception {
    DatasetScoring.check(spark, Files.createDirectories(dir.resolve("parquet")), null);
  }

  @Test
  @Order(3)
  void serverRunsOnTheClusterAnswerWhatTheInProcessServerAnswers() throws Exception {
    ServerOnSpark.check(
        sc, TinyHead.compileToy(), Files.createDirectories(dir.resolve("server-data")));
  }

  @Test
  @Order(4)
  void badInputGetsTheInProcessMessage() {
    Random r = new Random(5);
    Circuit c = RandomCircuits.generate(r, ParameterSets.TOY_N256);
    Circuit other = RandomCircuits.generate(r, ParameterSets.TOY_N256);
    KeyGenerator.KeySet keys = KeyGenerator.generate(c.plan(), KeySetIdentity.fresh(c), null);
    List<EncryptedTensor> inputs = RandomCircuits.encryptRandom(r, c, keys.client());
    CircuitExecutor local = new CircuitExecutor(keys.evaluation());
    try (SparkCircuitExecutor spark =
        new SparkCircuitExecutor(sc, keys.evaluation(), SparkCircuitExecutor.Options.defaults())) {
      Circuit wider = RandomCircuits.chain(r, ParameterSets.TOY_N256, 41, 1);
      EncryptedTensor wrongShape = RandomCircuits.encryptRandom(r, wider, keys.client()).get(0);
      List<List<EncryptedTensor>> bad =
          List.of(inputs.subList(0, 1), List.of(inputs.get(0), wrongShape), List.of());
      for (List<EncryptedTensor> b : bad) {
        String want =
            assertThrows(IllegalArgumentException.class, () -> local.run(c, b, null)).getMessage();
        String got =
            assertThrows(IllegalArgumentException.class, () -> spark.run(c, b, null)).getMessage();
        assertEquals(want, got);
      }
      // Keys bound to another circuit.
      String want =
          assertThrows(IllegalArgumentException.class, () -> local.run(other, inputs, null))
              .getMessage();
      assertEquals(
          want,
          assertThrows(IllegalArgumentException.class, () -> spark.run(other, inputs, null))
              .getMessage());
      assertEquals(
          want,
          assertThrows(
                  IllegalArgumentException.class,
                  () -> spark.runBatch(other, sc.parallelize(List.<byte[]>of())))
              .getMessage());
      // A batch record that is not a ciphertext file fails the job with the reader's message.
      SparkException e =
          assertThrows(
              SparkException.class,
              () -> spark.runBatch(c, sc.parallelize(List.of(new byte[] {1, 2, 3}))).collect());
      assertTrue(e.getMessage().contains("input record"), e.getMessage());
    }
  }

  @Test
  @Order(5)
  void aWorkerKilledDuringARunLeavesTheResultUnchanged() throws Exception {
    Random r = new Random(21);
    Circuit c = RandomCircuits.chain(r, ParameterSets.TOY_N2048, 400, 6);
    KeyGenerator.KeySet keys = KeyGenerator.generate(c.plan(), KeySetIdentity.fresh(c), null);
    List<EncryptedTensor> inputs = RandomCircuits.encryptRandom(r, c, keys.client());
    List<EncryptedTensor> expected = new CircuitExecutor(keys.evaluation()).run(c, inputs, null);
    try (SparkCircuitExecutor spark =
        new SparkCircuitExecutor(sc, keys.evaluation(), SparkCircuitExecutor.Options.defaults())) {
      long first = c.pbsCount() / 6;
      CompletableFuture<Void> reached = new CompletableFuture<>();
      CompletableFuture<List<EncryptedTensor>> run =
          CompletableFuture.supplyAsync(
              () ->
                  spark.run(
                      c,
                      inputs,
                      (done, total) -> {
                        if (done >= first) {
                          reached.complete(null);
                        }
                      }));
      // After the first lookup (both executors hold the keys), while tasks of a later one run.
      CompletableFuture.anyOf(reached, run).get(120, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!run.isDone() && !tasksRunning() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(!run.isDone(), "the run was still going when the worker was killed");
      cluster.killWorker(0);
      List<EncryptedTensor> got = run.get(180, TimeUnit.SECONDS);
      assertBitIdentical(expected, got, "after losing a worker");
    } finally {
      cluster.addWorker(1, "1g");
    }
  }

  private static boolean tasksRunning() {
    for (int stage : sc.statusTracker().getActiveStageIds()) {
      var info = sc.statusTracker().getStageInfo(stage);
      if (info != null && info.numActiveTasks() > 0) {
        return true;
      }
    }
    return false;
  }

  static void assertBitIdentical(
      List<EncryptedTensor> expected, List<EncryptedTensor> got, String what) {
    assertEquals(expected.size(), got.size(), what);
    for (int t = 0; t < expected.size(); t++) {
      EncryptedTensor e = expected.get(t);
      EncryptedTensor g = got.get(t);
      assertArrayEquals(e.shape(), g.shape(), what);
      assertEquals(e.partition(), g.partition(), what);
      for (int i = 0; i < e.size(); i++) {
        assertArrayEquals(
            e.element(i).data(), g.element(i).data(), what + ": tensor " + t + " element " + i);
      }
    }
  }
}
