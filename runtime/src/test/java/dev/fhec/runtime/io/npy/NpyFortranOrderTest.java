package dev.fhec.runtime.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Fortran-order .npy data (numpy's transposed views) is returned in C order. */
class NpyFortranOrderTest {
  /** A version-1.0 image with the given header dict and little-endian int64 payload. */
  private static byte[] image(String dict, long... values) {
    StringBuilder header = new StringBuilder(dict);
    while ((10 + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length() & 0xff);
    out.write(header.length() >> 8);
    out.writeBytes(header.toString().getBytes(StandardCharsets.ISO_8859_1));
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    out.writeBytes(b.array());
    return out.toByteArray();
  }

  @Test
  void matrixInColumnMajorOrder() throws Exception {
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    byte[] f =
        image("{'descr': '<i8', 'fortran_order': True, 'shape': (2, 3), }", 1, 4, 2, 5, 3, 6);
    NpyArray.Ints a = (NpyArray.Ints) Npy.read(f, "f.npy");
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6}, a.data());
  }

  @Test
  void rank3AgreesWithTheCOrderReadingOfTheTransposedShape() throws Exception {
    // Fortran order of shape (2, 3, 4) = C order of shape (4, 3, 2) transposed (2, 1, 0).
    long[] payload = new long[24];
    for (int i = 0; i < 24; i++) {
      payload[i] = i * 7 - 50;
    }
    NpyArray.Ints f =
        (NpyArray.Ints)
            Npy.read(
                image("{'descr': '<i8', 'fortran_order': True, 'shape': (2, 3, 4), }", payload),
                "f");
    NpyArray.Ints c =
        (NpyArray.Ints)
            Npy.read(
                image("{'descr': '<i8', 'fortran_order': False, 'shape': (4, 3, 2), }", payload),
                "c");
    long[] expected = new long[24];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          expected[(i * 3 + j) * 4 + k] = c.data()[(k * 3 + j) * 2 + i];
        }
      }
    }
    assertArrayEquals(expected, f.data());
  }
}
