package dev.fhec.runtime.io.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Oversized arrays and zip bombs are refused by their size before anything is allocated. */
class NpyLimitsTest {
  @TempDir Path tmp;

  private static byte[] header(String shape, String descr) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int len = dict.length() + 1;
    int pad = (64 - (10 + len) % 64) % 64;
    String h = dict + " ".repeat(pad) + "\n";
    byte[] b = new byte[10 + h.length()];
    System.arraycopy(Npy.MAGIC, 0, b, 0, 6);
    b[6] = 1;
    b[8] = (byte) h.length();
    b[9] = (byte) (h.length() >> 8);
    System.arraycopy(h.getBytes(StandardCharsets.ISO_8859_1), 0, b, 10, h.length());
    return b;
  }

  @Test
  void aBillionElementFileIsRefusedByItsSize() throws Exception {
    // a sparse file: 10^9 int8 elements announced and present, taking no disk space
    Path f = tmp.resolve("huge.npy");
    byte[] h = header("(1000000000,)", "|i1");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.write(h);
      raf.setLength(h.length + 1_000_000_000L);
    }
    long t0 = System.nanoTime();
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(f));
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
    assertTrue(e.getMessage().contains("fhec.npy.maxElements"), e.getMessage());
    assertTrue((System.nanoTime() - t0) / 1e9 < 5, "refused without reading the data");
  }

  @Test
  void aHeaderAnnouncingTooManyElementsIsRefusedBeforeAllocation() {
    byte[] h = header("(100000, 100000)", "<i8");
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(h, "h.npy"));
    assertTrue(e.getMessage().contains("more elements than the limit"), e.getMessage());
  }

  @Test
  void aZipBombIsRefusedWhileInflating() throws Exception {
    String old = System.getProperty("fhec.npy.maxElements");
    System.setProperty("fhec.npy.maxElements", "1000");
    try {
      // 4 MB of zeros deflate to a few kB; the limit is 1000 · 8 bytes + 1 MiB of header room
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        zip.putNextEntry(new ZipEntry("x.npy"));
        zip.write(header("(4000000,)", "|i1"));
        zip.write(new byte[4_000_000]);
        zip.closeEntry();
      }
      assertTrue(bytes.size() < 100_000, "a bomb: " + bytes.size() + " bytes");
      NpyFormatException e =
          assertThrows(NpyFormatException.class, () -> Npz.read(bytes.toByteArray(), "b.npz"));
      assertTrue(e.getMessage().contains("inflates past"), e.getMessage());
      // many members, each under the limit, are refused by their total
      ByteArrayOutputStream many = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(many)) {
        for (int i = 0; i < 200; i++) {
          zip.putNextEntry(new ZipEntry("x" + i + ".npy"));
          zip.write(header("(1000,)", "<i8"));
          zip.write(new byte[8000]);
          zip.closeEntry();
        }
      }
      NpyFormatException total =
          assertThrows(NpyFormatException.class, () -> Npz.read(many.toByteArray(), "m.npz"));
      assertTrue(total.getMessage().contains("inflates past"), total.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty("fhec.npy.maxElements");
      } else {
        System.setProperty("fhec.npy.maxElements", old);
      }
    }
  }

  @Test
  void arraysWithinTheLimitStillRead() throws Exception {
    Path f = tmp.resolve("ok.npz");
    Npz.write(Map.of("a", new NpyArray.Ints(new int[] {3}, new long[] {1, 2, 3})), true, f);
    assertEquals(3, Npz.read(f).get("a").size());
    assertEquals(1L << 26, Npy.maxElements());
    assertTrue(Files.size(f) > 0);
  }
}
