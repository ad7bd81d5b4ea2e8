package dev.fhec.runtime.exec;

import dev.fhec.runtime.algorithms.Encoding;
import dev.fhec.runtime.algorithms.LweEncryption;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.ClientKeySet;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.stream.IntStream;

/**
 * Client-side encryption and decryption of integer tensors per the {@link ValueInfo} encoding,
 * under the big key (dimension k·N) with the GLWE noise, as inputs of a KS → PBS circuit must be.
 */
public final class ClientTensors {
  private ClientTensors() {}

  /** Encrypts {@code values} (row-major, range-checked against {@code info}) with fresh seeds. */
  public static EncryptedTensor encrypt(ClientKey key, long[] values, ValueInfo info) {
    return encrypt(key, values, info, Seed.random(), Seed.random());
  }

  /**
   * Encrypts with element e's mask from stream e of {@code maskSeed} (public, stored in seeded
   * files) and its noise from stream e of {@code noiseSeed} (secret, never stored).
   */
  public static EncryptedTensor encrypt(
      ClientKey key, long[] values, ValueInfo info, Seed maskSeed, Seed noiseSeed) {
    if (values.length != info.size()) {
      throw new IllegalArgumentException(
          info + " holds " + info.size() + " values, got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] < info.min() || values[i] > info.max()) {
        throw new IllegalArgumentException(
            "value " + values[i] + " at index " + i + " does not fit " + info);
      }
    }
    LweSecretKey big = key.bigLweKey();
    double std = key.parameters().glweNoiseStd();
    LweCiphertext[] cts = new LweCiphertext[values.length];
    IntStream.range(0, values.length)
        .parallel()
        .forEach(
            i ->
                cts[i] =
                    LweEncryption.encrypt(
                        big,
                        Encoding.encode(values[i], info.width()),
                        std,
                        Csprng.of(maskSeed, i),
                        Csprng.of(noiseSeed, i)));
    return new EncryptedTensor(
        info.shape(), info.width(), info.signed(), info.partition(), cts, maskSeed);
  }

  /** Encrypts under the key of {@code info}'s partition, with fresh seeds. */
  public static EncryptedTensor encrypt(ClientKeySet keys, long[] values, ValueInfo info) {
    return encrypt(keys.key(info.partition()), values, info);
  }

  /** Decrypts with the key of the tensor's partition. */
  public static long[] decrypt(ClientKeySet keys, EncryptedTensor tensor) {
    if (tensor.partition() >= keys.plan().size()) {
      throw new IllegalArgumentException(
          "tensor of partition " + tensor.partition() + " for a key set of " + keys.plan().size());
    }
    return decrypt(keys.key(tensor.partition()), tensor);
  }

  /**
   * Decrypts to integers. Values in the range of the tensor's width and signedness come back as
   * such; a value that overflowed (a compiler bug or a bootstrap failure) comes back as its residue
   * modulo 2^(w+1) in [−2^w, 2^w), exactly as the cleartext simulator reports it.
   */
  public static long[] decrypt(ClientKey key, EncryptedTensor tensor) {
    LweSecretKey big = key.bigLweKey();
    if (tensor.lweDimension() != big.dimension()) {
      throw new IllegalArgumentException(
          "tensor of LWE dimension "
              + tensor.lweDimension()
              + " cannot be decrypted with a key of dimension "
              + big.dimension());
    }
    long[] out = new long[tensor.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = LweEncryption.decrypt(big, tensor.element(i), tensor.width());
    }
    return out;
  }
}
