package dev.fhec.compiler.report;

import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.params.ParameterSet;

/**
 * Sizes in bytes of the keys one parameter set implies, so users see the cost of a choice before
 * generating anything (users ask for this: concrete#334, concrete#1291).
 *
 * <p>Formulas, with 8-byte torus elements: secret keys (n + k·N)·8; bootstrapping key in the
 * Fourier domain n·(k+1)²·ℓ_pbs·N·8 (N/2 complex f64 per polynomial); keyswitching key
 * k·N·ℓ_ks·(n+1)·8. Seeded (compressed) forms keep only the body of each ciphertext plus a seed:
 * n·(k+1)·ℓ_pbs·N·8 and k·N·ℓ_ks·8 (compiler.md §11, §12 "compress_evaluation_keys").
 *
 * @param secretKeys client-side secret keys (small LWE key and GLWE key)
 * @param bootstrapKey bootstrapping key, as held in memory by the server
 * @param keyswitchKey keyswitching key, as held in memory by the server
 * @param bootstrapKeySeeded seeded form of the bootstrapping key, as shipped
 * @param keyswitchKeySeeded seeded form of the keyswitching key, as shipped
 */
public record KeySizes(
    long secretKeys,
    long bootstrapKey,
    long keyswitchKey,
    long bootstrapKeySeeded,
    long keyswitchKeySeeded) {

  private static final long SEED_BYTES = 32;

  /** Key sizes implied by {@code p}. */
  public static KeySizes of(ParameterSet p) {
    long n = p.n();
    long k = p.k();
    long bigN = p.bigN();
    long kn = p.bigLweDimension();
    long lPbs = p.pbs().levels();
    long lKs = p.ks().levels();
    return new KeySizes(
        Math.multiplyExact(n + kn, 8),
        Math.multiplyExact(Math.multiplyExact(n * (k + 1) * (k + 1), lPbs), bigN * 8),
        Math.multiplyExact(Math.multiplyExact(kn, lKs), (n + 1) * 8),
        Math.multiplyExact(Math.multiplyExact(n * (k + 1), lPbs), bigN * 8) + SEED_BYTES,
        Math.multiplyExact(kn * lKs, 8) + SEED_BYTES);
  }

  /**
   * Key sizes of a whole plan: every partition's secret and bootstrapping keys plus one
   * keyswitching key per spec (k_from·N_from·ℓ·(n_out+1)·8, n_out the small or big dimension of the
   * target). Equals {@link #of(ParameterSet)} for a single-partition plan.
   */
  public static KeySizes of(ParameterPlan plan) {
    long secret = 0;
    long bsk = 0;
    long bskSeeded = 0;
    for (ParameterSet p : plan.partitions()) {
      KeySizes one = of(p);
      secret += one.secretKeys();
      bsk += one.bootstrapKey();
      bskSeeded += one.bootstrapKeySeeded();
    }
    long ksk = 0;
    long kskSeeded = 0;
    for (KeyswitchSpec s : plan.keyswitches()) {
      long in = EvaluationKeySet.inputDimension(plan, s);
      long out = EvaluationKeySet.outputDimension(plan, s);
      long levels = s.decomposition().levels();
      ksk += Math.multiplyExact(Math.multiplyExact(in, levels), (out + 1) * 8);
      kskSeeded += Math.multiplyExact(in * levels, 8) + SEED_BYTES;
    }
    return new KeySizes(secret, bsk, ksk, bskSeeded, kskSeeded);
  }

  /** What the server holds: bootstrapping plus keyswitching key. */
  public long evaluationKeys() {
    return bootstrapKey + keyswitchKey;
  }

  /** A byte count as "51.3 MB" / "22.6 kB" (decimal units, like Concrete's docs). */
  public static String human(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
