package dev.fhec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fhec.runtime.params.ParameterSets;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the benchmark module: the fixture that JMH and the tfhe-rs anchor both time does
 * the work they claim (KS + PBS of x ↦ x² + 1 decrypts right), on a TOY set so it runs in seconds.
 */
class PbsFixtureTest {
  @Test
  void theTimedKeyswitchAndBootstrapComputeTheTable() {
    PbsFixture f = new PbsFixture(ParameterSets.TOY_N512.name(), 3);
    f.checkCorrect();
    // The split steps compute the same as the fused one.
    f.keyswitch();
    f.bootstrap();
    long got =
        dev.fhec.runtime.algorithms.LweEncryption.decrypt(f.client.bigLweKey(), f.outs[0], 3);
    assertEquals((3 * 3 + 1) % 8, got);
  }

  @Test
  void anUnknownSetIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new PbsFixture("NO_SUCH_SET", 3));
    assertEquals("no parameter set named NO_SUCH_SET", e.getMessage());
  }
}
