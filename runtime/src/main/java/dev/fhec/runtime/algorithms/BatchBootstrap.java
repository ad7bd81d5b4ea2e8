package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.entities.LweCiphertext;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * KS → PBS over many ciphertexts on all cores: independent bootstraps run in parallel (common
 * ForkJoinPool), each worker thread with its own {@link ProgrammableBootstrap} (FFT and buffers)
 * sharing the read-only keys.
 */
public final class BatchBootstrap {
  private final ThreadLocal<ProgrammableBootstrap> workers;

  public BatchBootstrap(KeyswitchKey ksk, FourierBootstrapKey bsk) {
    this.workers =
        ThreadLocal.withInitial(
            () -> new ProgrammableBootstrap(ksk, bsk, FftProvider.create(bsk.polynomialSize())));
  }

  /** This thread's worker (for callers that bootstrap one ciphertext at a time). */
  public ProgrammableBootstrap worker() {
    return workers.get();
  }

  /**
   * outs[i] = KS + PBS of {@code in[i]} with table {@code lutOf.apply(i)} (one table each). {@code
   * progress}, if not null, receives the number of bootstraps done so far (from any thread).
   */
  public LweCiphertext[] apply(
      LweCiphertext[] in, IntFunction<LutAccumulator> lutOf, LongConsumer progress) {
    LweCiphertext[] out = new LweCiphertext[in.length];
    AtomicLong done = new AtomicLong();
    IntStream.range(0, in.length)
        .parallel()
        .forEach(
            i -> {
              out[i] = workers.get().apply(in[i], lutOf.apply(i));
              long d = done.incrementAndGet();
              if (progress != null) {
                progress.accept(d);
              }
            });
    return out;
  }
}
