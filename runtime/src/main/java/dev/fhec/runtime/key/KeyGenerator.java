package dev.fhec.runtime.key;

import dev.fhec.runtime.algorithms.Decomposer;
import dev.fhec.runtime.algorithms.FftProvider;
import dev.fhec.runtime.algorithms.GlweEncryption;
import dev.fhec.runtime.algorithms.GlweKeyProduct;
import dev.fhec.runtime.algorithms.Keyswitch32;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.GlweSecretKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.fft.NegacyclicFft;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Key generation. Secret bits come from a generator seeded by the caller (or the system DRBG); the
 * masks of both evaluation keys come from public seeds (one ChaCha20 stream per GGSW / per KSK
 * input coefficient), the noise from a secret seed, so generation runs in parallel over rows and is
 * reproducible from the seeds.
 */
public final class KeyGenerator {
  private static final long KSK_NOISE_STREAMS = 1L << 40;

  private KeyGenerator() {}

  /** Told after each key of a key set is generated, from the generating thread. */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param what the key just made, e.g. "bootstrapping key of partition 0"
     * @param done keys made so far
     * @param total keys in the set
     */
    void keyDone(String what, int done, int total);
  }

  /** The client and evaluation keys of one key set. */
  public record KeySet(ClientKeySet client, EvaluationKeySet evaluation) {}

  /**
   * Keys generated so far over the whole set: one client key and one BSK per partition, a KSK each.
   */
  public static int keyCount(ParameterPlan plan) {
    return 2 * plan.size() + plan.keyswitches().size();
  }

  /**
   * Every key of {@code plan} from the system DRBG: a client key and a bootstrapping key per
   * partition, a keyswitching key per spec, each with its own seeds; {@code progress} may be null.
   */
  public static KeySet generate(ParameterPlan plan, KeySetIdentity identity, Progress progress) {
    ClientKeySet client = generateClientKeys(plan, identity, progress);
    int total = keyCount(plan);
    int done = plan.size();
    List<EvaluationKeySet.BootstrapKey> bsks = new ArrayList<>();
    for (int p = 0; p < plan.size(); p++) {
      ParameterSet ps = plan.partition(p);
      Seed mask = Seed.random();
      long[] standard = generateBootstrapKey(client.key(p), Seed.random(), mask);
      bsks.add(new EvaluationKeySet.BootstrapKey(standard, toFourier(ps, standard), mask));
      done = tell(progress, "bootstrapping key of partition " + p, done, total);
    }
    List<EvaluationKeySet.SwitchKey> ksks = new ArrayList<>();
    for (KeyswitchSpec s : plan.keyswitches()) {
      Seed mask = Seed.random();
      ksks.add(new EvaluationKeySet.SwitchKey(keyswitchKey(client, s, Seed.random(), mask), mask));
      done = tell(progress, "keyswitching key " + s, done, total);
    }
    return new KeySet(client, new EvaluationKeySet(identity, plan, bsks, ksks));
  }

  /** The client key of every partition of {@code plan} from the system DRBG. */
  public static ClientKeySet generateClientKeys(
      ParameterPlan plan, KeySetIdentity identity, Progress progress) {
    plan.requireUsable();
    List<ClientKey> clients = new ArrayList<>();
    for (int p = 0; p < plan.size(); p++) {
      clients.add(generateClientKey(plan.partition(p)));
      tell(progress, "client key of partition " + p, p, keyCount(plan));
    }
    return new ClientKeySet(identity, plan, clients);
  }

  /**
   * Receives seeded evaluation keys as they are generated, in file order (each partition's
   * bootstrapping key, then each keyswitching key): a key's mask seed, then its bodies in order.
   */
  public interface SeededKeySink {
    void maskSeed(Seed seed);

    void bodies(long[] source, int offset, int length);
  }

  /**
   * Generates the seeded evaluation keys of {@code client} into {@code sink} without ever holding a
   * whole key: GGSWs and keyswitching rows are made in parallel batches of about {@link
   * #batchBytes} and only their bodies are passed on (the masks are the seeds' streams). The bodies
   * are those {@link #generate} computes from the same seeds. Progress counts on from the client
   * keys.
   */
  public static void streamEvaluationKeys(
      ClientKeySet client, SeededKeySink sink, Progress progress) {
    ParameterPlan plan = client.plan();
    int total = keyCount(plan);
    int done = plan.size();
    for (int p = 0; p < plan.size(); p++) {
      Seed mask = Seed.random();
      sink.maskSeed(mask);
      streamBootstrapBodies(client.key(p), Seed.random(), mask, sink);
      done = tell(progress, "bootstrapping key of partition " + p, done, total);
    }
    for (KeyswitchSpec s : plan.keyswitches()) {
      Seed mask = Seed.random();
      sink.maskSeed(mask);
      KeyswitchSource src = keyswitchSource(client, s);
      streamKeyswitchBodies(
          src.big(), src.out(), s.decomposition(), src.std(), Seed.random(), mask, sink);
      done = tell(progress, "keyswitching key " + s, done, total);
    }
  }

  /** Memory {@link #streamEvaluationKeys} needs besides the client keys: its largest batch. */
  public static long streamingBytes(ParameterPlan plan) {
    long most = 0;
    for (ParameterSet p : plan.partitions()) {
      most = Math.max(most, 8L * ggswsPerBatch(p) * ggswLength(p));
    }
    for (KeyswitchSpec s : plan.keyswitches()) {
      int nOut = EvaluationKeySet.outputDimension(plan, s);
      int levels = s.decomposition().levels();
      int nIn = EvaluationKeySet.inputDimension(plan, s);
      most = Math.max(most, 8L * rowsPerBatch(levels, nOut, nIn) * levels * (nOut + 1));
    }
    return most;
  }

  /** Target size of one streamed batch; small in tests so that keys span many batches. */
  static long batchBytes = 64L << 20;

  private static int ggswLength(ParameterSet p) {
    return (p.k() + 1) * (p.k() + 1) * p.pbs().levels() * p.bigN();
  }

  private static int ggswsPerBatch(ParameterSet p) {
    return (int) Math.clamp(batchBytes / (8L * ggswLength(p)), 1, p.n());
  }

  private static int rowsPerBatch(int levels, int nOut, int nIn) {
    return (int) Math.clamp(batchBytes / (8L * levels * (nOut + 1)), 1, nIn);
  }

  /** What a keyswitching key of {@code s} switches from and to, and its output noise. */
  private record KeyswitchSource(long[] big, LweSecretKey out, double std) {}

  private static KeyswitchSource keyswitchSource(ClientKeySet client, KeyswitchSpec s) {
    ClientKey from = client.key(s.from());
    ClientKey to = client.key(s.to());
    boolean small = s.kind() == KeyswitchSpec.Kind.BIG_TO_SMALL;
    return new KeyswitchSource(
        from.bigLweKey().bits(),
        small ? to.lweKey() : to.bigLweKey(),
        small ? to.parameters().lweNoiseStd() : to.parameters().glweNoiseStd());
  }

  private static KeyswitchKey keyswitchKey(
      ClientKeySet client, KeyswitchSpec s, Seed noiseSeed, Seed maskSeed) {
    KeyswitchSource src = keyswitchSource(client, s);
    return generateKeyswitchKey(
        src.big(), src.out(), s.decomposition(), src.std(), noiseSeed, maskSeed);
  }

  /**
   * The bodies of the BSK {@link #generateBootstrapKey} makes from these seeds, row by row, in
   * batches of GGSWs.
   */
  static void streamBootstrapBodies(
      ClientKey ck, Seed noiseSeed, Seed maskSeed, SeededKeySink sink) {
    ParameterSet p = ck.parameters();
    int k = p.k();
    int n = p.bigN();
    int ggsw = ggswLength(p);
    int rowsPerGgsw = (k + 1) * p.pbs().levels();
    int rowLength = (k + 1) * n;
    int batch = ggswsPerBatch(p);
    long[] buffer = new long[batch * ggsw];
    for (int from = 0; from < p.n(); from += batch) {
      int to = Math.min(p.n(), from + batch);
      bootstrapGgsws(ck, noiseSeed, maskSeed, from, to, buffer);
      for (int row = 0; row < (to - from) * rowsPerGgsw; row++) {
        sink.bodies(buffer, row * rowLength + k * n, n);
      }
    }
  }

  /**
   * The bodies of the KSK {@link #generateKeyswitchKey} makes from these seeds, in batches of input
   * coefficients.
   */
  static void streamKeyswitchBodies(
      long[] big,
      LweSecretKey out,
      Decomposition decomposition,
      double std,
      Seed noiseSeed,
      Seed maskSeed,
      SeededKeySink sink) {
    int nOut = out.dimension();
    int levels = decomposition.levels();
    int batch = rowsPerBatch(levels, nOut, big.length);
    long[] buffer = new long[Math.toIntExact((long) batch * levels * (nOut + 1))];
    long[] bodies = new long[batch * levels];
    for (int from = 0; from < big.length; from += batch) {
      int to = Math.min(big.length, from + batch);
      keyswitchRows(big, out, decomposition, std, noiseSeed, maskSeed, from, to, buffer);
      int rows = (to - from) * levels;
      for (int r = 0; r < rows; r++) {
        bodies[r] = buffer[r * (nOut + 1) + nOut];
      }
      sink.bodies(bodies, 0, rows);
    }
  }

  private static int tell(Progress progress, String what, int done, int total) {
    if (progress != null) {
      progress.keyDone(what, done + 1, total);
    }
    return done + 1;
  }

  /** A client key for {@code parameters} from the system DRBG. */
  public static ClientKey generateClientKey(ParameterSet parameters) {
    return generateClientKey(parameters, Seed.random());
  }

  /** A client key reproducible from {@code secretSeed} (tests). */
  public static ClientKey generateClientKey(ParameterSet parameters, Seed secretSeed) {
    parameters.requireUsable();
    Csprng rng = Csprng.of(secretSeed, 0);
    long[] small = new long[parameters.n()];
    rng.fillBinary(small, 0, small.length);
    long[] big = new long[parameters.bigLweDimension()];
    rng.fillBinary(big, 0, big.length);
    return new ClientKey(
        parameters,
        new LweSecretKey(small),
        new GlweSecretKey(parameters.k(), parameters.bigN(), big));
  }

  /** Evaluation keys with fresh seeds. */
  public static EvaluationKeys generateEvaluationKeys(ClientKey clientKey) {
    return generateEvaluationKeys(clientKey, Seed.random(), Seed.random(), Seed.random());
  }

  /**
   * Evaluation keys: GGSW i of the BSK uses mask stream i of {@code bskMaskSeed}; KSK rows of input
   * coefficient i use mask stream i of {@code kskMaskSeed}; all noise comes from {@code noiseSeed}.
   */
  public static EvaluationKeys generateEvaluationKeys(
      ClientKey clientKey, Seed noiseSeed, Seed bskMaskSeed, Seed kskMaskSeed) {
    ParameterSet p = clientKey.parameters().requireUsable();
    long[] standard = generateBootstrapKey(clientKey, noiseSeed, bskMaskSeed);
    FourierBootstrapKey fourier = toFourier(p, standard);
    KeyswitchKey ksk = generateKeyswitchKey(clientKey, noiseSeed, kskMaskSeed);
    return new EvaluationKeys(p, standard, fourier, ksk, bskMaskSeed, kskMaskSeed);
  }

  /** The BSK in coefficient form, GGSWs generated in parallel. */
  public static long[] generateBootstrapKey(ClientKey ck, Seed noiseSeed, Seed maskSeed) {
    ParameterSet p = ck.parameters();
    long[] out = new long[FourierBootstrapKey.length(p.n(), p.k(), p.bigN(), p.pbs())];
    bootstrapGgsws(ck, noiseSeed, maskSeed, 0, p.n(), out);
    return out;
  }

  /**
   * GGSWs {@code from..to-1} of the BSK (GGSW i encrypts key bit i with mask stream i and noise
   * stream i), in parallel, into {@code out} from offset 0.
   */
  private static void bootstrapGgsws(
      ClientKey ck, Seed noiseSeed, Seed maskSeed, int from, int to, long[] out) {
    ParameterSet p = ck.parameters();
    Decomposer dec = new Decomposer(p.pbs());
    int ggsw = ggswLength(p);
    GlweSecretKey glwe = ck.glweKey();
    ThreadLocal<GlweKeyProduct> products = ThreadLocal.withInitial(() -> GlweKeyProduct.of(glwe));
    IntStream.range(from, to)
        .parallel()
        .forEach(
            i ->
                GlweEncryption.encryptGgsw(
                    products.get(),
                    ck.lweKey().bit(i),
                    dec,
                    p.glweNoiseStd(),
                    Csprng.of(maskSeed, i),
                    Csprng.of(noiseSeed, i),
                    out,
                    (i - from) * ggsw));
  }

  /** Transforms a coefficient-form BSK to the Fourier domain (parallel over GGSWs). */
  public static FourierBootstrapKey toFourier(ParameterSet p, long[] standard) {
    int n = p.bigN();
    double[] fourier = new double[standard.length];
    int polys = standard.length / n;
    int perGgsw = polys / p.n();
    ThreadLocal<NegacyclicFft> ffts = ThreadLocal.withInitial(() -> FftProvider.create(n));
    IntStream.range(0, p.n())
        .parallel()
        .forEach(
            i -> {
              NegacyclicFft fft = ffts.get();
              for (int j = i * perGgsw; j < (i + 1) * perGgsw; j++) {
                fft.forwardTorus(standard, j * n, fourier, j * n);
              }
            });
    return new FourierBootstrapKey(p.n(), p.k(), n, p.pbs(), fourier);
  }

  /** The KSK, rows of each input coefficient generated in parallel. */
  public static KeyswitchKey generateKeyswitchKey(ClientKey ck, Seed noiseSeed, Seed maskSeed) {
    ParameterSet p = ck.parameters();
    return generateKeyswitchKey(
        ck.bigLweKey().bits(), ck.lweKey(), p.ks(), p.lweNoiseStd(), noiseSeed, maskSeed);
  }

  /**
   * A KSK from the key of bits {@code big} to {@code small} (any output key: a small key, or the
   * big key of another partition for a conversion), with output noise {@code std}.
   */
  public static KeyswitchKey generateKeyswitchKey(
      long[] big,
      LweSecretKey small,
      Decomposition decomposition,
      double std,
      Seed noiseSeed,
      Seed maskSeed) {
    int nIn = big.length;
    int nOut = small.dimension();
    long[] data = new long[Math.toIntExact((long) nIn * decomposition.levels() * (nOut + 1))];
    keyswitchRows(big, small, decomposition, std, noiseSeed, maskSeed, 0, nIn, data);
    return new KeyswitchKey(nIn, nOut, decomposition, data);
  }

  /**
   * The KSK rows of input coefficients {@code from..to-1} (mask stream i, noise stream 2^40 + i for
   * coefficient i), in parallel, into {@code data} from offset 0.
   */
  private static void keyswitchRows(
      long[] big,
      LweSecretKey small,
      Decomposition decomposition,
      double std,
      Seed noiseSeed,
      Seed maskSeed,
      int from,
      int to,
      long[] data) {
    int nOut = small.dimension();
    int levels = decomposition.levels();
    Decomposer dec = new Decomposer(decomposition);
    IntStream.range(from, to)
        .parallel()
        .forEach(
            i -> {
              Csprng mask = Csprng.of(maskSeed, i);
              Csprng noise = Csprng.of(noiseSeed, KSK_NOISE_STREAMS + i);
              for (int level = 0; level < levels; level++) {
                int row = ((i - from) * levels + level) * (nOut + 1);
                mask.fillUniform(data, row, row + nOut);
                data[row + nOut] =
                    small.dot(data, row)
                        + big[i] * dec.factor(level)
                        + noise.nextTorusGaussian(std);
              }
            });
  }

  /** Regenerates the KSK masks from their seed into {@code data} (bodies already in place). */
  public static void expandKeyswitchMasks(KeyswitchKey ksk, Seed maskSeed) {
    long[] data = ksk.data();
    int nOut = ksk.outputDimension();
    forEachKeyswitchMaskRow(
        ksk.inputDimension(),
        nOut,
        ksk.decomposition().levels(),
        maskSeed,
        (mask, row) -> mask.fillUniform(data, row, row + nOut));
  }

  /**
   * {@link #expandKeyswitchMasks} straight into the 32-bit rounding ({@link Keyswitch32#toTorus32})
   * of a key laid out as {@link KeyswitchKey#offset}: the same streams, no 64-bit key held.
   */
  public static void expandKeyswitchMasksRounded(
      int[] data, int inputDimension, int nOut, int levels, Seed maskSeed) {
    forEachKeyswitchMaskRow(
        inputDimension,
        nOut,
        levels,
        maskSeed,
        (mask, row) -> {
          for (int j = row; j < row + nOut; j++) {
            data[j] = Keyswitch32.toTorus32(mask.nextLong());
          }
        });
  }

  /** Fills the mask of the KSK row at {@code offset} from {@code mask}, its input's stream. */
  private interface MaskRow {
    void fill(Csprng mask, int offset);
  }

  /**
   * The KSK's mask rows, input by input in parallel, each input's levels in order from the stream
   * {@code Csprng.of(maskSeed, i)}: the order key generation drew them in. Offsets as {@link
   * KeyswitchKey#offset}.
   */
  private static void forEachKeyswitchMaskRow(
      int inputDimension, int nOut, int levels, Seed maskSeed, MaskRow row) {
    IntStream.range(0, inputDimension)
        .parallel()
        .forEach(
            i -> {
              Csprng mask = Csprng.of(maskSeed, i);
              for (int level = 0; level < levels; level++) {
                row.fill(mask, (i * levels + level) * (nOut + 1));
              }
            });
  }

  /**
   * Regenerates the BSK masks from their seed into {@code standard} (bodies already in place), in
   * the order {@link GlweEncryption#encryptGgsw} drew them.
   */
  public static void expandBootstrapMasks(ParameterSet p, long[] standard, Seed maskSeed) {
    int k = p.k();
    int n = p.bigN();
    int rows = (k + 1) * p.pbs().levels();
    int rowLength = (k + 1) * n;
    IntStream.range(0, p.n())
        .parallel()
        .forEach(
            i -> {
              Csprng mask = Csprng.of(maskSeed, i);
              for (int r = 0; r < rows; r++) {
                int row = (i * rows + r) * rowLength;
                mask.fillUniform(standard, row, row + k * n);
              }
            });
  }
}
