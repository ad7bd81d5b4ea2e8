package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.entities.LweCiphertext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * KS → PBS over many ciphertexts on all cores: the inputs are cut into chunks of {@link #batchSize}
 * ciphertexts, chunks run in parallel (common ForkJoinPool), each worker thread with its own {@link
 * ProgrammableBootstrap} (FFT and buffers) sharing the read-only keys, and each chunk is one
 * batched keyswitch and one batched blind rotation (tfhe.md §7.5): every key row read from memory
 * serves the whole chunk. Results are bit-identical to one bootstrap after another. The keyswitch
 * is 64- or 32-bit ({@link Keyswitch32}) as the plan says; the blind rotation reads either.
 */
public final class BatchBootstrap {
  /** System property overriding the batch size (1 = one bootstrap at a time). */
  public static final String BATCH_PROPERTY = "fhec.pbs.batch";

  private static final int MAX_BATCH = 16;
  private static final long DEFAULT_L2_BYTES = 1L << 20;

  private final ThreadLocal<ProgrammableBootstrap> workers;
  private final int batchSize;

  public BatchBootstrap(KeyswitchKey ksk, FourierBootstrapKey bsk) {
    this(ksk, bsk, batchSize(bsk));
  }

  /** With an explicit batch size (≥ 1; 1 bootstraps one ciphertext at a time). */
  public BatchBootstrap(KeyswitchKey ksk, FourierBootstrapKey bsk, int batchSize) {
    this(() -> new Keyswitch(ksk), bsk, batchSize);
  }

  /**
   * With keyswitch workers of either width from {@code keyswitch} (one per thread: {@code () -> new
   * Keyswitch32(roundedKey)} for a 32-bit keyswitch), the batch size of {@link #batchSize}.
   */
  public BatchBootstrap(Supplier<LweKeyswitch> keyswitch, FourierBootstrapKey bsk) {
    this(keyswitch, bsk, batchSize(bsk));
  }

  /** With keyswitch workers from {@code keyswitch} and an explicit batch size (≥ 1). */
  public BatchBootstrap(Supplier<LweKeyswitch> keyswitch, FourierBootstrapKey bsk, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize + " < 1");
    }
    this.workers =
        ThreadLocal.withInitial(
            () ->
                new ProgrammableBootstrap(
                    keyswitch.get(), bsk, FftProvider.create(bsk.polynomialSize())));
    this.batchSize = batchSize;
  }

  /**
   * The batch size for this key: the {@value #BATCH_PROPERTY} property if set, else the most
   * accumulators ((k+1)·N longs each) that fit in this core's L2 cache next to one GGSW of the key,
   * so the GGSW stays cached while the batch goes through it; between 1 and {@value #MAX_BATCH}
   * (beyond that the key traffic per bootstrap is already small against the accumulators').
   */
  public static int batchSize(FourierBootstrapKey bsk) {
    String forced = System.getProperty(BATCH_PROPERTY);
    if (forced != null) {
      return Math.max(1, Integer.parseInt(forced.strip()));
    }
    long ggsw = 8L * bsk.ggswLength();
    long accumulator = 8L * (bsk.glweDimension() + 1) * bsk.polynomialSize();
    long fit = (l2CacheBytes() - ggsw) / accumulator;
    return (int) Math.max(1, Math.min(MAX_BATCH, fit));
  }

  /** This machine's per-core L2 size from Linux sysfs, or 1 MiB where it cannot be read. */
  static long l2CacheBytes() {
    try {
      Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
      for (int index = 0; index < 8; index++) {
        Path d = dir.resolve("index" + index);
        if (!Files.isDirectory(d)) {
          break;
        }
        if (Files.readString(d.resolve("level")).strip().equals("2")) {
          String size = Files.readString(d.resolve("size")).strip();
          long scale = 1;
          if (size.endsWith("K")) {
            scale = 1L << 10;
            size = size.substring(0, size.length() - 1);
          } else if (size.endsWith("M")) {
            scale = 1L << 20;
            size = size.substring(0, size.length() - 1);
          }
          return Long.parseLong(size) * scale;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // Not Linux, or an unexpected format: fall back to a common size.
    }
    return DEFAULT_L2_BYTES;
  }

  /** The batch size this instance uses. */
  public int batchSize() {
    return batchSize;
  }

  /**
   * Elements per batch when {@code elements} are split into batches of at most {@code batchSize}:
   * no larger than needed to give every thread work, counting the pool this runs in (a parallel
   * stream runs in the caller's pool) or the common pool plus the calling thread.
   */
  public static int chunkSize(int elements, int batchSize) {
    int cores =
        ForkJoinTask.inForkJoinPool()
            ? ForkJoinTask.getPool().getParallelism()
            : ForkJoinPool.getCommonPoolParallelism() + 1;
    return Math.max(1, Math.min(batchSize, (elements + cores - 1) / cores));
  }

  /** The work on one batch: elements [from, from + count). */
  @FunctionalInterface
  public interface BatchWork {
    void run(int from, int count);
  }

  /**
   * Runs {@code work} on [0, elements) split into batches of {@link #chunkSize}, the batches in
   * parallel (in the caller's pool).
   */
  public static void forEachBatch(int elements, int batchSize, BatchWork work) {
    int chunk = chunkSize(elements, batchSize);
    IntStream.range(0, (elements + chunk - 1) / chunk)
        .parallel()
        .forEach(c -> work.run(c * chunk, Math.min(chunk, elements - c * chunk)));
  }

  /** This thread's worker (for callers that bootstrap one ciphertext at a time). */
  public ProgrammableBootstrap worker() {
    return workers.get();
  }

  /**
   * outs[i] = KS + PBS of {@code in[i]} with table {@code lutOf.apply(i)} (one table each). {@code
   * progress}, if not null, is called once per bootstrap (from any thread, after its batch) with
   * the number of bootstraps done so far.
   */
  public LweCiphertext[] apply(
      LweCiphertext[] in, IntFunction<LutAccumulator> lutOf, LongConsumer progress) {
    LweCiphertext[] out = new LweCiphertext[in.length];
    AtomicLong done = new AtomicLong();
    forEachBatch(
        in.length,
        batchSize,
        (from, count) -> {
          ProgrammableBootstrap worker = workers.get();
          if (count == 1) {
            out[from] = worker.apply(in[from], lutOf.apply(from));
          } else {
            LweCiphertext[] ins = new LweCiphertext[count];
            LutAccumulator[] luts = new LutAccumulator[count];
            LweCiphertext[][] outs = new LweCiphertext[count][];
            for (int j = 0; j < count; j++) {
              ins[j] = in[from + j];
              luts[j] = lutOf.apply(from + j);
              outs[j] = new LweCiphertext[] {new LweCiphertext(worker.bigDimension())};
              out[from + j] = outs[j][0];
            }
            worker.applyBatch(ins, luts, outs, count);
          }
          // Once per bootstrap, as callers count the calls.
          for (int j = 0; j < count; j++) {
            long d = done.incrementAndGet();
            if (progress != null) {
              progress.accept(d);
            }
          }
        });
    return out;
  }
}
