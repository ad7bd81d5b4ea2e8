package dev.fhec.runtime.io;

import dev.fhec.runtime.algorithms.Keyswitch32;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.CircuitDigest;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.GlweSecretKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.ClientKeySet;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

/**
 * Binary files for client keys, evaluation keys and ciphertext tensors.
 *
 * <p>Layout (big-endian): magic {@code "FHEC"}, format version (int), kind (int, {@link FileKind}:
 * for ciphertexts also whether they are a circuit's inputs or its outputs), plan fingerprint (long,
 * {@link #fingerprint(ParameterPlan)}), key-set id (16 bytes), circuit digest (32 bytes) — together
 * the {@link KeySetIdentity} the file belongs to — payload length (long), payload, CRC32C of
 * everything before it (int). Every payload starts with the full {@link ParameterPlan}. Client keys
 * hold each partition's small and big key bits; evaluation keys each partition's bootstrapping key,
 * then each keyswitch's key. Seeded (compressed) forms store a mask seed and only the bodies:
 * evaluation keys (BSK and KSK masks) and fresh ciphertexts (element e's mask is stream e of the
 * seed). The Fourier-domain BSK is never stored (its layout belongs to the FFT implementation); it
 * is recomputed on load.
 *
 * <p>Files stream through a bounded buffer in both directions, so their size is not limited by Java
 * arrays (the seeded keys of a multi-partition plan pass 2 GiB): a writer computes the payload
 * length from what it will write, then streams header, payload and checksum to a temporary file in
 * the target's directory and renames it over the target, so a failed write leaves no partial file;
 * a reader checks size and checksum in a first pass over the file and parses it in a second.
 *
 * <p>Every failure to read a file is a {@link CorruptFileException} with a one-line message; so is
 * a file of another key set or circuit than the caller expects.
 */
public final class FhecFiles {
  /**
   * 3: ciphertext files say whether they hold inputs or outputs; 2: parameter plans and key-set
   * identities (version 1 held one parameter set).
   */
  public static final int FORMAT_VERSION = 3;

  private static final byte[] MAGIC = {'F', 'H', 'E', 'C'};
  private static final int IDENTITY = KeySetIdentity.ID_LENGTH + CircuitDigest.LENGTH;
  private static final int HEADER = 4 + 4 + 4 + 8 + IDENTITY + 8;
  private static final int TRAILER = 4;

  /** Bytes buffered between a file and the (de)serializer; small in tests to cross boundaries. */
  static int bufferBytes = 1 << 20;

  private FhecFiles() {}

  /**
   * What a reader expects of a file; null fields are not checked.
   *
   * @param circuit the circuit the file must belong to (its plan and digest)
   * @param keySet the key set the file must belong to (ciphertexts of a run, keys of a pair)
   */
  public record Expect(Circuit circuit, KeySetIdentity keySet) {
    public static final Expect ANY = new Expect(null, null);

    public static Expect circuit(Circuit c) {
      return new Expect(c, null);
    }
  }

  /** What a ciphertext file holds: a circuit's encrypted inputs or its encrypted outputs. */
  public enum Role {
    INPUTS(FileKind.INPUT_CIPHERTEXTS),
    OUTPUTS(FileKind.OUTPUT_CIPHERTEXTS);

    private final FileKind kind;

    Role(FileKind kind) {
      this.kind = kind;
    }

    public FileKind kind() {
      return kind;
    }

    static Role of(FileKind kind) {
      return kind == FileKind.OUTPUT_CIPHERTEXTS ? OUTPUTS : INPUTS;
    }
  }

  /** The tensors of a ciphertext file and what they are. */
  public record CiphertextFile(Role role, List<EncryptedTensor> tensors) {}

  // ---- public API ---------------------------------------------------------------------------

  /** Writes the client key readable by its owner only where the file system allows. */
  public static void writeClientKey(Path file, ClientKeySet key) {
    writeFile(file, true, FileKind.CLIENT_KEY, key.identity(), key.plan(), clientKeyPayload(key));
  }

  public static ClientKeySet readClientKey(Path file, Expect expect) {
    return read(Source.of(file), FileKind.CLIENT_KEY, expect, FhecFiles::clientKey);
  }

  /** {@code compressed}: store mask seeds and bodies only (needs keys generated from seeds). */
  public static void writeEvaluationKeys(Path file, EvaluationKeySet keys, boolean compressed) {
    writeFile(
        file,
        false,
        FileKind.EVALUATION_KEYS,
        keys.identity(),
        keys.plan(),
        evaluationKeysPayload(keys, compressed));
  }

  /**
   * Generates the evaluation keys of {@code client} straight into a seeded file: memory holds one
   * batch of rows at a time ({@link KeyGenerator#streamEvaluationKeys}), never the key set.
   */
  public static void writeEvaluationKeys(
      Path file, ClientKeySet client, KeyGenerator.Progress progress) {
    writeFile(
        file,
        false,
        FileKind.EVALUATION_KEYS,
        client.identity(),
        client.plan(),
        evaluationKeysPayload(
            client.plan(),
            true,
            out -> KeyGenerator.streamEvaluationKeys(client, out.seededSink(), progress)));
  }

  public static EvaluationKeySet readEvaluationKeys(Path file, Expect expect) {
    return read(Source.of(file), FileKind.EVALUATION_KEYS, expect, in -> evaluationKeys(in, false));
  }

  /**
   * Evaluation keys for running only: each bootstrapping key is turned into its Fourier form as it
   * is read and its coefficient form dropped at once ({@link EvaluationKeySet#forComputing()}), so
   * the peak memory is the Fourier keys plus one partition's coefficient form, not both forms of
   * every partition.
   */
  public static EvaluationKeySet readEvaluationKeysForComputing(Path file, Expect expect) {
    return read(Source.of(file), FileKind.EVALUATION_KEYS, expect, in -> evaluationKeys(in, true));
  }

  /** {@code compressed}: tensors that remember their mask seed are stored as seed + bodies. */
  public static void writeCiphertexts(
      Path file,
      Role role,
      KeySetIdentity identity,
      ParameterPlan plan,
      List<EncryptedTensor> tensors,
      boolean compressed) {
    writeFile(
        file, false, role.kind(), identity, plan, ciphertextsPayload(plan, tensors, compressed));
  }

  /**
   * Encrypted inputs: {@link #writeCiphertexts(Path, Role, KeySetIdentity, ParameterPlan, List,
   * boolean)}.
   */
  public static void writeCiphertexts(
      Path file,
      KeySetIdentity identity,
      ParameterPlan plan,
      List<EncryptedTensor> tensors,
      boolean compressed) {
    writeCiphertexts(file, Role.INPUTS, identity, plan, tensors, compressed);
  }

  /** The tensors of a ciphertext file of either role. */
  public static List<EncryptedTensor> readCiphertexts(Path file, Expect expect) {
    return readCiphertextFile(file, expect).tensors();
  }

  /**
   * The tensors of a ciphertext file of {@code role}; one of the other role is {@code WRONG_KIND}.
   */
  public static List<EncryptedTensor> readCiphertexts(Path file, Expect expect, Role role) {
    return read(Source.of(file), role.kind(), expect, FhecFiles::ciphertexts);
  }

  /** A ciphertext file of either role, with its role. */
  public static CiphertextFile readCiphertextFile(Path file, Expect expect) {
    return read(Source.of(file), null, expect, FhecFiles::ciphertextFile);
  }

  /** The identity a file's header names, after checking magic, version, size and checksum. */
  public static KeySetIdentity identityOf(Path file) {
    try (Source src = Source.of(file)) {
      return header(src).identity();
    }
  }

  /** A stable 64-bit fingerprint of a plan: its partitions' fingerprints and its keyswitches. */
  public static long fingerprint(ParameterPlan plan) {
    long h = 0x9E3779B97F4A7C15L;
    for (ParameterSet p : plan.partitions()) {
      h = h * 31 + p.fingerprint();
    }
    for (KeyswitchSpec k : plan.keyswitches()) {
      h = h * 31 + k.from();
      h = h * 31 + k.to();
      h = h * 31 + CircuitDigest.kindCode(k);
      h = h * 31 + k.decomposition().baseLog();
      h = h * 31 + k.decomposition().levels();
    }
    return plan.size() == 1 && plan.keyswitches().size() == 1 ? plan.partition(0).fingerprint() : h;
  }

  // ---- byte-array forms (network, tests; files under 2 GiB) -----------------------------------

  public static byte[] clientKeyBytes(ClientKeySet keys) {
    return toBytes(FileKind.CLIENT_KEY, keys.identity(), keys.plan(), clientKeyPayload(keys));
  }

  public static ClientKeySet clientKeyFromBytes(byte[] bytes, String source, Expect expect) {
    return read(Source.of(bytes, source), FileKind.CLIENT_KEY, expect, FhecFiles::clientKey);
  }

  /** Classic single-partition keys (benchmarks): framed as an unbound key set. */
  public static byte[] evaluationKeysBytes(EvaluationKeys keys, boolean compressed) {
    return evaluationKeysBytes(EvaluationKeySet.of(keys), compressed);
  }

  public static byte[] evaluationKeysBytes(EvaluationKeySet keys, boolean compressed) {
    return toBytes(
        FileKind.EVALUATION_KEYS,
        keys.identity(),
        keys.plan(),
        evaluationKeysPayload(keys, compressed));
  }

  public static EvaluationKeySet evaluationKeysFromBytes(
      byte[] bytes, String source, Expect expect) {
    return read(
        Source.of(bytes, source),
        FileKind.EVALUATION_KEYS,
        expect,
        in -> evaluationKeys(in, false));
  }

  /** {@link #readEvaluationKeysForComputing} of bytes. */
  public static EvaluationKeySet evaluationKeysFromBytesForComputing(
      byte[] bytes, String source, Expect expect) {
    return read(
        Source.of(bytes, source), FileKind.EVALUATION_KEYS, expect, in -> evaluationKeys(in, true));
  }

  public static byte[] ciphertextsBytes(
      Role role,
      KeySetIdentity identity,
      ParameterPlan plan,
      List<EncryptedTensor> tensors,
      boolean compressed) {
    return toBytes(role.kind(), identity, plan, ciphertextsPayload(plan, tensors, compressed));
  }

  /**
   * Encrypted inputs: {@link #ciphertextsBytes(Role, KeySetIdentity, ParameterPlan, List,
   * boolean)}.
   */
  public static byte[] ciphertextsBytes(
      KeySetIdentity identity,
      ParameterPlan plan,
      List<EncryptedTensor> tensors,
      boolean compressed) {
    return ciphertextsBytes(Role.INPUTS, identity, plan, tensors, compressed);
  }

  /** Ciphertexts of either role. */
  public static List<EncryptedTensor> ciphertextsFromBytes(
      byte[] bytes, String source, Expect expect) {
    return read(Source.of(bytes, source), null, expect, FhecFiles::ciphertextFile).tensors();
  }

  /** Ciphertexts of {@code role}; a file of the other role is {@code WRONG_KIND}. */
  public static List<EncryptedTensor> ciphertextsFromBytes(
      byte[] bytes, String source, Expect expect, Role role) {
    return read(Source.of(bytes, source), role.kind(), expect, FhecFiles::ciphertexts);
  }

  // ---- payloads -----------------------------------------------------------------------------

  /** What follows a header: written once to measure its length, once to the file. */
  private interface Payload {
    void write(Out out);
  }

  private static Payload clientKeyPayload(ClientKeySet keys) {
    return out -> {
      writePlan(out, keys.plan());
      for (ClientKey key : keys.keys()) {
        out.bits(key.lweKey().bits());
        out.bits(key.glweKey().bits());
      }
    };
  }

  private static ClientKeySet clientKey(In in) {
    List<ClientKey> keys = new ArrayList<>();
    for (ParameterSet p : in.plan.partitions()) {
      long[] small = in.bits(p.n());
      long[] big = in.bits(p.bigLweDimension());
      keys.add(new ClientKey(p, new LweSecretKey(small), new GlweSecretKey(p.k(), p.bigN(), big)));
    }
    in.end();
    return new ClientKeySet(in.identity, in.plan, keys);
  }

  /** Evaluation keys: the plan, the seeded flag, then every key as {@code keys} writes them. */
  private static Payload evaluationKeysPayload(
      ParameterPlan plan, boolean seeded, Consumer<Out> keys) {
    return out -> {
      writePlan(out, plan);
      out.b(seeded ? 1 : 0);
      out.block(keyBytes(plan, seeded), keys);
    };
  }

  /** Bytes of every key of {@code plan} in the file, seeded (seed + bodies) or whole. */
  private static long keyBytes(ParameterPlan plan, boolean seeded) {
    long total = 0;
    for (ParameterSet p : plan.partitions()) {
      long rows = (long) p.n() * (p.k() + 1) * p.pbs().levels();
      total += seeded ? Seed.LENGTH + 8 * rows * p.bigN() : 8 * rows * (p.k() + 1) * p.bigN();
    }
    for (KeyswitchSpec s : plan.keyswitches()) {
      long rows = (long) EvaluationKeySet.inputDimension(plan, s) * s.decomposition().levels();
      total +=
          seeded
              ? Seed.LENGTH + 8 * rows
              : 8 * rows * (EvaluationKeySet.outputDimension(plan, s) + 1);
    }
    return total;
  }

  private static Payload evaluationKeysPayload(EvaluationKeySet keys, boolean compressed) {
    ParameterPlan plan = keys.plan();
    boolean seeded =
        keys.bootstrapKeys().stream().allMatch(b -> b.seed().isPresent())
            && keys.keyswitchKeys().stream().allMatch(k -> k.seed().isPresent());
    if (compressed && !seeded) {
      throw new IllegalArgumentException(
          "these evaluation keys were not generated from mask seeds; write them uncompressed");
    }
    return evaluationKeysPayload(
        plan,
        compressed,
        out -> {
          KeyGenerator.SeededKeySink sink = out.seededSink();
          for (int part = 0; part < plan.size(); part++) {
            ParameterSet p = plan.partition(part);
            EvaluationKeySet.BootstrapKey b = keys.bootstrapKey(part);
            long[] bsk = b.standard();
            if (compressed) {
              int n = p.bigN();
              int k = p.k();
              sink.maskSeed(b.seed().orElseThrow());
              int rowLength = (k + 1) * n;
              for (int row = 0; row < bsk.length / rowLength; row++) {
                sink.bodies(bsk, row * rowLength + k * n, n);
              }
            } else {
              out.longs(bsk, 0, bsk.length);
            }
          }
          for (EvaluationKeySet.SwitchKey s : keys.keyswitchKeys()) {
            long[] ksk = s.key().data();
            if (compressed) {
              sink.maskSeed(s.seed().orElseThrow());
              int nOut = s.key().outputDimension();
              int kskRow = nOut + 1;
              for (int row = 0; row < ksk.length / kskRow; row++) {
                out.l(ksk[row * kskRow + nOut]);
              }
            } else {
              out.longs(ksk, 0, ksk.length);
            }
          }
        });
  }

  /**
   * {@code computing}: convert each bootstrapping key as it is read and keep the Fourier form only.
   */
  private static EvaluationKeySet evaluationKeys(In in, boolean computing) {
    ParameterPlan plan = in.plan;
    int flags = in.b();
    if (flags > 1) {
      throw in.malformed("unknown evaluation-key flags " + flags);
    }
    boolean seeded = flags == 1;
    List<long[]> standards = new ArrayList<>();
    List<Seed> bskSeeds = new ArrayList<>();
    List<EvaluationKeySet.BootstrapKey> fourierOnly = new ArrayList<>();
    for (ParameterSet p : plan.partitions()) {
      int n = p.bigN();
      int k = p.k();
      long[] bsk = new long[FourierBootstrapKey.length(p.n(), k, n, p.pbs())];
      Seed seed = null;
      if (seeded) {
        seed = new Seed(in.bytes(Seed.LENGTH));
        int rowLength = (k + 1) * n;
        for (int row = 0; row < bsk.length / rowLength; row++) {
          in.longs(bsk, row * rowLength + k * n, n);
        }
      } else {
        in.longs(bsk, 0, bsk.length);
      }
      if (computing) {
        // The whole file's checksum was verified before parsing: expanding now is safe.
        if (seeded) {
          KeyGenerator.expandBootstrapMasks(p, bsk, seed);
        }
        fourierOnly.add(
            new EvaluationKeySet.BootstrapKey(null, KeyGenerator.toFourier(p, bsk), seed));
        continue;
      }
      standards.add(bsk);
      bskSeeds.add(seed);
    }
    List<KeyswitchKey> ksks = new ArrayList<>();
    List<Seed> kskSeeds = new ArrayList<>();
    List<Keyswitch32.Key> rounded = new ArrayList<>();
    for (KeyswitchSpec s : plan.keyswitches()) {
      int nIn = EvaluationKeySet.inputDimension(plan, s);
      int nOut = EvaluationKeySet.outputDimension(plan, s);
      if (computing && s.bits32() && Keyswitch32.enabled()) {
        // Rounded as it is read, so no 64-bit form of a 32-bit keyswitch's key is ever allocated
        // (allocating and dropping them raised the run's peak RSS above the 64-bit run's).
        Seed seed = seeded ? new Seed(in.bytes(Seed.LENGTH)) : null;
        ksks.add(null);
        rounded.add(readRounded(in, nIn, nOut, s.decomposition(), seed));
        kskSeeds.add(seed);
        continue;
      }
      long[] ksk = new long[Math.toIntExact((long) nIn * s.decomposition().levels() * (nOut + 1))];
      Seed seed = null;
      if (seeded) {
        seed = new Seed(in.bytes(Seed.LENGTH));
        for (int row = 0; row < ksk.length / (nOut + 1); row++) {
          ksk[row * (nOut + 1) + nOut] = in.l();
        }
      } else {
        in.longs(ksk, 0, ksk.length);
      }
      ksks.add(new KeyswitchKey(nIn, nOut, s.decomposition(), ksk));
      rounded.add(null);
      kskSeeds.add(seed);
    }
    in.end();
    List<EvaluationKeySet.BootstrapKey> bsks = new ArrayList<>(fourierOnly);
    for (int part = 0; part < standards.size(); part++) {
      ParameterSet p = plan.partition(part);
      long[] bsk = standards.get(part);
      if (seeded) {
        KeyGenerator.expandBootstrapMasks(p, bsk, bskSeeds.get(part));
      }
      bsks.add(
          new EvaluationKeySet.BootstrapKey(
              bsk, KeyGenerator.toFourier(p, bsk), bskSeeds.get(part)));
    }
    List<EvaluationKeySet.SwitchKey> switches = new ArrayList<>();
    for (int i = 0; i < ksks.size(); i++) {
      if (ksks.get(i) == null) {
        switches.add(new EvaluationKeySet.SwitchKey(null, kskSeeds.get(i), rounded.get(i)));
        continue;
      }
      if (seeded) {
        KeyGenerator.expandKeyswitchMasks(ksks.get(i), kskSeeds.get(i));
      }
      switches.add(new EvaluationKeySet.SwitchKey(ksks.get(i), kskSeeds.get(i)));
    }
    // For computing, 32-bit keyswitches keep only their rounded key (derived above: files hold the
    // 64-bit key, of which it is a public function).
    return new EvaluationKeySet(in.identity, plan, bsks, switches);
  }

  /**
   * A keyswitching key read straight into its 32-bit rounding ({@link Keyswitch32#round}): bodies
   * as they come, masks regenerated from {@code maskSeed} (seeded files) or read row by row.
   */
  private static Keyswitch32.Key readRounded(
      In in, int nIn, int nOut, Decomposition decomposition, Seed maskSeed) {
    int width = nOut + 1;
    int rows = nIn * decomposition.levels();
    int[] data = new int[Math.toIntExact((long) rows * width)];
    if (maskSeed != null) {
      for (int row = 0; row < rows; row++) {
        data[row * width + nOut] = Keyswitch32.toTorus32(in.l());
      }
      KeyGenerator.expandKeyswitchMasksRounded(data, nIn, nOut, decomposition.levels(), maskSeed);
    } else {
      long[] buffer = new long[width];
      for (int row = 0; row < rows; row++) {
        in.longs(buffer, 0, width);
        for (int j = 0; j < width; j++) {
          data[row * width + j] = Keyswitch32.toTorus32(buffer[j]);
        }
      }
    }
    return new Keyswitch32.Key(nIn, nOut, decomposition, data);
  }

  private static Payload ciphertextsPayload(
      ParameterPlan plan, List<EncryptedTensor> tensors, boolean compressed) {
    for (EncryptedTensor t : tensors) {
      if (t.partition() >= plan.size()
          || t.lweDimension() != plan.partition(t.partition()).bigLweDimension()) {
        throw new IllegalArgumentException(
            "tensor of partition "
                + t.partition()
                + " and LWE dimension "
                + t.lweDimension()
                + " does not belong to "
                + plan.describe());
      }
    }
    return out -> {
      writePlan(out, plan);
      out.i(tensors.size());
      for (EncryptedTensor t : tensors) {
        int[] shape = t.shape();
        out.i(shape.length);
        for (int d : shape) {
          out.i(d);
        }
        out.i(t.width());
        out.b(t.signed() ? 1 : 0);
        out.i(t.partition());
        boolean seeded = compressed && t.maskSeed().isPresent();
        out.b(seeded ? 1 : 0);
        if (seeded) {
          out.bytes(t.maskSeed().orElseThrow().bytes());
          for (int e = 0; e < t.size(); e++) {
            out.l(t.element(e).body());
          }
        } else {
          for (int e = 0; e < t.size(); e++) {
            long[] d = t.element(e).data();
            out.longs(d, 0, d.length);
          }
        }
      }
    };
  }

  private static CiphertextFile ciphertextFile(In in) {
    return new CiphertextFile(Role.of(in.kind), ciphertexts(in));
  }

  private static List<EncryptedTensor> ciphertexts(In in) {
    ParameterPlan plan = in.plan;
    int count = in.count("tensor count");
    List<EncryptedTensor> tensors = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      int rank = in.count("rank");
      int[] shape = new int[rank];
      long size = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = in.count("dimension");
        size *= shape[d];
      }
      int width = in.i();
      boolean signed = in.b() == 1;
      int partition = in.i();
      if (partition < 0 || partition >= plan.size()) {
        throw in.malformed("tensor " + t + " of partition " + partition);
      }
      int dim = plan.partition(partition).bigLweDimension();
      int seeded = in.b();
      if (size > in.remaining() / 8) {
        throw in.truncated("tensor " + t + " needs " + size + " ciphertexts");
      }
      LweCiphertext[] cts = new LweCiphertext[(int) size];
      Seed seed = null;
      if (seeded == 1) {
        seed = new Seed(in.bytes(Seed.LENGTH));
        long[] bodies = new long[cts.length];
        in.longs(bodies, 0, bodies.length);
        Seed s = seed;
        IntStream.range(0, cts.length)
            .parallel()
            .forEach(
                e -> {
                  LweCiphertext c = new LweCiphertext(dim);
                  Csprng.of(s, e).fillUniform(c.data(), 0, dim);
                  c.setBody(bodies[e]);
                  cts[e] = c;
                });
      } else if (seeded == 0) {
        for (int e = 0; e < cts.length; e++) {
          cts[e] = new LweCiphertext(dim);
          in.longs(cts[e].data(), 0, dim + 1);
        }
      } else {
        throw in.malformed("unknown ciphertext flags " + seeded);
      }
      tensors.add(new EncryptedTensor(shape, width, signed, partition, cts, seed));
    }
    in.end();
    return tensors;
  }

  private static void writePlan(Out out, ParameterPlan plan) {
    out.i(plan.size());
    for (ParameterSet p : plan.partitions()) {
      writeParameters(out, p);
    }
    out.i(plan.keyswitches().size());
    for (KeyswitchSpec k : plan.keyswitches()) {
      out.i(k.from());
      out.i(k.to());
      out.i(CircuitDigest.kindCode(k));
      out.i(k.decomposition().baseLog());
      out.i(k.decomposition().levels());
    }
  }

  private static void writeParameters(Out out, ParameterSet p) {
    out.utf(p.name());
    out.i(p.n());
    out.i(p.k());
    out.i(p.bigN());
    out.i(p.pbs().baseLog());
    out.i(p.pbs().levels());
    out.i(p.ks().baseLog());
    out.i(p.ks().levels());
    out.d(p.lweNoiseStd());
    out.d(p.glweNoiseStd());
  }

  // ---- framing ------------------------------------------------------------------------------

  private static long measure(Payload payload) {
    Out counter = new Out(null);
    payload.write(counter);
    return counter.count;
  }

  /** Streams header, payload and checksum to {@code ch}. */
  private static void frame(
      WritableByteChannel ch,
      FileKind kind,
      KeySetIdentity identity,
      ParameterPlan plan,
      long length,
      Payload payload)
      throws IOException {
    Out out = new Out(ch);
    out.bytes(MAGIC);
    out.i(FORMAT_VERSION);
    out.i(kind.code());
    out.l(fingerprint(plan));
    out.bytes(identity.keySetId());
    out.bytes(identity.circuitDigest());
    out.l(length);
    payload.write(out);
    if (out.count != HEADER + length) {
      throw new IllegalStateException(
          "wrote " + (out.count - HEADER) + " payload bytes, announced " + length);
    }
    ByteBuffer crc = ByteBuffer.allocate(TRAILER).putInt(out.finish()).flip();
    while (crc.hasRemaining()) {
      ch.write(crc);
    }
  }

  private static byte[] toBytes(
      FileKind kind, KeySetIdentity identity, ParameterPlan plan, Payload payload) {
    long length = measure(payload);
    if (HEADER + length + TRAILER > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          (HEADER + length + TRAILER) + " bytes do not fit one array; write a file instead");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) (HEADER + length + TRAILER));
    try {
      frame(Channels.newChannel(bytes), kind, identity, plan, length, payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Writes a file through a temporary file in its directory, renamed over {@code file} once
   * complete: readers never see a partial file, a failure leaves none. {@code ownerOnly}: readable
   * by its owner only (POSIX 600) where supported; other files get 644.
   */
  private static void writeFile(
      Path file,
      boolean ownerOnly,
      FileKind kind,
      KeySetIdentity identity,
      ParameterPlan plan,
      Payload payload) {
    long length = measure(payload);
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      // createTempFile makes the file 600 where POSIX permissions exist.
      tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".partial");
      if (!ownerOnly) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: its defaults apply
        }
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        frame(ch, kind, identity, plan, length, payload);
        ch.force(false);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException | UncheckedIOException e) {
      String why = e instanceof UncheckedIOException u ? u.getCause().toString() : e.toString();
      throw new UncheckedIOException(
          "cannot write " + file + ": " + why,
          e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // the original failure matters more
        }
      }
    }
  }

  /** A checked header: kind, plan fingerprint, identity, payload length. */
  private record Header(
      FileKind kind, int code, long fingerprint, KeySetIdentity identity, long length) {}

  /**
   * Reads and checks the header, then the size and the checksum of the whole file in one streaming
   * pass, so that nothing of a damaged file is parsed.
   */
  private static Header header(Source src) {
    String source = src.name();
    long size = src.size();
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    src.readFully(0, b);
    b.flip();
    int got = b.remaining();
    if (got < 12) {
      throw new CorruptFileException(
          CorruptFileException.Reason.TRUNCATED,
          source,
          got,
          "truncated header: " + got + " bytes, a header needs " + HEADER);
    }
    byte[] magic = new byte[4];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new CorruptFileException(
          CorruptFileException.Reason.NOT_AN_FHEC_FILE, source, 0, "not an fhec file (bad magic)");
    }
    int version = b.getInt();
    if (version != FORMAT_VERSION) {
      throw new CorruptFileException(
          CorruptFileException.Reason.UNSUPPORTED_VERSION,
          source,
          4,
          "format version "
              + version
              + ", this fhec reads version "
              + FORMAT_VERSION
              + "; regenerate the keys with 'fhec keygen' and encrypt again");
    }
    if (got < HEADER) {
      throw new CorruptFileException(
          CorruptFileException.Reason.TRUNCATED,
          source,
          got,
          "truncated header: " + got + " bytes, a header needs " + HEADER);
    }
    int code = b.getInt();
    long fingerprint = b.getLong();
    byte[] id = new byte[KeySetIdentity.ID_LENGTH];
    b.get(id);
    byte[] digest = new byte[CircuitDigest.LENGTH];
    b.get(digest);
    long length = b.getLong();
    long room = size - HEADER - TRAILER;
    if (length != room) {
      boolean truncated = length > room;
      throw new CorruptFileException(
          truncated ? CorruptFileException.Reason.TRUNCATED : CorruptFileException.Reason.MALFORMED,
          source,
          size,
          (truncated ? "truncated: " : "wrong size: ")
              + "header announces "
              + (length < 0 || length > Long.MAX_VALUE / 2
                  ? "a payload of " + length + " bytes"
                  : (HEADER + length + TRAILER) + " bytes")
              + ", file has "
              + size);
    }
    if (src.checksum(HEADER + length) != src.trailer(HEADER + length)) {
      throw new CorruptFileException(
          CorruptFileException.Reason.CHECKSUM_MISMATCH,
          source,
          -1,
          "checksum mismatch: the file is damaged");
    }
    return new Header(
        FileKind.ofCode(code), code, fingerprint, new KeySetIdentity(id, digest), length);
  }

  private interface Parser<T> {
    T parse(In in);
  }

  /**
   * Checks a file and parses its payload with {@code parser}; {@code kind} null accepts a
   * ciphertext file of either role.
   */
  private static <T> T read(Source source, FileKind kind, Expect expect, Parser<T> parser) {
    try (Source src = source) {
      In in = open(src, kind, expect);
      return in.parse(() -> parser.parse(in));
    }
  }

  private static In open(Source src, FileKind kind, Expect expect) {
    String source = src.name();
    Header h = header(src);
    Set<FileKind> accepted =
        kind == null
            ? EnumSet.of(FileKind.INPUT_CIPHERTEXTS, FileKind.OUTPUT_CIPHERTEXTS)
            : EnumSet.of(kind);
    if (h.kind() == null || !accepted.contains(h.kind())) {
      throw new CorruptFileException(
          CorruptFileException.Reason.WRONG_KIND,
          source,
          8,
          "expected "
              + (kind == null ? "ciphertexts" : kind.description())
              + ", the file holds "
              + (h.kind() == null ? "an unknown kind " + h.code() : h.kind().description()));
    }
    Circuit circuit = expect.circuit();
    if (circuit != null && fingerprint(circuit.plan()) != h.fingerprint()) {
      throw new CorruptFileException(
          CorruptFileException.Reason.PARAMETER_MISMATCH,
          source,
          12,
          String.format(
              "made for parameters with fingerprint %016x, expected %s (%016x)",
              h.fingerprint(), circuit.plan().describe(), fingerprint(circuit.plan())));
    }
    if (circuit != null && !h.identity().isFor(circuit)) {
      throw new CorruptFileException(
          CorruptFileException.Reason.CIRCUIT_MISMATCH,
          source,
          -1,
          "belongs to "
              + h.identity()
              + ", not to circuit "
              + circuit.name()
              + " ("
              + KeySetIdentity.shortDigest(circuit.digest())
              + "); use the keys generated for this bundle");
    }
    if (expect.keySet() != null && !expect.keySet().sameKeySet(h.identity())) {
      throw new CorruptFileException(
          CorruptFileException.Reason.KEY_SET_MISMATCH,
          source,
          -1,
          "belongs to "
              + h.identity()
              + ", not to "
              + expect.keySet()
              + "; encrypt and decrypt with the keys of one 'fhec keygen'");
    }
    In in = new In(src.channel(HEADER), source, HEADER, HEADER + h.length());
    in.kind = h.kind();
    in.identity = h.identity();
    in.plan = in.parse(in::plan);
    if (fingerprint(in.plan) != h.fingerprint()) {
      throw new CorruptFileException(
          CorruptFileException.Reason.MALFORMED,
          source,
          12,
          String.format(
              "header fingerprint %016x does not match the stored parameters %s (%016x)",
              h.fingerprint(), in.plan.describe(), fingerprint(in.plan)));
    }
    if (circuit != null && !in.plan.equals(circuit.plan())) {
      throw new CorruptFileException(
          CorruptFileException.Reason.PARAMETER_MISMATCH,
          source,
          -1,
          "made for " + in.plan.describe() + ", expected " + circuit.plan().describe());
    }
    in.plan.requireUsable();
    return in;
  }

  /** A file or byte array to read, channels positioned anywhere in it. */
  private abstract static class Source implements AutoCloseable {
    abstract String name();

    abstract long size();

    /** A channel reading from {@code position} to the end (valid until the next call). */
    abstract ReadableByteChannel channel(long position);

    @Override
    public void close() {}

    static Source of(Path file) {
      FileChannel ch;
      try {
        ch = FileChannel.open(file, StandardOpenOption.READ);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      return new Source() {
        @Override
        String name() {
          return file.toString();
        }

        @Override
        long size() {
          try {
            return ch.size();
          } catch (IOException e) {
            throw unreadable(e);
          }
        }

        @Override
        ReadableByteChannel channel(long position) {
          try {
            return ch.position(position);
          } catch (IOException e) {
            throw unreadable(e);
          }
        }

        @Override
        public void close() {
          try {
            ch.close();
          } catch (IOException e) {
            throw unreadable(e);
          }
        }
      };
    }

    static Source of(byte[] bytes, String name) {
      return new Source() {
        @Override
        String name() {
          return name;
        }

        @Override
        long size() {
          return bytes.length;
        }

        @Override
        ReadableByteChannel channel(long position) {
          int from = (int) Math.min(position, bytes.length);
          return Channels.newChannel(new ByteArrayInputStream(bytes, from, bytes.length - from));
        }
      };
    }

    UncheckedIOException unreadable(IOException e) {
      return new UncheckedIOException("cannot read " + name() + ": " + e.getMessage(), e);
    }

    /** Fills {@code into} from {@code position} as far as the source goes. */
    void readFully(long position, ByteBuffer into) {
      ReadableByteChannel ch = channel(position);
      try {
        while (into.hasRemaining() && ch.read(into) >= 0) {
          // keep reading
        }
      } catch (IOException e) {
        throw unreadable(e);
      }
    }

    /** CRC32C of the first {@code length} bytes, streamed. */
    int checksum(long length) {
      ReadableByteChannel ch = channel(0);
      ByteBuffer buf = ByteBuffer.allocate(bufferBytes);
      CRC32C crc = new CRC32C();
      long left = length;
      try {
        while (left > 0) {
          buf.clear().limit((int) Math.min(buf.capacity(), left));
          int r = ch.read(buf);
          if (r < 0) {
            throw new CorruptFileException(
                CorruptFileException.Reason.TRUNCATED,
                name(),
                length - left,
                "the file ends early");
          }
          buf.flip();
          crc.update(buf);
          left -= r;
        }
      } catch (IOException e) {
        throw unreadable(e);
      }
      return (int) crc.getValue();
    }

    /** The stored checksum after {@code length} bytes. */
    int trailer(long length) {
      ByteBuffer b = ByteBuffer.allocate(TRAILER);
      readFully(length, b);
      if (b.hasRemaining()) {
        throw new CorruptFileException(
            CorruptFileException.Reason.TRUNCATED, name(), length, "no checksum at the end");
      }
      return b.flip().getInt();
    }
  }

  /**
   * A big-endian writer through a bounded buffer into a channel, with a running CRC32C; with no
   * channel it only counts (to measure a payload before its header is written).
   */
  private static final class Out {
    private final WritableByteChannel ch;
    private final ByteBuffer buf;
    private final CRC32C crc = new CRC32C();
    long count;

    Out(WritableByteChannel ch) {
      this.ch = ch;
      this.buf = ch == null ? null : ByteBuffer.allocate(bufferBytes);
    }

    private ByteBuffer room(int n) {
      if (buf.remaining() < n) {
        drain();
      }
      return buf;
    }

    private void drain() {
      buf.flip();
      crc.update(buf.duplicate());
      try {
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      buf.clear();
    }

    /** Writes what is buffered; the CRC32C of everything written. */
    int finish() {
      drain();
      return (int) crc.getValue();
    }

    void b(int v) {
      count += 1;
      if (ch != null) {
        room(1).put((byte) v);
      }
    }

    void i(int v) {
      count += 4;
      if (ch != null) {
        room(4).putInt(v);
      }
    }

    void l(long v) {
      count += 8;
      if (ch != null) {
        room(8).putLong(v);
      }
    }

    void d(double v) {
      count += 8;
      if (ch != null) {
        room(8).putDouble(v);
      }
    }

    void bytes(byte[] v) {
      count += v.length;
      if (ch != null) {
        for (int off = 0; off < v.length; ) {
          int m = Math.min(v.length - off, room(1).remaining());
          buf.put(v, off, m);
          off += m;
        }
      }
    }

    void utf(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i(b.length);
      bytes(b);
    }

    void longs(long[] v, int off, int len) {
      count += 8L * len;
      while (ch != null && len > 0) {
        int m = Math.min(len, room(8).remaining() / 8);
        buf.asLongBuffer().put(v, off, m);
        buf.position(buf.position() + m * 8);
        off += m;
        len -= m;
      }
    }

    void bits(long[] bits) {
      count += bits.length;
      if (ch != null) {
        for (long bit : bits) {
          room(1).put((byte) bit);
        }
      }
    }

    /**
     * {@code bytes} written by {@code producer}; when only counting, the producer is not run (it
     * may generate keys), so its size must be known.
     */
    void block(long bytes, Consumer<Out> producer) {
      if (ch == null) {
        count += bytes;
        return;
      }
      long start = count;
      producer.accept(this);
      if (count - start != bytes) {
        throw new IllegalStateException("wrote " + (count - start) + " bytes, announced " + bytes);
      }
    }

    KeyGenerator.SeededKeySink seededSink() {
      return new KeyGenerator.SeededKeySink() {
        @Override
        public void maskSeed(Seed seed) {
          bytes(seed.bytes());
        }

        @Override
        public void bodies(long[] source, int offset, int length) {
          longs(source, offset, length);
        }
      };
    }
  }

  /**
   * A big-endian reader of a payload through a bounded buffer that turns every malformation into a
   * {@link CorruptFileException} naming the file offset.
   */
  private static final class In {
    private final ReadableByteChannel ch;
    private final ByteBuffer buf;
    private final String source;
    private final long end;
    private long offset;
    FileKind kind;
    ParameterPlan plan;
    KeySetIdentity identity;

    In(ReadableByteChannel ch, String source, long start, long end) {
      this.ch = ch;
      this.buf = ByteBuffer.allocate(bufferBytes).limit(0);
      this.source = source;
      this.offset = start;
      this.end = end;
    }

    interface Body<T> {
      T read();
    }

    <T> T parse(Body<T> body) {
      try {
        return body.read();
      } catch (CorruptFileException | UncheckedIOException e) {
        throw e;
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw malformed(e.getMessage());
      }
    }

    long offset() {
      return offset;
    }

    long remaining() {
      return end - offset;
    }

    /** At least {@code n} bytes of the payload buffered. */
    private ByteBuffer take(int n) {
      if (remaining() < n) {
        throw truncated("unexpected end of payload");
      }
      if (buf.remaining() < n) {
        buf.compact();
        try {
          while (buf.position() < n) {
            if (ch.read(buf) < 0) {
              buf.flip();
              throw truncated("the file ends early");
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
        buf.flip();
      }
      offset += n;
      return buf;
    }

    CorruptFileException truncated(String what) {
      return new CorruptFileException(
          CorruptFileException.Reason.TRUNCATED, source, offset(), what);
    }

    CorruptFileException malformed(String what) {
      return new CorruptFileException(
          CorruptFileException.Reason.MALFORMED, source, offset(), "malformed: " + what);
    }

    int b() {
      return take(1).get() & 0xff;
    }

    int i() {
      return take(4).getInt();
    }

    long l() {
      return take(8).getLong();
    }

    double d() {
      return take(8).getDouble();
    }

    int count(String what) {
      int v = i();
      if (v < 0 || v > remaining() + 1_000_000) {
        throw malformed(what + " " + v);
      }
      return v;
    }

    byte[] bytes(int n) {
      byte[] b = new byte[n];
      for (int off = 0; off < n; ) {
        int m = Math.min(n - off, Math.max(1, buf.remaining()));
        take(m).get(b, off, m);
        off += m;
      }
      return b;
    }

    void longs(long[] dst, int off, int len) {
      if (remaining() < 8L * len) {
        throw truncated("needs " + 8L * len + " more bytes, " + remaining() + " left");
      }
      while (len > 0) {
        int m = Math.max(1, Math.min(len, buf.remaining() / 8));
        take(8 * m).asLongBuffer().get(dst, off, m);
        buf.position(buf.position() + 8 * m);
        off += m;
        len -= m;
      }
    }

    long[] bits(int n) {
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        int v = b();
        if (v > 1) {
          throw malformed("secret key byte " + v + " is not a bit");
        }
        out[i] = v;
      }
      return out;
    }

    void end() {
      if (remaining() > 0) {
        throw malformed(remaining() + " unexpected trailing bytes");
      }
    }

    ParameterPlan plan() {
      int count = count("partition count");
      List<ParameterSet> parts = new ArrayList<>();
      for (int p = 0; p < count; p++) {
        parts.add(parameters());
      }
      int switches = count("keyswitch count");
      List<KeyswitchSpec> specs = new ArrayList<>();
      KeyswitchSpec.Kind[] kinds = KeyswitchSpec.Kind.values();
      for (int k = 0; k < switches; k++) {
        int from = i();
        int to = i();
        int code = i();
        int kind = code & ~CircuitDigest.BITS32_FLAG;
        if (kind < 0 || kind >= kinds.length) {
          throw malformed("keyswitch kind " + code);
        }
        specs.add(
            new KeyswitchSpec(
                from,
                to,
                kinds[kind],
                new Decomposition(i(), i()),
                (code & CircuitDigest.BITS32_FLAG) != 0));
      }
      return new ParameterPlan(parts, specs);
    }

    ParameterSet parameters() {
      int len = count("name length");
      String name = new String(bytes(len), StandardCharsets.UTF_8);
      int n = i();
      int k = i();
      int bigN = i();
      Decomposition pbs = new Decomposition(i(), i());
      Decomposition ks = new Decomposition(i(), i());
      double lwe = d();
      double glwe = d();
      return new ParameterSet(
          name,
          new LweDimension(n),
          new GlweDimension(k),
          new PolynomialSize(bigN),
          pbs,
          ks,
          lwe,
          glwe);
    }
  }
}
