package dev.fhec.compiler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.KeyswitchSpec.Kind;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sizes reports state for key and ciphertext files are the bytes {@link FhecFiles} writes, for
 * a single- and a two-partition plan (keys of different sizes, a big-to-big conversion key).
 */
class FileSizesTest {
  private static final ParameterPlan TWO =
      new ParameterPlan(
          List.of(ParameterSets.TOY_N512, ParameterSets.TOY_K2_L2),
          List.of(
              new KeyswitchSpec(0, 1, Kind.BIG_TO_SMALL, ParameterSets.TOY_K2_L2.ks()),
              new KeyswitchSpec(0, 1, Kind.BIG_TO_BIG, new Decomposition(4, 6)),
              new KeyswitchSpec(1, 0, Kind.BIG_TO_SMALL, ParameterSets.TOY_N512.ks())));

  @Test
  void reportedFileSizesAreTheBytesWritten() {
    for (ParameterPlan plan : List.of(ParameterPlan.single(ParameterSets.TOY_N256), TWO)) {
      KeyGenerator.KeySet keys =
          KeyGenerator.generate(plan, KeySetIdentity.fresh(new byte[32]), null);
      KeySizes k = KeySizes.of(plan);
      assertEquals(FhecFiles.clientKeyBytes(keys.client()).length, k.clientKeyFile());
      assertEquals(
          FhecFiles.evaluationKeysBytes(keys.evaluation(), true).length, k.evaluationKeysFile());
      // In memory: the uncompressed file holds exactly the expanded standard-domain keys.
      long header = FileSizes.evaluationKeysSeeded(plan) - k.evaluationKeysSeeded();
      assertEquals(
          FhecFiles.evaluationKeysBytes(keys.evaluation(), false).length,
          header + k.evaluationKeys());

      ValueInfo a = new ValueInfo(new int[] {2, 3}, 3, false, true, 0);
      ValueInfo b = new ValueInfo(new int[] {4}, 4, true, true, plan.size() - 1);
      List<EncryptedTensor> cts =
          List.of(
              ClientTensors.encrypt(keys.client().key(0), new long[] {0, 1, 2, 3, 4, 5}, a),
              ClientTensors.encrypt(
                  keys.client().key(plan.size() - 1), new long[] {-2, -1, 0, 7}, b));
      for (boolean seeded : new boolean[] {true, false}) {
        assertEquals(
            FhecFiles.ciphertextsBytes(keys.client().identity(), plan, cts, seeded).length,
            FileSizes.ciphertexts(plan, List.of(a, b), seeded),
            "seeded " + seeded);
      }
    }
  }
}
