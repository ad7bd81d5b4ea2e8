package dev.fhec.runtime.io.npy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * numpy's {@code .npz}: a zip archive of {@code <key>.npy} members, stored ({@code np.savez}) or
 * deflated ({@code np.savez_compressed}).
 */
public final class Npz {
  /**
   * Members, and all members together, larger than {@link Npy#maxBytes()} once decompressed are
   * refused while inflating, so a zip bomb cannot exhaust memory.
   */
  static long maxBytes() {
    return Math.min(Npy.maxBytes(), Integer.MAX_VALUE - 16);
  }

  private Npz() {}

  /** Arrays by key (member name without {@code .npy}), in archive order. */
  public static Map<String, NpyArray> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  public static Map<String, NpyArray> read(byte[] bytes, String name) throws IOException {
    return read(new ByteArrayInputStream(bytes), name);
  }

  private static Map<String, NpyArray> read(InputStream raw, String name) throws IOException {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    long total = 0;
    try (ZipInputStream zip = new ZipInputStream(raw)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (e.isDirectory()) {
          continue;
        }
        String member = e.getName();
        String key = member.endsWith(".npy") ? member.substring(0, member.length() - 4) : member;
        long left = maxBytes() - total;
        if (e.getSize() > left) {
          throw tooLarge(name, member, e.getSize());
        }
        byte[] data = zip.readNBytes((int) Math.min(left, Integer.MAX_VALUE - 16));
        if (zip.read() >= 0) {
          throw tooLarge(name, member, -1);
        }
        total += data.length;
        if (out.put(key, Npy.read(data, name + ":" + member)) != null) {
          throw new NpyFormatException(name + ": member " + member + " appears twice");
        }
      }
    } catch (ZipException | IllegalArgumentException e) {
      throw new NpyFormatException(name + ": damaged .npz archive: " + e.getMessage(), e);
    } catch (java.io.EOFException e) {
      throw new NpyFormatException(name + ": truncated .npz archive", e);
    }
    if (out.isEmpty()) {
      throw new NpyFormatException(name + ": not a .npz archive (no .npy members found)");
    }
    return out;
  }

  private static NpyFormatException tooLarge(String name, String member, long size) {
    return new NpyFormatException(
        name
            + ": member "
            + member
            + (size >= 0 ? " (" + size + " bytes)" : "")
            + " inflates past the "
            + maxBytes()
            + "-byte limit of an archive ("
            + Npy.maxElements()
            + " elements; raise it with -Dfhec.npy.maxElements=N)");
  }

  /** Writes {@code arrays} as {@code <key>.npy} members, deflated when {@code compressed}. */
  public static void write(Map<String, NpyArray> arrays, boolean compressed, OutputStream out)
      throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    for (Map.Entry<String, NpyArray> a : arrays.entrySet()) {
      byte[] data = Npy.toBytes(a.getValue(), a.getValue().defaultDtype());
      ZipEntry e = new ZipEntry(a.getKey() + ".npy");
      if (compressed) {
        e.setMethod(ZipEntry.DEFLATED);
      } else {
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        e.setCrc(crc.getValue());
      }
      zip.putNextEntry(e);
      zip.write(data);
      zip.closeEntry();
    }
    zip.finish();
  }

  public static void write(Map<String, NpyArray> arrays, boolean compressed, Path file)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      write(arrays, compressed, out);
    }
  }
}
