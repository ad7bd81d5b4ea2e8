package dev.fhec.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The SHA-256 of everything a model's bundle depends on: the model file, its inputset, the numpy
 * files beside it (constants that JSON graphs and programs load), the options and the compiler
 * version. Stored next to the bundle, it lets {@code fhec:compile} skip unchanged models.
 */
final class ModelFingerprint {
  private ModelFingerprint() {}

  static String of(Path model, Optional<Path> inputset, String options, String version)
      throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    update(sha, "model", Files.readAllBytes(model));
    if (inputset.isPresent()) {
      update(sha, "inputset", Files.readAllBytes(inputset.get()));
    }
    Path dir = model.toAbsolutePath().getParent();
    List<Path> data;
    try (Stream<Path> s = Files.list(dir)) {
      data =
          s.filter(p -> p.getFileName().toString().matches(".*\\.(npy|npz)"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    for (Path p : data) {
      update(sha, "data:" + p.getFileName(), Files.readAllBytes(p));
    }
    update(sha, "options", options.getBytes(StandardCharsets.UTF_8));
    update(sha, "version", version.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void update(MessageDigest sha, String label, byte[] bytes) {
    sha.update(label.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(java.nio.ByteBuffer.allocate(8).putLong(bytes.length).array());
    sha.update(bytes);
  }
}
