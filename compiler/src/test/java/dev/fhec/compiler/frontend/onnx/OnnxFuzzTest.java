package dev.fhec.compiler.frontend.onnx;

import static dev.fhec.compiler.frontend.onnx.TestModels.attr;
import static dev.fhec.compiler.frontend.onnx.TestModels.floats;
import static dev.fhec.compiler.frontend.onnx.TestModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.Location;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Truncated and garbled models (bounded, seeded): the frontend either imports them or fails with a
 * CompileException located in the model file; never another exception, never a hang.
 */
class OnnxFuzzTest {
  private static final String FILE = "fuzz.onnx";

  /**
   * Garbled models per run: 2000 in the default tiers; the soak profile sets fhec.fuzz.iterations.
   */
  private static final int ITERATIONS = Integer.getInteger("fhec.fuzz.iterations", 2000);

  private static byte[] seedModel() {
    double[] w = new double[12];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i - 6) * 0.125;
    }
    return TestModels.model(
        new int[] {2, 3},
        List.of(
            node("MatMul", "mm", List.of("x", "w"), List.of("h")),
            node("Relu", "relu", List.of("h"), List.of("r")),
            node("Softmax", "sm", List.of("r"), List.of("y"), attr("axis", -1L))),
        List.of(floats("w", new int[] {3, 4}, w)));
  }

  /** Imports {@code bytes}; returns true if it imported, false if it failed as it must. */
  private static boolean importOrLocatedError(byte[] bytes) {
    try {
      OnnxFrontend.importFloat(bytes, FILE);
      return true;
    } catch (CompileException e) {
      Location where = e.first().location();
      assertTrue(where instanceof Location.OnnxNode, "unlocated: " + e.getMessage());
      assertEquals(FILE, ((Location.OnnxNode) where).file());
      return false;
    }
  }

  @Test
  void everyTruncationImportsOrFailsWithALocatedError() {
    byte[] model = seedModel();
    assertTrue(importOrLocatedError(model));
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          int failed = 0;
          for (int len = 0; len < model.length; len++) {
            if (!importOrLocatedError(java.util.Arrays.copyOf(model, len))) {
              failed++;
            }
          }
          assertTrue(failed > model.length / 2, "most truncations must fail: " + failed);
        });
  }

  @Test
  void garbledBytesImportOrFailWithALocatedError() throws Exception {
    byte[] model = seedModel();
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(20261122L);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60L * Math.max(1, ITERATIONS / 2000)),
        () -> {
          for (int iter = 0; iter < ITERATIONS; iter++) {
            byte[] g = model.clone();
            int flips = 1 + random.nextInt(4);
            for (int k = 0; k < flips; k++) {
              g[random.nextInt(g.length)] = (byte) random.nextInt(256);
            }
            importOrLocatedError(g);
          }
        });
  }
}
