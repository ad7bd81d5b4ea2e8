package dev.fhec.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/** Files that appear whole or not at all: written to a temp name, forced, renamed. */
final class Durable {
  static final String TEMP_PREFIX = ".tmp-";

  private Durable() {}

  static Path tempIn(Path dir) {
    return dir.resolve(TEMP_PREFIX + Ids.random(8));
  }

  static void write(Path target, byte[] bytes) throws IOException {
    Path tmp = tempIn(target.getParent());
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      publish(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Forces {@code tmp} and renames it onto {@code target} atomically. */
  static void publish(Path tmp, Path target) throws IOException {
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Removes temp files a killed server left behind. */
  static void sweepTemps(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (p.getFileName().toString().startsWith(TEMP_PREFIX)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
