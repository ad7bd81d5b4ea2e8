package dev.fhec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast tier's check of the Spark path: Spark in this JVM ({@code local[2]}: tasks, broadcasts,
 * added files and task serialization as on a cluster, without executor JVMs). The real cluster is
 * {@link SparkClusterTest} (slow tier).
 */
class SparkLocalModeTest {
  private static SparkSession spark;
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .config(SparkContexts.conf("local[2]", "fhec-spark-local-test", false))
            .getOrCreate();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void datasetOfEncryptedRecordsScoresEachLikeTheInProcessExecutor(@TempDir Path files)
      throws Exception {
    DatasetScoring.check(spark, null, files);
  }

  @Test
  void serverRunsOnSparkAnswerWhatTheInProcessServerAnswers(@TempDir Path data) throws Exception {
    ServerOnSpark.check(sc, TinyHead.compileToy(), data);
  }

  /**
   * Two partitions of different big dimensions (512 and 256): a lookup across them (the crossing
   * path on executors), a conversion keyswitch (on the driver), a lookup back.
   */
  @Test
  void multiPartitionCircuitMatchesTheInProcessExecutorBitForBit() {
    ParameterSet p0 = ParameterSets.TOY_N512;
    ParameterSet p1 = ParameterSets.TOY_K2_L2;
    ParameterPlan plan =
        new ParameterPlan(
            List.of(p0, p1),
            List.of(
                new KeyswitchSpec(0, 1, KeyswitchSpec.Kind.BIG_TO_SMALL, p1.ks()),
                new KeyswitchSpec(0, 1, KeyswitchSpec.Kind.BIG_TO_BIG, new Decomposition(4, 6)),
                new KeyswitchSpec(1, 0, KeyswitchSpec.Kind.BIG_TO_SMALL, p0.ks())));
    long[] triple = new long[16];
    long[] flip = new long[16];
    for (int i = 0; i < 16; i++) {
      triple[i] = (i * 3) % 8;
      flip[i] = 15 - i;
    }
    int m = 13;
    Circuit c =
        new Circuit(
            Circuit.FORMAT_VERSION,
            "two-partitions",
            plan,
            List.of(
                new ValueInfo(new int[] {m}, 4, false, true, 0),
                new ValueInfo(new int[] {m}, 4, false, true, 1),
                new ValueInfo(new int[] {m}, 4, false, true, 1),
                new ValueInfo(new int[] {m}, 4, false, true, 1),
                new ValueInfo(new int[] {m}, 4, false, true, 0)),
            List.of(),
            List.of(new LookupTable(triple), new LookupTable(flip)),
            List.of(
                new Instruction.Input(0, 0),
                new Instruction.Tlu(1, 0, new int[] {0}, 1),
                new Instruction.Keyswitch(2, 0),
                new Instruction.AddEE(3, 1, 2),
                new Instruction.Tlu(4, 3, new int[] {1}, 0)),
            List.of(0),
            List.of(3, 4));
    KeyGenerator.KeySet keys = KeyGenerator.generate(plan, KeySetIdentity.fresh(c), null);
    long[] x = new long[m];
    long[] flipped = new long[m];
    for (int i = 0; i < m; i++) {
      x[i] = i % 8;
      flipped[i] = 15 - ((x[i] * 3) % 8 + x[i]);
    }
    List<EncryptedTensor> in = List.of(ClientTensors.encrypt(keys.client(), x, c.value(0)));
    List<EncryptedTensor> expected = new CircuitExecutor(keys.evaluation()).run(c, in, null);
    try (SparkCircuitExecutor spark =
        new SparkCircuitExecutor(sc, keys.evaluation(), SparkCircuitExecutor.Options.defaults())) {
      List<EncryptedTensor> got = spark.run(c, in, null);
      SparkClusterTest.assertBitIdentical(expected, got, "two partitions");
      assertArrayEquals(flipped, ClientTensors.decrypt(keys.client(), got.get(1)));
    }
  }

  @Test
  void randomProgramsAndBatchesMatchTheInProcessExecutorBitForBit() {
    Random r = new Random(77);
    for (KeyShipping shipping : KeyShipping.values()) {
      Circuit c = RandomCircuits.generate(r, ParameterSets.TOY_N256);
      KeyGenerator.KeySet keys = KeyGenerator.generate(c.plan(), KeySetIdentity.fresh(c), null);
      List<EncryptedTensor> inputs = RandomCircuits.encryptRandom(r, c, keys.client());
      CircuitExecutor local = new CircuitExecutor(keys.evaluation());
      List<EncryptedTensor> expected = local.run(c, inputs, null);
      try (SparkCircuitExecutor spark =
          new SparkCircuitExecutor(
              sc,
              keys.evaluation(),
              SparkCircuitExecutor.Options.defaults().withShipping(shipping).withMinSlice(1))) {
        SparkClusterTest.assertBitIdentical(expected, spark.run(c, inputs, null), "" + shipping);
        KeySetIdentity id = keys.evaluation().identity();
        List<byte[]> out =
            spark
                .runBatch(
                    c,
                    sc.parallelize(List.of(FhecFiles.ciphertextsBytes(id, c.plan(), inputs, true))))
                .collect();
        assertEquals(1, out.size());
        SparkClusterTest.assertBitIdentical(
            expected,
            FhecFiles.ciphertextsFromBytes(out.get(0), "out", new FhecFiles.Expect(c, id)),
            "batch " + shipping);
      }
    }
  }
}
