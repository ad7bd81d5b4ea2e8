package dev.fhec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.ParameterSets;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fast tier's check of the Spark path: Spark in this JVM ({@code local[2]}: tasks, broadcasts,
 * added files and task serialization as on a cluster, without executor JVMs). The real cluster is
 * {@link SparkClusterTest} (slow tier).
 */
class SparkLocalModeTest {
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(SparkContexts.conf("local[2]", "fhec-spark-local-test", false));
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.close();
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
