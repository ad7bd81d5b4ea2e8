package dev.fhec.runtime.io.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NpyTest {
  /** A .npy image built by hand from the NEP 1 layout, independent of {@link Npy#toBytes}. */
  private static byte[] handMade(int major, String dict, byte[] data) {
    int prefix = major == 1 ? 10 : 12;
    String header = dict;
    while ((prefix + header.length() + 1) % 64 != 0) {
      header += " ";
    }
    header += "\n";
    ByteBuffer b =
        ByteBuffer.allocate(prefix + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) header.length());
    } else {
      b.putInt(header.length());
    }
    b.put(header.getBytes(StandardCharsets.UTF_8)).put(data);
    return b.array();
  }

  private static byte[] le(int bytes, long... values) {
    ByteBuffer b = ByteBuffer.allocate(bytes * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (bytes) {
        case 1 -> b.put((byte) v);
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt((int) v);
        default -> b.putLong(v);
      }
    }
    return b.array();
  }

  @Test
  void readsEveryDtypeAndVersion() throws Exception {
    long[] signed = {-3, 0, 7, -128};
    assertEquals(
        new NpyArray.Ints(new int[] {2, 2}, signed),
        Npy.read(
            handMade(
                1, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", le(1, signed)),
            "t"));
    assertEquals(
        new NpyArray.Ints(new int[] {4}, new long[] {253, 0, 7, 128}),
        Npy.read(
            handMade(
                2,
                "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }",
                le(1, -3, 0, 7, -128)),
            "t"));
    assertEquals(
        new NpyArray.Ints(new int[] {4}, new long[] {65533, 0, 7, 65408}),
        Npy.read(
            handMade(3, "{'descr': '<u2', 'fortran_order': False, 'shape': (4,), }", le(2, signed)),
            "t"));
    assertEquals(
        new NpyArray.Ints(new int[] {4}, new long[] {4294967293L, 0, 7, 4294967168L}),
        Npy.read(
            handMade(
                1,
                "{\"descr\": \"<u4\", \"fortran_order\": False, \"shape\": (4,)}",
                le(4, signed)),
            "t"));
    for (String d : new String[] {"<i2", "<i4", "<i8"}) {
      int bytes = Integer.parseInt(d.substring(2));
      assertEquals(
          new NpyArray.Ints(new int[] {4}, signed),
          Npy.read(
              handMade(
                  1,
                  "{'descr': '" + d + "', 'fortran_order': False, 'shape': (4,), }",
                  le(bytes, signed)),
              d));
    }
    ByteBuffer f =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(-2.25f);
    assertEquals(
        new NpyArray.Floats(new int[] {2}, new double[] {0.5, -2.25}),
        Npy.read(
            handMade(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f.array()),
            "t"));
    ByteBuffer s = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.PI);
    assertEquals(
        new NpyArray.Floats(new int[0], new double[] {Math.PI}),
        Npy.read(
            handMade(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", s.array()),
            "t"));
  }

  @Test
  void writeThenReadIsIdentityAndHeaderIsAligned() throws Exception {
    Random r = new Random(1);
    for (NpyDtype d : NpyDtype.values()) {
      long[] data = new long[6];
      for (int i = 0; i < data.length; i++) {
        data[i] =
            switch (d) {
              case B1 -> r.nextInt(2);
              case U1 -> r.nextInt(256);
              case I1 -> r.nextInt(256) - 128;
              case U2 -> r.nextInt(65536);
              case I2 -> r.nextInt(65536) - 32768;
              case U4 -> r.nextLong() >>> 32;
              case I4 -> r.nextInt();
              case I8 -> r.nextLong();
              case F4, F8 -> r.nextInt(1000) - 500;
            };
      }
      NpyArray a = new NpyArray.Ints(new int[] {2, 3}, data);
      byte[] bytes = Npy.toBytes(a, d);
      int headerLen = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
      assertEquals(0, (10 + headerLen) % 64, d.descr());
      NpyArray back = Npy.read(bytes, d.descr());
      if (d.isFloat()) {
        double[] expected = new double[data.length];
        for (int i = 0; i < data.length; i++) {
          expected[i] = data[i];
        }
        assertArrayEquals(expected, ((NpyArray.Floats) back).data(), d.descr());
      } else {
        assertEquals(a, back, d.descr());
      }
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> Npy.toBytes(new NpyArray.Ints(new int[] {1}, new long[] {300}), NpyDtype.I1));
  }

  @Test
  void npzStoredAndDeflated() throws Exception {
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    arrays.put("W", new NpyArray.Ints(new int[] {2, 2}, new long[] {1, -2, 3, -4}));
    arrays.put("b", new NpyArray.Floats(new int[] {3}, new double[] {0.1, 0.2, Double.NaN}));
    for (boolean compressed : new boolean[] {false, true}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Npz.write(arrays, compressed, out);
      assertEquals(arrays, Npz.read(out.toByteArray(), "w.npz"));
    }
  }

  @Test
  void unsupportedFeaturesAreNamed() {
    NpyFormatException fortran =
        assertThrows(
            NpyFormatException.class,
            () ->
                Npy.read(
                    handMade(
                        1, "{'descr': '<i8', 'fortran_order': True, 'shape': (1,), }", le(8, 1)),
                    "f.npy"));
    assertTrue(fortran.getMessage().contains("Fortran"));
    NpyFormatException big =
        assertThrows(
            NpyFormatException.class,
            () ->
                Npy.read(
                    handMade(
                        1, "{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }", le(8, 1)),
                    "f.npy"));
    assertTrue(
        big.getMessage().contains("'>i8'") && big.getMessage().contains("<i8"), big.getMessage());
    NpyFormatException u8 =
        assertThrows(
            NpyFormatException.class,
            () ->
                Npy.read(
                    handMade(
                        1, "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", le(8, 1)),
                    "f.npy"));
    assertTrue(u8.getMessage().contains("unsupported dtype"));
    NpyFormatException size =
        assertThrows(
            NpyFormatException.class,
            () ->
                Npy.read(
                    handMade(
                        1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", le(8, 1)),
                    "f.npy"));
    assertTrue(
        size.getMessage().contains("24") && size.getMessage().contains("8"), size.getMessage());
  }

  /**
   * Truncations, byte flips and header garbage: always a NpyFormatException, never anything else.
   */
  @Test
  void damagedInputsFailCleanly() throws Exception {
    Random r = new Random(42);
    byte[] good = Npy.toBytes(new NpyArray.Ints(new int[] {3, 4}, new long[12]), NpyDtype.I4);
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    Npz.write(Map.of("a", new NpyArray.Ints(new int[] {3, 4}, new long[12])), true, zipped);
    byte[] goodZip = zipped.toByteArray();
    int failures = 0;
    for (int iter = 0; iter < 3000; iter++) {
      boolean zip = iter % 3 == 0;
      byte[] b = (zip ? goodZip : good).clone();
      switch (r.nextInt(3)) {
        case 0 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
        case 1 -> {
          for (int k = 0; k <= r.nextInt(4); k++) {
            b[r.nextInt(Math.min(b.length, zip ? b.length : 80))] = (byte) r.nextInt(256);
          }
        }
        default -> {
          int at = 10 + r.nextInt(60);
          String junk = "{}(),:' TrueFalse<>i8L9-".charAt(r.nextInt(24)) + "";
          b[at] = junk.getBytes(StandardCharsets.ISO_8859_1)[0];
        }
      }
      try {
        if (zip) {
          Npz.read(b, "fuzz.npz");
        } else {
          Npy.read(b, "fuzz.npy");
        }
      } catch (NpyFormatException e) {
        failures++;
        assertTrue(e.getMessage().startsWith("fuzz.np"), e.getMessage());
      }
    }
    assertTrue(failures > 1000, "mutations should mostly be detected, got " + failures);
  }
}
