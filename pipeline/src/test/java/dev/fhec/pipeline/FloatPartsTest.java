package dev.fhec.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The split float model in ONNX Runtime for Java against the numpy float model (float64). */
class FloatPartsTest {
  @Test
  void splitPipelineReproducesTheWholeFloatModel() throws Exception {
    MinilmArtifacts a = Artifacts.require();
    assertTrue(a.evalIds().length >= 200, "at least 200 sentences: " + a.evalIds().length);
    try (FloatParts parts = new FloatParts(a)) {
      ModelSweep sweep = new ModelSweep(a, parts, a.evalIds().length);
      double min = sweep.minCosineToNumpy();
      System.out.printf("split ONNX Runtime pipeline vs numpy model: min cosine %.8f%n", min);
      assertTrue(min >= 0.99999, "min cosine " + min);
      // normalized embeddings
      float[] e = sweep.floatEmbeddings()[0];
      assertEquals(1.0, Metrics.cosine(e, e), 1e-6);
      double norm = 0;
      for (float v : e) {
        norm += v * v;
      }
      assertEquals(1.0, norm, 1e-5);
    }
  }
}
