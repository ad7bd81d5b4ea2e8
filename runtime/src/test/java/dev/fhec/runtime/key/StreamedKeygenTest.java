package dev.fhec.runtime.key;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Seed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keys streamed in batches (what keygen writes to disk without holding a key) are the keys {@link
 * KeyGenerator} makes in memory from the same seeds, whatever the batch size.
 */
class StreamedKeygenTest {
  private static final ParameterSet P = ParameterSets.TOY_K2_L2;
  private static final long DEFAULT_BATCH = KeyGenerator.batchBytes;

  @AfterEach
  void restore() {
    KeyGenerator.batchBytes = DEFAULT_BATCH;
  }

  /** Collects what a sink receives: seeds and the bodies, concatenated. */
  private static final class Collect implements KeyGenerator.SeededKeySink {
    final List<Seed> seeds = new ArrayList<>();
    long[] bodies = new long[0];
    int calls;

    @Override
    public void maskSeed(Seed seed) {
      seeds.add(seed);
    }

    @Override
    public void bodies(long[] source, int offset, int length) {
      int at = bodies.length;
      bodies = Arrays.copyOf(bodies, at + length);
      System.arraycopy(source, offset, bodies, at, length);
      calls++;
    }
  }

  @Test
  void bootstrapBodiesInBatchesEqualTheKeyInMemory() {
    ClientKey ck = KeyGenerator.generateClientKey(P, Seed.ofLong(1));
    Seed noise = Seed.ofLong(2);
    Seed mask = Seed.ofLong(3);
    long[] whole = KeyGenerator.generateBootstrapKey(ck, noise, mask);
    int n = P.bigN();
    int rowLength = (P.k() + 1) * n;
    long[] expected = new long[whole.length / rowLength * n];
    for (int row = 0; row < whole.length / rowLength; row++) {
      System.arraycopy(whole, row * rowLength + P.k() * n, expected, row * n, n);
    }
    // 1 GGSW per batch, 5 per batch (12 GGSWs: a short last batch), and all in one.
    int ggswBytes = 8 * (P.k() + 1) * (P.k() + 1) * P.pbs().levels() * n;
    for (long batch : new long[] {1, 5L * ggswBytes, DEFAULT_BATCH}) {
      KeyGenerator.batchBytes = batch;
      Collect c = new Collect();
      KeyGenerator.streamBootstrapBodies(ck, noise, mask, c);
      assertArrayEquals(expected, c.bodies, "batch " + batch);
    }
  }

  @Test
  void keyswitchBodiesInBatchesEqualTheKeyInMemory() {
    ClientKey from = KeyGenerator.generateClientKey(P, Seed.ofLong(4));
    ClientKey to = KeyGenerator.generateClientKey(ParameterSets.TOY_N256, Seed.ofLong(5));
    Decomposition d = new Decomposition(4, 6);
    Seed noise = Seed.ofLong(6);
    Seed mask = Seed.ofLong(7);
    long[] big = from.bigLweKey().bits();
    KeyswitchKey whole =
        KeyGenerator.generateKeyswitchKey(big, to.bigLweKey(), d, 1e-9, noise, mask);
    int nOut = whole.outputDimension();
    long[] expected = new long[big.length * d.levels()];
    for (int row = 0; row < expected.length; row++) {
      expected[row] = whole.data()[row * (nOut + 1) + nOut];
    }
    for (long batch : new long[] {1, 7L * 8 * d.levels() * (nOut + 1), DEFAULT_BATCH}) {
      KeyGenerator.batchBytes = batch;
      Collect c = new Collect();
      KeyGenerator.streamKeyswitchBodies(big, to.bigLweKey(), d, 1e-9, noise, mask, c);
      assertArrayEquals(expected, c.bodies, "batch " + batch);
    }
  }

  @Test
  void aKeySetStreamsEveryKeyInFileOrderWithinItsBatchBudget() {
    ParameterPlan plan =
        new ParameterPlan(
            List.of(P, ParameterSets.TOY_N256),
            List.of(
                new KeyswitchSpec(0, 0, KeyswitchSpec.Kind.BIG_TO_SMALL, P.ks()),
                new KeyswitchSpec(0, 1, KeyswitchSpec.Kind.BIG_TO_BIG, new Decomposition(4, 6))));
    KeyGenerator.batchBytes = 4096;
    List<String> told = new ArrayList<>();
    ClientKeySet client =
        KeyGenerator.generateClientKeys(
            plan, KeySetIdentity.unbound(), (what, done, total) -> told.add(done + "/" + total));
    Collect c = new Collect();
    KeyGenerator.streamEvaluationKeys(
        client, c, (what, done, total) -> told.add(done + "/" + total));
    assertEquals(List.of("1/6", "2/6", "3/6", "4/6", "5/6", "6/6"), told);
    assertEquals(4, c.seeds.size());
    long bodies = 0;
    for (ParameterSet p : plan.partitions()) {
      bodies += (long) p.n() * (p.k() + 1) * p.pbs().levels() * p.bigN();
    }
    for (KeyswitchSpec s : plan.keyswitches()) {
      bodies += (long) EvaluationKeySet.inputDimension(plan, s) * s.decomposition().levels();
    }
    assertEquals(bodies, c.bodies.length);
    // Many batches, none above the budget (one GGSW or one coefficient's rows at the least).
    assertTrue(c.calls > 10, c.calls + " batches");
    // The largest batch is then one GGSW of P: (k+1)² · levels · N longs.
    assertEquals(8L * 9 * 2 * 128, KeyGenerator.streamingBytes(plan));
  }
}
