package dev.fhec.pipeline;

import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;

/** Insecure parameters for tests that only simulate: the exact simulator ignores them. */
final class Toy {
  private Toy() {}

  static final ParameterSet PARAMS =
      new ParameterSet(
          "TOY_PIPELINE",
          new LweDimension(16),
          new GlweDimension(1),
          new PolynomialSize(256),
          new Decomposition(8, 2),
          new Decomposition(4, 3),
          1e-5,
          1e-9);
}
