package dev.fhec.bench;

import dev.fhec.runtime.algorithms.BatchBootstrap;
import dev.fhec.runtime.algorithms.Encoding;
import dev.fhec.runtime.algorithms.LweEncryption;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;

/**
 * Throughput counterpart of the tfhe-rs harness's {@code --mode throughput}: {@code count} KS+PBS
 * of distinct ciphertexts through {@link BatchBootstrap} on a pool of {@code threads} threads
 * (batch size from the cache, or {@code batch} when given; 1 = one bootstrap at a time), wall time
 * per round after one untimed warm-up round, plus the process CPU time. Every output of the first
 * round is decrypted and checked. Prints one JSON line with the median round.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.fhec.bench.ThroughputAnchor SET width count threads
 * rounds [batch]}.
 */
public final class ThroughputAnchor {
  private ThroughputAnchor() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      throw new IllegalArgumentException(
          "usage: ThroughputAnchor SET width count threads rounds [batch]");
    }
    int width = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    PbsFixture f = new PbsFixture(args[0], width);
    BatchBootstrap batch =
        args.length > 5
            ? new BatchBootstrap(
                f.keys.keyswitchKey(), f.keys.bootstrapKey(), Integer.parseInt(args[5]))
            : new BatchBootstrap(f.keys.keyswitchKey(), f.keys.bootstrapKey());
    int p = 1 << width;
    Csprng mask = Csprng.of(Seed.random(), 0);
    Csprng noise = Csprng.of(Seed.random(), 1);
    LweCiphertext[] in = new LweCiphertext[count];
    for (int i = 0; i < count; i++) {
      in[i] =
          LweEncryption.encrypt(
              f.client.bigLweKey(),
              Encoding.encode(i % p, width),
              f.params.glweNoiseStd(),
              mask,
              noise);
    }
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      // Warm-up: JIT of the batched paths on every worker (at least 3 s, as PbsAnchor).
      LweCiphertext[] warm = Arrays.copyOf(in, Math.min(count, Math.max(4 * threads, 32)));
      long warmStart = System.nanoTime();
      do {
        pool.submit(() -> batch.apply(warm, i -> f.lut, null)).get();
      } while (System.nanoTime() - warmStart < PbsAnchor.MIN_WARMUP_NANOS);
      double[] wall = new double[rounds];
      double[] cpu = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        LweCiphertext[] out = pool.submit(() -> batch.apply(in, i -> f.lut, null)).get();
        wall[r] = (System.nanoTime() - t0) / 1e9;
        cpu[r] = (os.getProcessCpuTime() - c0) / 1e9;
        if (r == 0) {
          for (int i = 0; i < count; i++) {
            long x = i % p;
            long got = LweEncryption.decrypt(f.client.bigLweKey(), out[i], width);
            if (got != (x * x + 1) % p) {
              throw new IllegalStateException(
                  f.params.name() + ": bootstrap " + i + " decrypted " + got);
            }
          }
        }
      }
      Arrays.sort(wall);
      Arrays.sort(cpu);
      double w = wall[rounds / 2];
      long bsk = 8L * f.keys.bootstrapKey().data().length;
      long ksk = 8L * f.keys.keyswitchKey().data().length;
      System.out.println(
          String.format(
              Locale.ROOT,
              "{\"impl\":\"fhec\",\"mode\":\"throughput\",\"set\":\"%s\",\"count\":%d,"
                  + "\"threads\":%d,\"batch\":%d,\"rounds\":%d,\"wall_s\":%.3f,\"cpu_s\":%.3f,"
                  + "\"pbs_per_s\":%.2f,\"bsk_bytes\":%d,\"ksk_bytes\":%d}",
              f.params.name(),
              count,
              threads,
              batch.batchSize(),
              rounds,
              w,
              cpu[rounds / 2],
              count / w,
              bsk,
              ksk));
    } finally {
      pool.shutdown();
    }
  }
}
