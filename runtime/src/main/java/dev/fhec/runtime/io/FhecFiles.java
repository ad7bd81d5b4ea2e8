package dev.fhec.runtime.io;

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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

/**
 * Binary files for client keys, evaluation keys and ciphertext tensors.
 *
 * <p>Layout (big-endian): magic {@code "FHEC"}, format version (int), kind (int, {@link FileKind}),
 * plan fingerprint (long, {@link #fingerprint(ParameterPlan)}), key-set id (16 bytes), circuit
 * digest (32 bytes) — together the {@link KeySetIdentity} the file belongs to — payload length
 * (long), payload, CRC32C of everything before it (int). Every payload starts with the full {@link
 * ParameterPlan}. Client keys hold each partition's small and big key bits; evaluation keys each
 * partition's bootstrapping key, then each keyswitch's key. Seeded (compressed) forms store a mask
 * seed and only the bodies: evaluation keys (BSK and KSK masks) and fresh ciphertexts (element e's
 * mask is stream e of the seed). The Fourier-domain BSK is never stored (its layout belongs to the
 * FFT implementation); it is recomputed on load.
 *
 * <p>Every failure to read a file is a {@link CorruptFileException} with a one-line message; so is
 * a file of another key set or circuit than the caller expects.
 */
public final class FhecFiles {
  /** 2: parameter plans and key-set identities (version 1 held one parameter set). */
  public static final int FORMAT_VERSION = 2;

  private static final byte[] MAGIC = {'F', 'H', 'E', 'C'};
  private static final int IDENTITY = KeySetIdentity.ID_LENGTH + CircuitDigest.LENGTH;
  private static final int HEADER = 4 + 4 + 4 + 8 + IDENTITY + 8;
  private static final int TRAILER = 4;

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

  // ---- public API ---------------------------------------------------------------------------

  /** Writes the client key readable by its owner only where the file system allows. */
  public static void writeClientKey(Path file, ClientKeySet key) {
    writePrivate(file, clientKeyBytes(key));
  }

  public static ClientKeySet readClientKey(Path file, Expect expect) {
    return clientKeyFromBytes(read(file), file.toString(), expect);
  }

  /** {@code compressed}: store mask seeds and bodies only (needs keys generated from seeds). */
  public static void writeEvaluationKeys(Path file, EvaluationKeySet keys, boolean compressed) {
    write(file, evaluationKeysBytes(keys, compressed));
  }

  public static EvaluationKeySet readEvaluationKeys(Path file, Expect expect) {
    return evaluationKeysFromBytes(read(file), file.toString(), expect);
  }

  /** {@code compressed}: tensors that remember their mask seed are stored as seed + bodies. */
  public static void writeCiphertexts(
      Path file,
      KeySetIdentity identity,
      ParameterPlan plan,
      List<EncryptedTensor> tensors,
      boolean compressed) {
    write(file, ciphertextsBytes(identity, plan, tensors, compressed));
  }

  public static List<EncryptedTensor> readCiphertexts(Path file, Expect expect) {
    return ciphertextsFromBytes(read(file), file.toString(), expect);
  }

  /** The identity a file's header names, after checking magic, version and checksum. */
  public static KeySetIdentity identityOf(Path file) {
    byte[] bytes = read(file);
    return header(bytes, file.toString()).identity;
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
      h = h * 31 + k.kind().ordinal();
      h = h * 31 + k.decomposition().baseLog();
      h = h * 31 + k.decomposition().levels();
    }
    return plan.size() == 1 && plan.keyswitches().size() == 1 ? plan.partition(0).fingerprint() : h;
  }

  // ---- byte-level forms (streams, tests) ----------------------------------------------------

  public static byte[] clientKeyBytes(ClientKeySet keys) {
    Out out = new Out();
    writePlan(out, keys.plan());
    for (ClientKey key : keys.keys()) {
      out.bits(key.lweKey().bits());
      out.bits(key.glweKey().bits());
    }
    return frame(FileKind.CLIENT_KEY, keys.identity(), keys.plan(), out);
  }

  public static ClientKeySet clientKeyFromBytes(byte[] bytes, String source, Expect expect) {
    In in = open(bytes, source, FileKind.CLIENT_KEY, expect);
    ParameterPlan plan = in.plan;
    return in.parse(
        () -> {
          List<ClientKey> keys = new ArrayList<>();
          for (ParameterSet p : plan.partitions()) {
            long[] small = in.bits(p.n());
            long[] big = in.bits(p.bigLweDimension());
            keys.add(
                new ClientKey(p, new LweSecretKey(small), new GlweSecretKey(p.k(), p.bigN(), big)));
          }
          in.end();
          return new ClientKeySet(in.identity, plan, keys);
        });
  }

  /** Classic single-partition keys (benchmarks): framed as an unbound key set. */
  public static byte[] evaluationKeysBytes(EvaluationKeys keys, boolean compressed) {
    return evaluationKeysBytes(EvaluationKeySet.of(keys), compressed);
  }

  public static byte[] evaluationKeysBytes(EvaluationKeySet keys, boolean compressed) {
    ParameterPlan plan = keys.plan();
    boolean seeded =
        keys.bootstrapKeys().stream().allMatch(b -> b.seed().isPresent())
            && keys.keyswitchKeys().stream().allMatch(k -> k.seed().isPresent());
    if (compressed && !seeded) {
      throw new IllegalArgumentException(
          "these evaluation keys were not generated from mask seeds; write them uncompressed");
    }
    Out out = new Out();
    writePlan(out, plan);
    out.b(compressed ? 1 : 0);
    for (int part = 0; part < plan.size(); part++) {
      ParameterSet p = plan.partition(part);
      EvaluationKeySet.BootstrapKey b = keys.bootstrapKey(part);
      long[] bsk = b.standard();
      if (compressed) {
        int n = p.bigN();
        int k = p.k();
        out.bytes(b.seed().orElseThrow().bytes());
        int rowLength = (k + 1) * n;
        for (int row = 0; row < bsk.length / rowLength; row++) {
          out.longs(bsk, row * rowLength + k * n, n);
        }
      } else {
        out.longs(bsk, 0, bsk.length);
      }
    }
    for (EvaluationKeySet.SwitchKey s : keys.keyswitchKeys()) {
      long[] ksk = s.key().data();
      if (compressed) {
        out.bytes(s.seed().orElseThrow().bytes());
        int nOut = s.key().outputDimension();
        int kskRow = nOut + 1;
        for (int row = 0; row < ksk.length / kskRow; row++) {
          out.l(ksk[row * kskRow + nOut]);
        }
      } else {
        out.longs(ksk, 0, ksk.length);
      }
    }
    return frame(FileKind.EVALUATION_KEYS, keys.identity(), plan, out);
  }

  public static EvaluationKeySet evaluationKeysFromBytes(
      byte[] bytes, String source, Expect expect) {
    In in = open(bytes, source, FileKind.EVALUATION_KEYS, expect);
    ParameterPlan plan = in.plan;
    return in.parse(
        () -> {
          int flags = in.b();
          if (flags > 1) {
            throw in.malformed("unknown evaluation-key flags " + flags);
          }
          boolean seeded = flags == 1;
          List<long[]> standards = new ArrayList<>();
          List<Seed> bskSeeds = new ArrayList<>();
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
            standards.add(bsk);
            bskSeeds.add(seed);
          }
          List<KeyswitchKey> ksks = new ArrayList<>();
          List<Seed> kskSeeds = new ArrayList<>();
          for (KeyswitchSpec s : plan.keyswitches()) {
            int nIn = EvaluationKeySet.inputDimension(plan, s);
            int nOut = EvaluationKeySet.outputDimension(plan, s);
            long[] ksk =
                new long[Math.toIntExact((long) nIn * s.decomposition().levels() * (nOut + 1))];
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
            kskSeeds.add(seed);
          }
          in.end();
          List<EvaluationKeySet.BootstrapKey> bsks = new ArrayList<>();
          for (int part = 0; part < plan.size(); part++) {
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
            if (seeded) {
              KeyGenerator.expandKeyswitchMasks(ksks.get(i), kskSeeds.get(i));
            }
            switches.add(new EvaluationKeySet.SwitchKey(ksks.get(i), kskSeeds.get(i)));
          }
          return new EvaluationKeySet(in.identity, plan, bsks, switches);
        });
  }

  public static byte[] ciphertextsBytes(
      KeySetIdentity identity,
      ParameterPlan plan,
      List<EncryptedTensor> tensors,
      boolean compressed) {
    Out out = new Out();
    writePlan(out, plan);
    out.i(tensors.size());
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
    return frame(FileKind.CIPHERTEXTS, identity, plan, out);
  }

  public static List<EncryptedTensor> ciphertextsFromBytes(
      byte[] bytes, String source, Expect expect) {
    In in = open(bytes, source, FileKind.CIPHERTEXTS, expect);
    ParameterPlan plan = in.plan;
    return in.parse(
        () -> {
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
        });
  }

  // ---- framing ------------------------------------------------------------------------------

  private static void writePlan(Out out, ParameterPlan plan) {
    out.i(plan.size());
    for (ParameterSet p : plan.partitions()) {
      writeParameters(out, p);
    }
    out.i(plan.keyswitches().size());
    for (KeyswitchSpec k : plan.keyswitches()) {
      out.i(k.from());
      out.i(k.to());
      out.i(k.kind().ordinal());
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

  private static byte[] frame(
      FileKind kind, KeySetIdentity identity, ParameterPlan plan, Out payload) {
    int length = payload.size();
    ByteBuffer b = ByteBuffer.allocate(HEADER + length + TRAILER);
    b.put(MAGIC).putInt(FORMAT_VERSION).putInt(kind.code()).putLong(fingerprint(plan));
    b.put(identity.keySetId()).put(identity.circuitDigest());
    b.putLong(length);
    b.put(payload.buffer(), 0, length);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, HEADER + length);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** A checked header: kind, plan fingerprint, identity, payload length. */
  private record Header(
      FileKind kind, int code, long fingerprint, KeySetIdentity identity, int length) {}

  private static Header header(byte[] bytes, String source) {
    if (bytes.length < 12) {
      throw new CorruptFileException(
          CorruptFileException.Reason.TRUNCATED,
          source,
          bytes.length,
          "truncated header: " + bytes.length + " bytes, a header needs " + HEADER);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
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
    if (bytes.length < HEADER) {
      throw new CorruptFileException(
          CorruptFileException.Reason.TRUNCATED,
          source,
          bytes.length,
          "truncated header: " + bytes.length + " bytes, a header needs " + HEADER);
    }
    int code = b.getInt();
    long fingerprint = b.getLong();
    byte[] id = new byte[KeySetIdentity.ID_LENGTH];
    b.get(id);
    byte[] digest = new byte[CircuitDigest.LENGTH];
    b.get(digest);
    long length = b.getLong();
    long expectedSize = HEADER + length + TRAILER;
    if (length < 0 || expectedSize != bytes.length) {
      throw new CorruptFileException(
          expectedSize > bytes.length
              ? CorruptFileException.Reason.TRUNCATED
              : CorruptFileException.Reason.MALFORMED,
          source,
          bytes.length,
          (expectedSize > bytes.length ? "truncated: " : "wrong size: ")
              + "header announces "
              + expectedSize
              + " bytes, file has "
              + bytes.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, HEADER + (int) length);
    int stored = ByteBuffer.wrap(bytes, HEADER + (int) length, 4).getInt();
    if ((int) crc.getValue() != stored) {
      throw new CorruptFileException(
          CorruptFileException.Reason.CHECKSUM_MISMATCH,
          source,
          -1,
          "checksum mismatch: the file is damaged");
    }
    return new Header(
        FileKind.ofCode(code), code, fingerprint, new KeySetIdentity(id, digest), (int) length);
  }

  private static In open(byte[] bytes, String source, FileKind kind, Expect expect) {
    Header h = header(bytes, source);
    if (h.kind() != kind) {
      throw new CorruptFileException(
          CorruptFileException.Reason.WRONG_KIND,
          source,
          8,
          "expected "
              + kind.description()
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
    In in = new In(ByteBuffer.wrap(bytes, HEADER, h.length()).slice(), source, HEADER);
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

  /** Writes {@code bytes} to a new file readable by its owner only (POSIX 600) where supported. */
  private static void writePrivate(Path file, byte[] bytes) {
    try {
      Files.deleteIfExists(file);
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A growable big-endian buffer. */
  private static final class Out {
    private ByteBuffer buf = ByteBuffer.allocate(1 << 16);

    private void ensure(int more) {
      if (buf.remaining() < more) {
        long want = Math.max((long) buf.capacity() * 2, (long) buf.position() + more);
        if (want > Integer.MAX_VALUE - 64) {
          throw new IllegalArgumentException("file payload over 2 GiB is not supported");
        }
        ByteBuffer n = ByteBuffer.allocate((int) want);
        buf.flip();
        n.put(buf);
        buf = n;
      }
    }

    void b(int v) {
      ensure(1);
      buf.put((byte) v);
    }

    void i(int v) {
      ensure(4);
      buf.putInt(v);
    }

    void l(long v) {
      ensure(8);
      buf.putLong(v);
    }

    void d(double v) {
      ensure(8);
      buf.putDouble(v);
    }

    void bytes(byte[] v) {
      ensure(v.length);
      buf.put(v);
    }

    void utf(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i(b.length);
      bytes(b);
    }

    void longs(long[] v, int off, int len) {
      ensure(Math.multiplyExact(len, 8));
      buf.asLongBuffer().put(v, off, len);
      buf.position(buf.position() + len * 8);
    }

    void bits(long[] bits) {
      ensure(bits.length);
      for (long bit : bits) {
        buf.put((byte) bit);
      }
    }

    int size() {
      return buf.position();
    }

    byte[] buffer() {
      return buf.array();
    }
  }

  /** A reader that turns every malformation into a {@link CorruptFileException}. */
  private static final class In {
    private final ByteBuffer buf;
    private final String source;
    private final int base;
    ParameterPlan plan;
    KeySetIdentity identity;

    In(ByteBuffer buf, String source, int base) {
      this.buf = buf;
      this.source = source;
      this.base = base;
    }

    interface Body<T> {
      T read();
    }

    <T> T parse(Body<T> body) {
      try {
        return body.read();
      } catch (BufferUnderflowException e) {
        throw truncated("unexpected end of payload");
      } catch (CorruptFileException e) {
        throw e;
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw malformed(e.getMessage());
      }
    }

    long offset() {
      return base + buf.position();
    }

    int remaining() {
      return buf.remaining();
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
      return buf.get() & 0xff;
    }

    int i() {
      return buf.getInt();
    }

    long l() {
      return buf.getLong();
    }

    int count(String what) {
      int v = buf.getInt();
      if (v < 0 || v > buf.remaining() + 1_000_000) {
        throw malformed(what + " " + v);
      }
      return v;
    }

    byte[] bytes(int n) {
      byte[] b = new byte[n];
      buf.get(b);
      return b;
    }

    void longs(long[] dst, int off, int len) {
      if (buf.remaining() < (long) len * 8) {
        throw truncated("needs " + (long) len * 8 + " more bytes, " + buf.remaining() + " left");
      }
      buf.asLongBuffer().get(dst, off, len);
      buf.position(buf.position() + len * 8);
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
      if (buf.hasRemaining()) {
        throw malformed(buf.remaining() + " unexpected trailing bytes");
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
        int kind = i();
        if (kind < 0 || kind >= kinds.length) {
          throw malformed("keyswitch kind " + kind);
        }
        specs.add(new KeyswitchSpec(from, to, kinds[kind], new Decomposition(i(), i())));
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
      double lwe = buf.getDouble();
      double glwe = buf.getDouble();
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
