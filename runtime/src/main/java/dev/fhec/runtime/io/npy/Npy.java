package dev.fhec.runtime.io.npy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes numpy's {@code .npy} format, versions 1.0, 2.0 and 3.0: the magic {@code
 * \x93NUMPY}, a version, a little-endian header length (2 bytes in 1.0, 4 in 2.0/3.0), then a
 * Python dict literal {@code {'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }} padded so
 * the data starts at a multiple of 64, then the elements in C order.
 *
 * <p>Formal definition: numpy's "NEP 1 — A simple file format for NumPy arrays"
 * (numpy.org/neps/nep-0001-npy-format.html). Little-endian arrays of the dtypes in {@link NpyDtype}
 * are read, in C order or in Fortran order (numpy writes transposed views so; they are reordered to
 * C order on reading); everything else (big endian, objects, structured dtypes) fails with a {@link
 * NpyFormatException} that says what was found. Writing is always C order.
 */
public final class Npy {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;

  private Npy() {}

  /**
   * The most elements one array may have (system property {@code fhec.npy.maxElements}, default
   * 2^26 = 67,108,864: 512 MiB decoded). A header announcing more is refused before any data is
   * read or allocated, so a damaged or hostile file ends in an error instead of an out-of-memory.
   */
  public static long maxElements() {
    return Long.getLong("fhec.npy.maxElements", 1L << 26);
  }

  /** The most bytes one {@code .npy} image may have: the element limit at 8 bytes, plus header. */
  public static long maxBytes() {
    return maxElements() * 8 + (1 << 20);
  }

  public static NpyArray read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > maxBytes()) {
      throw new NpyFormatException(
          file
              + ": "
              + size
              + " bytes is larger than the "
              + maxBytes()
              + "-byte limit of a .npy array ("
              + maxElements()
              + " elements; raise it with -Dfhec.npy.maxElements=N)");
    }
    return read(Files.readAllBytes(file), file.toString());
  }

  /**
   * Decodes one {@code .npy} image.
   *
   * @param name names the data in error messages (a file, or {@code archive.npz:W.npy})
   */
  public static NpyArray read(byte[] bytes, String name) throws NpyFormatException {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10) {
      throw new NpyFormatException(
          name + ": " + bytes.length + " bytes is too short for a .npy file");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new NpyFormatException(name + ": not a .npy file (bad magic at byte " + i + ")");
      }
    }
    int major = bytes[6] & 0xff;
    int minor = bytes[7] & 0xff;
    long headerLen;
    int headerStart;
    switch (major) {
      case 1 -> {
        headerLen = buf.getShort(8) & 0xffff;
        headerStart = 10;
      }
      case 2, 3 -> {
        if (bytes.length < 12) {
          throw new NpyFormatException(name + ": truncated header length (version " + major + ")");
        }
        headerLen = buf.getInt(8) & 0xffffffffL;
        headerStart = 12;
      }
      default ->
          throw new NpyFormatException(
              name
                  + ": unsupported .npy version "
                  + major
                  + "."
                  + minor
                  + " (1.0, 2.0, 3.0 are read)");
    }
    if (headerStart + headerLen > bytes.length) {
      throw new NpyFormatException(
          name + ": header says " + headerLen + " bytes but the file ends at byte " + bytes.length);
    }
    String header =
        new String(
            bytes,
            headerStart,
            (int) headerLen,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Map<String, Object> dict = new HeaderParser(header, name).dict();
    Object descr = dict.get("descr");
    Object fortran = dict.get("fortran_order");
    Object shapeObj = dict.get("shape");
    if (!(descr instanceof String d)
        || !(fortran instanceof Boolean f)
        || !(shapeObj instanceof List<?> s)) {
      throw new NpyFormatException(
          name
              + ": header must have 'descr' (a string), 'fortran_order' (a bool) and 'shape' (a tuple), got "
              + header.strip());
    }
    NpyDtype dtype =
        NpyDtype.of(d)
            .orElseThrow(
                () ->
                    new NpyFormatException(
                        name
                            + ": unsupported dtype '"
                            + d
                            + "'; supported: "
                            + NpyDtype.supported()));
    int[] shape = new int[s.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      long dim = (Long) s.get(i);
      if (dim < 0 || dim > Integer.MAX_VALUE) {
        throw new NpyFormatException(name + ": bad dimension " + dim + " in shape " + s);
      }
      shape[i] = (int) dim;
      count = dim == 0 ? 0 : Math.multiplyHigh(count, dim) != 0 ? Long.MAX_VALUE : count * dim;
      if (count > Integer.MAX_VALUE || count > maxElements()) {
        break; // reported below, before anything is allocated
      }
    }
    if (count > Integer.MAX_VALUE || count > maxElements()) {
      throw new NpyFormatException(
          name
              + ": shape "
              + s
              + " has more elements than the limit of "
              + maxElements()
              + " (raise it with -Dfhec.npy.maxElements=N)");
    }
    long dataStart = headerStart + headerLen;
    long need = count * dtype.bytes();
    if (bytes.length - dataStart != need) {
      throw new NpyFormatException(
          name
              + ": shape "
              + s
              + " of "
              + d
              + " needs "
              + need
              + " data bytes, found "
              + (bytes.length - dataStart));
    }
    buf.position((int) dataStart);
    int n = (int) count;
    if (dtype.isFloat()) {
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = dtype == NpyDtype.F4 ? buf.getFloat() : buf.getDouble();
      }
      return new NpyArray.Floats(shape, f ? fortranToC(out, shape) : out);
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (dtype) {
            case B1, U1 -> buf.get() & 0xffL;
            case I1 -> buf.get();
            case I2 -> buf.getShort();
            case U2 -> buf.getShort() & 0xffffL;
            case I4 -> buf.getInt();
            case U4 -> buf.getInt() & 0xffffffffL;
            case I8 -> buf.getLong();
            case F4, F8 -> throw new AssertionError("floats handled above");
          };
    }
    return new NpyArray.Ints(shape, f ? fortranToC(out, shape) : out);
  }

  /**
   * Reorders elements stored in Fortran order (first index fastest), as numpy saves transposed
   * views, into C order (last index fastest).
   */
  private static double[] fortranToC(double[] in, int[] shape) {
    double[] out = new double[in.length];
    int[] map = fortranToCIndex(shape, in.length);
    for (int p = 0; p < in.length; p++) {
      out[map[p]] = in[p];
    }
    return out;
  }

  private static long[] fortranToC(long[] in, int[] shape) {
    long[] out = new long[in.length];
    int[] map = fortranToCIndex(shape, in.length);
    for (int p = 0; p < in.length; p++) {
      out[map[p]] = in[p];
    }
    return out;
  }

  /** For each position in Fortran order, the C-order position of the same multi-index. */
  private static int[] fortranToCIndex(int[] shape, int n) {
    int rank = shape.length;
    int[] cStride = new int[rank];
    int s = 1;
    for (int k = rank - 1; k >= 0; k--) {
      cStride[k] = s;
      s *= shape[k];
    }
    int[] map = new int[n];
    int[] index = new int[rank];
    int c = 0;
    for (int p = 0; p < n; p++) {
      map[p] = c;
      // Advance the multi-index with the first axis fastest, keeping c in step.
      for (int k = 0; k < rank; k++) {
        index[k]++;
        c += cStride[k];
        if (index[k] < shape[k]) {
          break;
        }
        c -= cStride[k] * shape[k];
        index[k] = 0;
      }
    }
    return map;
  }

  /** Writes {@code a} with its default dtype ({@code <i8} or {@code <f8}). */
  public static void write(NpyArray a, OutputStream out) throws IOException {
    write(a, a.defaultDtype(), out);
  }

  public static void write(NpyArray a, Path file) throws IOException {
    Files.write(file, toBytes(a, a.defaultDtype()));
  }

  /**
   * Writes {@code a} as {@code dtype}.
   *
   * @throws IllegalArgumentException if a value does not fit the dtype (named with its index)
   */
  public static void write(NpyArray a, NpyDtype dtype, OutputStream out) throws IOException {
    out.write(toBytes(a, dtype));
  }

  /** The {@code .npy} image of {@code a} as {@code dtype}. */
  public static byte[] toBytes(NpyArray a, NpyDtype dtype) {
    StringBuilder shape = new StringBuilder("(");
    int[] dims = a.shape();
    for (int i = 0; i < dims.length; i++) {
      shape.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    shape.append(dims.length == 1 ? ",)" : ")");
    String dict =
        "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int major = dict.length() + 11 < 65536 ? 1 : 2;
    int prefix = major == 1 ? 10 : 12;
    int total = ((prefix + dict.length() + 1 + ALIGN - 1) / ALIGN) * ALIGN;
    String header = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
    ByteBuffer buf =
        ByteBuffer.allocate(total + a.size() * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) {
      buf.putShort((short) header.length());
    } else {
      buf.putInt(header.length());
    }
    buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
    switch (a) {
      case NpyArray.Floats f -> {
        for (double v : f.data()) {
          if (dtype == NpyDtype.F8) {
            buf.putDouble(v);
          } else if (dtype == NpyDtype.F4) {
            buf.putFloat((float) v);
          } else {
            throw new IllegalArgumentException("float array cannot be written as " + dtype.descr());
          }
        }
      }
      case NpyArray.Ints in -> {
        long[] data = in.data();
        for (int i = 0; i < data.length; i++) {
          putInt(buf, dtype, data[i], i);
        }
      }
    }
    return buf.array();
  }

  private static void putInt(ByteBuffer buf, NpyDtype dtype, long v, int index) {
    long[] range =
        switch (dtype) {
          case B1 -> new long[] {0, 1};
          case I1 -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
          case U1 -> new long[] {0, 0xff};
          case I2 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
          case U2 -> new long[] {0, 0xffff};
          case I4 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
          case U4 -> new long[] {0, 0xffffffffL};
          case I8, F4, F8 -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        };
    if (v < range[0] || v > range[1]) {
      throw new IllegalArgumentException(
          "element "
              + index
              + " = "
              + v
              + " does not fit "
              + dtype.descr()
              + " ["
              + range[0]
              + ", "
              + range[1]
              + "]");
    }
    switch (dtype) {
      case B1, I1, U1 -> buf.put((byte) v);
      case I2, U2 -> buf.putShort((short) v);
      case I4, U4 -> buf.putInt((int) v);
      case I8 -> buf.putLong(v);
      case F4 -> buf.putFloat(v);
      case F8 -> buf.putDouble(v);
    }
  }

  /** A parser for the Python literal subset numpy headers use: dict, str, bool, tuple of int. */
  private static final class HeaderParser {
    private final String s;
    private final String name;
    private int i;

    HeaderParser(String s, String name) {
      this.s = s;
      this.name = name;
    }

    Map<String, Object> dict() throws NpyFormatException {
      Map<String, Object> out = new LinkedHashMap<>();
      skip();
      expect('{');
      skip();
      while (peek() != '}') {
        Object key = value();
        if (!(key instanceof String k)) {
          throw fail("a string key");
        }
        skip();
        expect(':');
        skip();
        out.put(k, value());
        skip();
        if (peek() == ',') {
          i++;
          skip();
        } else if (peek() != '}') {
          throw fail("',' or '}'");
        }
      }
      i++;
      skip();
      if (i != s.length()) {
        throw fail("end of header");
      }
      return out;
    }

    private Object value() throws NpyFormatException {
      char c = peek();
      if (c == '\'' || c == '"') {
        int end = s.indexOf(c, i + 1);
        if (end < 0) {
          throw fail("a closing quote");
        }
        String v = s.substring(i + 1, end);
        i = end + 1;
        return v;
      }
      if (s.startsWith("True", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      if (c == '(') {
        i++;
        List<Long> dims = new ArrayList<>();
        skip();
        while (peek() != ')') {
          int start = i;
          while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
          }
          // numpy may write "3L" (Python 2 longs).
          if (i == start || i - start > 18) {
            throw fail("a dimension");
          }
          dims.add(Long.parseLong(s.substring(start, i)));
          if (peek() == 'L') {
            i++;
          }
          skip();
          if (peek() == ',') {
            i++;
            skip();
          } else if (peek() != ')') {
            throw fail("',' or ')' in the shape");
          }
        }
        i++;
        return dims;
      }
      throw fail("a string, True/False or a shape tuple");
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private char peek() throws NpyFormatException {
      if (i >= s.length()) {
        throw fail("more header text");
      }
      return s.charAt(i);
    }

    private void expect(char c) throws NpyFormatException {
      if (peek() != c) {
        throw fail("'" + c + "'");
      }
      i++;
    }

    private NpyFormatException fail(String expected) {
      String found = i < s.length() ? "'" + s.charAt(i) + "'" : "end of header";
      return new NpyFormatException(
          name
              + ": malformed header at character "
              + i
              + ": expected "
              + expected
              + ", found "
              + found);
    }
  }
}
