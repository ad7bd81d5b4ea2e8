package dev.fhec.compiler.report;

import dev.fhec.runtime.circuit.CircuitDigest;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.random.Seed;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Exact sizes in bytes of the files {@link dev.fhec.runtime.io.FhecFiles} writes, computed from the
 * plan alone so reports can state them before any key exists. Mirrors that class's layout (frame:
 * magic, version, kind, fingerprint, identity, length, payload, CRC; every payload starts with the
 * plan); {@code FileSizesTest} and the CLI's size test pin the two together.
 */
public final class FileSizes {
  private FileSizes() {}

  private static final long FRAME =
      4 + 4 + 4 + 8 + KeySetIdentity.ID_LENGTH + CircuitDigest.LENGTH + 8 + 4;

  /** The client key file: one byte per secret-key bit, small and big key of every partition. */
  public static long clientKey(ParameterPlan plan) {
    long payload = plan(plan);
    for (ParameterSet p : plan.partitions()) {
      payload += (long) p.n() + p.bigLweDimension();
    }
    return FRAME + payload;
  }

  /**
   * The seeded evaluation-key file as {@code fhec keygen} writes it: per bootstrapping key a mask
   * seed and the bodies (n·(k+1)·ℓ·N longs), per keyswitching key a seed and one body per row.
   */
  public static long evaluationKeysSeeded(ParameterPlan plan) {
    long payload = plan(plan) + 1;
    for (ParameterSet p : plan.partitions()) {
      payload +=
          Seed.LENGTH
              + Math.multiplyExact(
                  (long) p.n() * (p.k() + 1) * p.pbs().levels(), (long) p.bigN() * 8);
    }
    for (KeyswitchSpec s : plan.keyswitches()) {
      payload +=
          Seed.LENGTH
              + (long) EvaluationKeySet.inputDimension(plan, s) * s.decomposition().levels() * 8;
    }
    return FRAME + payload;
  }

  /**
   * A ciphertext file holding one tensor per encrypted value of {@code values}: seeded (fresh
   * encryptions as {@code fhec encrypt} writes them: seed + one body per element) or full ((k·N+1)
   * longs per element, as {@code fhec run} writes its outputs).
   */
  public static long ciphertexts(ParameterPlan plan, List<ValueInfo> values, boolean seeded) {
    long payload = plan(plan) + 4;
    for (ValueInfo v : values) {
      if (!v.encrypted()) {
        continue;
      }
      payload += 4 + 4L * v.shape().length + 4 + 1 + 4 + 1;
      payload +=
          seeded
              ? Seed.LENGTH + 8L * v.size()
              : 8L * v.size() * (plan.partition(v.partition()).bigLweDimension() + 1);
    }
    return FRAME + payload;
  }

  private static long plan(ParameterPlan plan) {
    long b = 4;
    for (ParameterSet p : plan.partitions()) {
      b += 4 + p.name().getBytes(StandardCharsets.UTF_8).length + 7 * 4 + 2 * 8;
    }
    return b + 4 + 5L * 4 * plan.keyswitches().size();
  }
}
