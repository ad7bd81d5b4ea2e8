package dev.fhec.runtime.key;

import dev.fhec.runtime.entities.GlweSecretKey;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.params.ParameterSet;

/**
 * The client's secret: the small LWE key (dimension n, used by the keyswitch and blind rotation)
 * and the GLWE key whose flattening is the big LWE key (dimension k·N) under which inputs, outputs
 * and every intermediate ciphertext live. Never sent to the server.
 */
public record ClientKey(ParameterSet parameters, LweSecretKey lweKey, GlweSecretKey glweKey) {
  public ClientKey {
    if (lweKey.dimension() != parameters.n()) {
      throw new IllegalArgumentException(
          "LWE key of dimension " + lweKey.dimension() + " for n = " + parameters.n());
    }
    if (glweKey.glweDimension() != parameters.k()
        || glweKey.polynomialSize() != parameters.bigN()) {
      throw new IllegalArgumentException(
          "GLWE key " + glweKey + " for k = " + parameters.k() + ", N = " + parameters.bigN());
    }
  }

  /** The flattened GLWE key (dimension k·N). */
  public LweSecretKey bigLweKey() {
    return glweKey.asLweKey();
  }

  @Override
  public String toString() {
    return "ClientKey[" + parameters.name() + "]";
  }
}
