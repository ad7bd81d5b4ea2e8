package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.runtime.circuit.Circuit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A key directory as {@code fhec keygen} writes it, with the circuit copy decrypt relies on. */
record KeyDir(Path dir, Circuit circuit, Bundle.Manifest manifest) {
  static KeyDir read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new UserException(
          "no key directory at " + dir, "create one with 'fhec keygen BUNDLE -o " + dir + "'");
    }
    Path c = dir.resolve(Io.KEY_CIRCUIT);
    Path m = dir.resolve(Io.KEY_MANIFEST);
    Io.requireFile(c, "circuit copy", "regenerate the keys with 'fhec keygen', or pass --bundle");
    Io.requireFile(m, "manifest copy", "regenerate the keys with 'fhec keygen', or pass --bundle");
    try {
      int version = Io.JSON.readTree(c.toFile()).path("formatVersion").asInt(-1);
      if (version != Circuit.FORMAT_VERSION) {
        throw new UserException(
            dir + " was written by another fhec (circuit format " + version + ")",
            "recompile the model and regenerate the keys with 'fhec keygen'");
      }
      return new KeyDir(
          dir,
          Io.JSON.readValue(c.toFile(), Circuit.class),
          Io.JSON.readValue(m.toFile(), Bundle.Manifest.class));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserException(
          dir + ": damaged key directory: " + e.getOriginalMessage(),
          "regenerate the keys with 'fhec keygen'");
    }
  }

  Path clientKey() {
    return clientKeyIn(dir);
  }

  /** The client key of a key directory, which need not hold the circuit copy. */
  static Path clientKeyIn(Path dir) {
    Path p = dir.resolve(Io.CLIENT_KEY);
    Io.requireFile(p, "client key", "generate keys with 'fhec keygen BUNDLE -o " + dir + "'");
    return p;
  }
}
