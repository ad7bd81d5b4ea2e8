package dev.fhec.runtime.io;

import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.GlweSecretKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

/**
 * Binary files for client keys, evaluation keys and ciphertext tensors.
 *
 * <p>Layout (big-endian): magic {@code "FHEC"}, format version (int), kind (int, {@link FileKind}),
 * parameter fingerprint (long, {@link ParameterSet#fingerprint()}), payload length (long), payload,
 * CRC32C of everything before it (int). Every payload starts with the full parameter set. Seeded
 * (compressed) forms store a mask seed and only the bodies: evaluation keys (BSK and KSK masks) and
 * fresh ciphertexts (element e's mask is stream e of the seed). The Fourier-domain BSK is never
 * stored (its layout belongs to the FFT implementation); it is recomputed on load.
 *
 * <p>Every failure to read a file is a {@link CorruptFileException} with a one-line message.
 */
public final class FhecFiles {
  public static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = {'F', 'H', 'E', 'C'};
  private static final int HEADER = 4 + 4 + 4 + 8 + 8;
  private static final int TRAILER = 4;

  private FhecFiles() {}

  // ---- public API ---------------------------------------------------------------------------

  public static void writeClientKey(Path file, ClientKey key) {
    write(file, clientKeyBytes(key));
  }

  public static ClientKey readClientKey(Path file) {
    return clientKeyFromBytes(read(file), file.toString());
  }

  /** {@code compressed}: store mask seeds and bodies only (needs keys generated from seeds). */
  public static void writeEvaluationKeys(Path file, EvaluationKeys keys, boolean compressed) {
    write(file, evaluationKeysBytes(keys, compressed));
  }

  /** {@code expected} may be null; otherwise the file's parameters must have its fingerprint. */
  public static EvaluationKeys readEvaluationKeys(Path file, ParameterSet expected) {
    return evaluationKeysFromBytes(read(file), file.toString(), expected);
  }

  /** {@code compressed}: tensors that remember their mask seed are stored as seed + bodies. */
  public static void writeCiphertexts(
      Path file, ParameterSet parameters, List<EncryptedTensor> tensors, boolean compressed) {
    write(file, ciphertextsBytes(parameters, tensors, compressed));
  }

  public static List<EncryptedTensor> readCiphertexts(Path file, ParameterSet expected) {
    return ciphertextsFromBytes(read(file), file.toString(), expected);
  }

  // ---- byte-level forms (streams, tests) ----------------------------------------------------

  public static byte[] clientKeyBytes(ClientKey key) {
    Out out = new Out();
    writeParameters(out, key.parameters());
    long[] small = key.lweKey().bits();
    long[] big = key.glweKey().bits();
    out.bits(small);
    out.bits(big);
    return frame(FileKind.CLIENT_KEY, key.parameters(), out);
  }

  public static ClientKey clientKeyFromBytes(byte[] bytes, String source) {
    In in = open(bytes, source, FileKind.CLIENT_KEY, null);
    ParameterSet p = in.parameters;
    return in.parse(
        () -> {
          long[] small = in.bits(p.n());
          long[] big = in.bits(p.bigLweDimension());
          in.end();
          return new ClientKey(p, new LweSecretKey(small), new GlweSecretKey(p.k(), p.bigN(), big));
        });
  }

  public static byte[] evaluationKeysBytes(EvaluationKeys keys, boolean compressed) {
    ParameterSet p = keys.parameters();
    if (compressed && (keys.bootstrapMaskSeed().isEmpty() || keys.keyswitchMaskSeed().isEmpty())) {
      throw new IllegalArgumentException(
          "these evaluation keys were not generated from mask seeds; write them uncompressed");
    }
    Out out = new Out();
    writeParameters(out, p);
    out.b(compressed ? 1 : 0);
    long[] bsk = keys.standardBootstrapKey();
    long[] ksk = keys.keyswitchKey().data();
    int n = p.bigN();
    int k = p.k();
    if (compressed) {
      out.bytes(keys.bootstrapMaskSeed().orElseThrow().bytes());
      int rowLength = (k + 1) * n;
      for (int row = 0; row < bsk.length / rowLength; row++) {
        out.longs(bsk, row * rowLength + k * n, n);
      }
      out.bytes(keys.keyswitchMaskSeed().orElseThrow().bytes());
      int kskRow = p.n() + 1;
      for (int row = 0; row < ksk.length / kskRow; row++) {
        out.l(ksk[row * kskRow + p.n()]);
      }
    } else {
      out.longs(bsk, 0, bsk.length);
      out.longs(ksk, 0, ksk.length);
    }
    return frame(FileKind.EVALUATION_KEYS, p, out);
  }

  public static EvaluationKeys evaluationKeysFromBytes(
      byte[] bytes, String source, ParameterSet expected) {
    In in = open(bytes, source, FileKind.EVALUATION_KEYS, expected);
    ParameterSet p = in.parameters;
    return in.parse(
        () -> {
          int flags = in.b();
          int n = p.bigN();
          int k = p.k();
          int bskLength = FourierBootstrapKey.length(p.n(), k, n, p.pbs());
          long[] bsk = new long[bskLength];
          long[] ksk =
              new long[Math.toIntExact((long) p.bigLweDimension() * p.ks().levels() * (p.n() + 1))];
          Seed bskSeed = null;
          Seed kskSeed = null;
          if (flags == 1) {
            bskSeed = new Seed(in.bytes(Seed.LENGTH));
            int rowLength = (k + 1) * n;
            for (int row = 0; row < bskLength / rowLength; row++) {
              in.longs(bsk, row * rowLength + k * n, n);
            }
            kskSeed = new Seed(in.bytes(Seed.LENGTH));
            int kskRow = p.n() + 1;
            for (int row = 0; row < ksk.length / kskRow; row++) {
              ksk[row * kskRow + p.n()] = in.l();
            }
          } else if (flags == 0) {
            in.longs(bsk, 0, bsk.length);
            in.longs(ksk, 0, ksk.length);
          } else {
            throw in.malformed("unknown evaluation-key flags " + flags);
          }
          in.end();
          KeyswitchKey kswitch = new KeyswitchKey(p.bigLweDimension(), p.n(), p.ks(), ksk);
          if (bskSeed != null) {
            KeyGenerator.expandBootstrapMasks(p, bsk, bskSeed);
            KeyGenerator.expandKeyswitchMasks(kswitch, kskSeed);
          }
          return new EvaluationKeys(
              p, bsk, KeyGenerator.toFourier(p, bsk), kswitch, bskSeed, kskSeed);
        });
  }

  public static byte[] ciphertextsBytes(
      ParameterSet p, List<EncryptedTensor> tensors, boolean compressed) {
    Out out = new Out();
    writeParameters(out, p);
    out.i(tensors.size());
    for (EncryptedTensor t : tensors) {
      if (t.lweDimension() != p.bigLweDimension()) {
        throw new IllegalArgumentException(
            "tensor of LWE dimension " + t.lweDimension() + " does not belong to " + p.name());
      }
      int[] shape = t.shape();
      out.i(shape.length);
      for (int d : shape) {
        out.i(d);
      }
      out.i(t.width());
      out.b(t.signed() ? 1 : 0);
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
    return frame(FileKind.CIPHERTEXTS, p, out);
  }

  public static List<EncryptedTensor> ciphertextsFromBytes(
      byte[] bytes, String source, ParameterSet expected) {
    In in = open(bytes, source, FileKind.CIPHERTEXTS, expected);
    ParameterSet p = in.parameters;
    int dim = p.bigLweDimension();
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
            tensors.add(new EncryptedTensor(shape, width, signed, cts, seed));
          }
          in.end();
          return tensors;
        });
  }

  // ---- framing ------------------------------------------------------------------------------

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

  private static byte[] frame(FileKind kind, ParameterSet p, Out payload) {
    int length = payload.size();
    ByteBuffer b = ByteBuffer.allocate(HEADER + length + TRAILER);
    b.put(MAGIC).putInt(FORMAT_VERSION).putInt(kind.code()).putLong(p.fingerprint());
    b.putLong(length);
    b.put(payload.buffer(), 0, length);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, HEADER + length);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static In open(byte[] bytes, String source, FileKind kind, ParameterSet expected) {
    if (bytes.length < HEADER) {
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
          "format version " + version + ", this runtime reads version " + FORMAT_VERSION);
    }
    int code = b.getInt();
    FileKind found = FileKind.ofCode(code);
    if (found != kind) {
      throw new CorruptFileException(
          CorruptFileException.Reason.WRONG_KIND,
          source,
          8,
          "expected "
              + kind.description()
              + ", the file holds "
              + (found == null ? "an unknown kind " + code : found.description()));
    }
    long fingerprint = b.getLong();
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
    if (expected != null && expected.fingerprint() != fingerprint) {
      throw new CorruptFileException(
          CorruptFileException.Reason.PARAMETER_MISMATCH,
          source,
          12,
          String.format(
              "made for parameters with fingerprint %016x, expected %s (%016x)",
              fingerprint, expected.name(), expected.fingerprint()));
    }
    In in = new In(ByteBuffer.wrap(bytes, HEADER, (int) length).slice(), source, HEADER);
    in.parameters = in.parse(in::parameters);
    if (in.parameters.fingerprint() != fingerprint) {
      throw new CorruptFileException(
          CorruptFileException.Reason.MALFORMED,
          source,
          12,
          String.format(
              "header fingerprint %016x does not match the stored parameters %s (%016x)",
              fingerprint, in.parameters.name(), in.parameters.fingerprint()));
    }
    in.parameters.requireUsable();
    return in;
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
    ParameterSet parameters;

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
