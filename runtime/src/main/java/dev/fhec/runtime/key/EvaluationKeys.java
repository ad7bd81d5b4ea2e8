package dev.fhec.runtime.key;

import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.random.Seed;
import java.util.Optional;

/**
 * What the server needs and nothing secret: the bootstrapping key (coefficient form for files,
 * Fourier form for computing) and the keyswitching key. When the masks were generated from public
 * seeds, the seeds are kept so that files can store only the bodies (seeded compression).
 */
public final class EvaluationKeys {
  private final ParameterSet parameters;
  private final long[] standardBootstrapKey;
  private final FourierBootstrapKey bootstrapKey;
  private final KeyswitchKey keyswitchKey;
  private final Seed bootstrapMaskSeed;
  private final Seed keyswitchMaskSeed;

  /**
   * @param standardBootstrapKey the GGSWs in coefficient form (layout of {@link
   *     FourierBootstrapKey}, one long per double)
   * @param bootstrapMaskSeed seed of the BSK masks, or null when they are not seeded
   * @param keyswitchMaskSeed seed of the KSK masks, or null when they are not seeded
   */
  public EvaluationKeys(
      ParameterSet parameters,
      long[] standardBootstrapKey,
      FourierBootstrapKey bootstrapKey,
      KeyswitchKey keyswitchKey,
      Seed bootstrapMaskSeed,
      Seed keyswitchMaskSeed) {
    if (bootstrapKey.lweDimension() != parameters.n()
        || bootstrapKey.glweDimension() != parameters.k()
        || bootstrapKey.polynomialSize() != parameters.bigN()
        || !bootstrapKey.decomposition().equals(parameters.pbs())
        || standardBootstrapKey.length != bootstrapKey.data().length) {
      throw new IllegalArgumentException("bootstrapping key does not match " + parameters);
    }
    if (keyswitchKey.inputDimension() != parameters.bigLweDimension()
        || keyswitchKey.outputDimension() != parameters.n()
        || !keyswitchKey.decomposition().equals(parameters.ks())) {
      throw new IllegalArgumentException("keyswitching key does not match " + parameters);
    }
    this.parameters = parameters;
    this.standardBootstrapKey = standardBootstrapKey;
    this.bootstrapKey = bootstrapKey;
    this.keyswitchKey = keyswitchKey;
    this.bootstrapMaskSeed = bootstrapMaskSeed;
    this.keyswitchMaskSeed = keyswitchMaskSeed;
  }

  public ParameterSet parameters() {
    return parameters;
  }

  /** Coefficient-form BSK (not copied; read-only by convention). */
  public long[] standardBootstrapKey() {
    return standardBootstrapKey;
  }

  public FourierBootstrapKey bootstrapKey() {
    return bootstrapKey;
  }

  public KeyswitchKey keyswitchKey() {
    return keyswitchKey;
  }

  public Optional<Seed> bootstrapMaskSeed() {
    return Optional.ofNullable(bootstrapMaskSeed);
  }

  public Optional<Seed> keyswitchMaskSeed() {
    return Optional.ofNullable(keyswitchMaskSeed);
  }

  /** Bytes of the Fourier BSK plus the u64 KSK held in memory. */
  public long memoryBytes() {
    return 8L * bootstrapKey.data().length + 8L * keyswitchKey.data().length;
  }

  @Override
  public String toString() {
    return "EvaluationKeys[" + parameters.name() + "]";
  }
}
