package dev.fhec.compiler.report;

import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.params.ParameterSet;

/**
 * Sizes in bytes of the keys a parameter plan implies, so users see the cost of a choice before
 * generating anything (users ask for this: concrete#334, concrete#1291). The one source of key
 * sizes: the compile summary, {@code inspect}, the JSON and HTML reports all read this record.
 *
 * <p>Two forms of each key, always labelled: <b>in memory</b> (expanded: what the client or server
 * holds once loaded) and <b>on disk</b> (the file {@code fhec keygen} writes: secret key bits one
 * byte each; evaluation keys seeded, i.e. a mask seed and only the bodies). In-memory formulas,
 * with 8-byte torus elements: secret keys (n + k·N)·8; bootstrapping key n·(k+1)²·ℓ_pbs·N·8 (the
 * Fourier form holds N/2 complex f64 per polynomial: the same bytes); keyswitching key
 * k·N·ℓ_ks·(n+1)·8 (4 bytes an entry for a 32-bit keyswitch, whose key a server holds rounded).
 * Concrete's docs count (k·N+1)·ℓ_ks·(n+1)·8 (compiler.md §11); our keyswitching key decomposes
 * only the k·N mask coefficients (the body is added, not decomposed), and this is what our key
 * files hold.
 *
 * @param secretKeys client-side secret keys in memory (small LWE key and GLWE key, 8 B a
 *     coefficient)
 * @param bootstrapKey bootstrapping keys, expanded in memory on the server
 * @param keyswitchKey keyswitching keys, expanded in memory on the server
 * @param bootstrapKeySeeded seeded form of the bootstrapping keys (bodies + seed)
 * @param keyswitchKeySeeded seeded form of the keyswitching keys (bodies + seed)
 * @param clientKeyFile bytes of the client key file on disk (0 for one partition's share)
 * @param evaluationKeysFile bytes of the seeded evaluation-key file on disk (0 for one partition's
 *     share)
 */
public record KeySizes(
    long secretKeys,
    long bootstrapKey,
    long keyswitchKey,
    long bootstrapKeySeeded,
    long keyswitchKeySeeded,
    long clientKeyFile,
    long evaluationKeysFile) {

  private static final long SEED_BYTES = dev.fhec.runtime.random.Seed.LENGTH;

  /** Key sizes implied by {@code p} alone (a single-partition plan). */
  public static KeySizes of(ParameterSet p) {
    return of(ParameterPlan.single(p));
  }

  /** The secret and bootstrapping keys of one partition (no keyswitching keys, no files). */
  public static KeySizes partition(ParameterSet p) {
    long n = p.n();
    long kn = p.bigLweDimension();
    int lPbs = p.pbs().levels();
    return new KeySizes(
        Math.multiplyExact(n + kn, 8),
        bootstrapKey(p.n(), p.k(), p.bigN(), lPbs),
        0,
        bootstrapKeySeeded(p.n(), p.k(), p.bigN(), lPbs),
        0,
        0,
        0);
  }

  /** Bytes in memory of a bootstrapping key: n·(k+1)²·ℓ·N·8. */
  public static long bootstrapKey(long n, long k, long bigN, int levels) {
    return Math.multiplyExact(Math.multiplyExact(n * (k + 1) * (k + 1), levels), bigN * 8);
  }

  /** Bytes of a seeded bootstrapping key: the bodies n·(k+1)·ℓ·N·8 and the mask seed. */
  public static long bootstrapKeySeeded(long n, long k, long bigN, int levels) {
    return Math.multiplyExact(Math.multiplyExact(n * (k + 1), levels), bigN * 8) + SEED_BYTES;
  }

  /**
   * Bytes in memory of a keyswitching key from dimension {@code in} to {@code out}: in·ℓ·(out+1)·8.
   */
  public static long keyswitchKey(long in, int levels, long out) {
    return Math.multiplyExact(Math.multiplyExact(in, levels), (out + 1) * 8);
  }

  /** Bytes of a seeded keyswitching key: one body per row, in·ℓ·8, and the mask seed. */
  public static long keyswitchKeySeeded(long in, int levels) {
    return Math.multiplyExact(in * levels, 8) + SEED_BYTES;
  }

  /**
   * Bytes in memory of the keyswitching key of {@code s} on a server: k_from·N_from·ℓ·(n_out +
   * 1)·8, or half of it for a 32-bit keyswitch, whose rounded key (4 B an entry) is all a server
   * keeps once loaded ({@code EvaluationKeySet.forComputing}).
   */
  public static long keyswitchKey(ParameterPlan plan, KeyswitchSpec s) {
    long bytes =
        keyswitchKey(
            EvaluationKeySet.inputDimension(plan, s),
            s.decomposition().levels(),
            EvaluationKeySet.outputDimension(plan, s));
    return s.bits32() ? bytes / 2 : bytes;
  }

  /**
   * Key sizes of a whole plan: every partition's secret and bootstrapping keys plus one
   * keyswitching key per spec, and the two files.
   */
  public static KeySizes of(ParameterPlan plan) {
    long secret = 0;
    long bsk = 0;
    long bskSeeded = 0;
    for (ParameterSet p : plan.partitions()) {
      KeySizes one = partition(p);
      secret += one.secretKeys();
      bsk += one.bootstrapKey();
      bskSeeded += one.bootstrapKeySeeded();
    }
    long ksk = 0;
    long kskSeeded = 0;
    for (KeyswitchSpec s : plan.keyswitches()) {
      ksk += keyswitchKey(plan, s);
      kskSeeded +=
          keyswitchKeySeeded(EvaluationKeySet.inputDimension(plan, s), s.decomposition().levels());
    }
    return new KeySizes(
        secret,
        bsk,
        ksk,
        bskSeeded,
        kskSeeded,
        FileSizes.clientKey(plan),
        FileSizes.evaluationKeysSeeded(plan));
  }

  /** What the server holds in memory: bootstrapping plus keyswitching keys, expanded. */
  public long evaluationKeys() {
    return bootstrapKey + keyswitchKey;
  }

  /** The evaluation keys' seeded form (key material only, without the file's header and plan). */
  public long evaluationKeysSeeded() {
    return bootstrapKeySeeded + keyswitchKeySeeded;
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
