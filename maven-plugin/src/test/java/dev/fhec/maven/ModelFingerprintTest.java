package dev.fhec.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFingerprintTest {
  @TempDir Path tmp;

  @Test
  void changesWithEveryInputAndOnlyThen() throws Exception {
    Path model = tmp.resolve("m.json");
    Files.writeString(model, "{}");
    Path calib = tmp.resolve("m.inputset.npz");
    Files.writeString(calib, "a");
    Path weights = tmp.resolve("w.npz");
    Files.writeString(weights, "w1");
    String base = ModelFingerprint.of(model, Optional.of(calib), "opts", "1");
    assertEquals(base, ModelFingerprint.of(model, Optional.of(calib), "opts", "1"));
    assertEquals(64, base.length());
    assertNotEquals(base, ModelFingerprint.of(model, Optional.empty(), "opts", "1"));
    assertNotEquals(base, ModelFingerprint.of(model, Optional.of(calib), "other", "1"));
    assertNotEquals(base, ModelFingerprint.of(model, Optional.of(calib), "opts", "2"));
    Files.writeString(weights, "w2");
    assertNotEquals(base, ModelFingerprint.of(model, Optional.of(calib), "opts", "1"));
  }

  @Test
  void findsModelsButNotInputsetsOrData() throws Exception {
    Files.createDirectories(tmp.resolve("sub"));
    for (String f :
        List.of("a.json", "a.inputset.npz", "sub/b.fhe", "w.npz", "notes.txt", "c.ir")) {
      Files.writeString(tmp.resolve(f), "x");
    }
    assertEquals(
        List.of(tmp.resolve("a.json"), tmp.resolve("c.ir"), tmp.resolve("sub/b.fhe")),
        CompileMojo.models(tmp));
    assertEquals(
        Optional.of(tmp.resolve("a.inputset.npz")), CompileMojo.inputset(tmp.resolve("a.json")));
    assertEquals("sub/b", CompileMojo.stripExtension("sub/b.fhe"));
  }

  @Test
  void findsTheInputsetBesideAModelAsTheCliDoes() throws Exception {
    Path model = tmp.resolve("model.json");
    Files.writeString(model, "{}");
    assertEquals(Optional.empty(), CompileMojo.inputset(model));
    Files.writeString(tmp.resolve("inputset.npz"), "shared");
    assertEquals(Optional.of(tmp.resolve("inputset.npz")), CompileMojo.inputset(model));
    Files.writeString(tmp.resolve("model.inputset.npz"), "own");
    assertEquals(Optional.of(tmp.resolve("model.inputset.npz")), CompileMojo.inputset(model));
  }
}
