package dev.fhec.compiler.quant;

/**
 * Post-training quantization settings.
 *
 * @param nBits bits of every quantized activation: symmetric, values in [−(2^(n−1)−1), 2^(n−1)−1]
 * @param weightBits bits of clear weights in matmuls (the seed uses nBits)
 * @param perChannelWeights one scale per output column of a matmul's clear weight instead of one
 *     per tensor (the rescale becomes a per-element table)
 */
public record QuantizationOptions(int nBits, int weightBits, boolean perChannelWeights) {
  public QuantizationOptions {
    if (nBits < 2 || nBits > 16) {
      throw new IllegalArgumentException("nBits must be in 2..16, got " + nBits);
    }
    if (weightBits < 2 || weightBits > 16) {
      throw new IllegalArgumentException("weightBits must be in 2..16, got " + weightBits);
    }
  }

  /** The seed's setting: the same n bits for activations and weights, per-tensor scales. */
  public static QuantizationOptions ofBits(int nBits) {
    return new QuantizationOptions(nBits, nBits, false);
  }

  public QuantizationOptions withPerChannelWeights(boolean perChannel) {
    return new QuantizationOptions(nBits, weightBits, perChannel);
  }

  /** 2^(bits−1) − 1, the largest magnitude of a symmetric quantized value. */
  public static long qmax(int bits) {
    return (1L << (bits - 1)) - 1;
  }
}
