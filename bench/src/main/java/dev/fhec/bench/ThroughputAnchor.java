package dev.fhec.bench;

import dev.fhec.runtime.algorithms.BatchBootstrap;
import dev.fhec.runtime.algorithms.Encoding;
import dev.fhec.runtime.algorithms.Keyswitch;
import dev.fhec.runtime.algorithms.Keyswitch32;
import dev.fhec.runtime.algorithms.LweEncryption;
import dev.fhec.runtime.algorithms.LweKeyswitch;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/**
 * Throughput counterpart of the tfhe-rs harness's {@code --mode throughput}: {@code count} KS+PBS
 * of distinct ciphertexts through {@link BatchBootstrap} on a pool of {@code threads} threads, wall
 * time per round after a warm-up, plus the process CPU time. {@code batches}: a comma-separated
 * list of batch sizes ({@code auto} = from the cache, the default; 1 = one bootstrap at a time);
 * with several, one process (one key generation) alternates them round by round, rotating the
 * order, for an in-process A/B. Every output of each size's first round is decrypted and the wrong
 * ones counted ({@code failures}: sets like Concrete's v0 table have a per-lookup error probability
 * near 2^−14, so a batch of thousands may see one); more than 1 % fails the run. Prints one JSON
 * line per batch size with its median round. A size followed by {@code /32} (e.g. {@code
 * auto,auto/32}) keyswitches on 32 bits ({@link Keyswitch32} on the rounded key, as a circuit whose
 * plan marks the keyswitch 32-bit runs it): the A/B of the two widths on the same keys and inputs.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.fhec.bench.ThroughputAnchor SET width count threads
 * rounds [batches]}.
 */
public final class ThroughputAnchor {
  private ThroughputAnchor() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      throw new IllegalArgumentException(
          "usage: ThroughputAnchor SET width count threads rounds [batches, e.g. 1,auto]");
    }
    int width = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    String[] sizes = (args.length > 5 ? args[5] : "auto").split(",");
    PbsFixture f = new PbsFixture(args[0], width);
    BatchBootstrap[] batches = new BatchBootstrap[sizes.length];
    boolean[] bits32 = new boolean[sizes.length];
    Keyswitch32.Key rounded = null;
    for (int s = 0; s < sizes.length; s++) {
      String size = sizes[s];
      bits32[s] = size.endsWith("/32");
      size = bits32[s] ? size.substring(0, size.length() - 3) : size;
      Supplier<LweKeyswitch> ks;
      if (bits32[s]) {
        rounded = rounded != null ? rounded : Keyswitch32.round(f.keys.keyswitchKey());
        Keyswitch32.Key key = rounded;
        ks = () -> new Keyswitch32(key);
      } else {
        ks = () -> new Keyswitch(f.keys.keyswitchKey());
      }
      batches[s] =
          size.equals("auto")
              ? new BatchBootstrap(ks, f.keys.bootstrapKey())
              : new BatchBootstrap(ks, f.keys.bootstrapKey(), Integer.parseInt(size));
    }
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
      // Warm-up: JIT of the batched paths on every worker (at least 3 s each, as PbsAnchor).
      LweCiphertext[] warm = Arrays.copyOf(in, Math.min(count, Math.max(4 * threads, 32)));
      for (BatchBootstrap batch : batches) {
        long warmStart = System.nanoTime();
        do {
          pool.submit(() -> batch.apply(warm, i -> f.lut, null)).get();
        } while (System.nanoTime() - warmStart < PbsAnchor.MIN_WARMUP_NANOS);
      }
      double[][] wall = new double[sizes.length][rounds];
      double[][] cpu = new double[sizes.length][rounds];
      int[] failures = new int[sizes.length];
      for (int r = 0; r < rounds; r++) {
        for (int j = 0; j < sizes.length; j++) {
          int s = (j + r) % sizes.length;
          BatchBootstrap batch = batches[s];
          long c0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          LweCiphertext[] out = pool.submit(() -> batch.apply(in, i -> f.lut, null)).get();
          wall[s][r] = (System.nanoTime() - t0) / 1e9;
          cpu[s][r] = (os.getProcessCpuTime() - c0) / 1e9;
          if (r == 0) {
            for (int i = 0; i < count; i++) {
              long x = i % p;
              if (LweEncryption.decrypt(f.client.bigLweKey(), out[i], width) != (x * x + 1) % p) {
                failures[s]++;
              }
            }
          }
        }
      }
      long bsk = 8L * f.keys.bootstrapKey().data().length;
      for (int s = 0; s < sizes.length; s++) {
        long ksk = (bits32[s] ? 4L : 8L) * f.keys.keyswitchKey().data().length;
        Arrays.sort(wall[s]);
        Arrays.sort(cpu[s]);
        double w = wall[s][rounds / 2];
        System.out.println(
            String.format(
                Locale.ROOT,
                "{\"impl\":\"fhec\",\"mode\":\"throughput\",\"set\":\"%s\",\"count\":%d,"
                    + "\"threads\":%d,\"batch\":%d,\"ks_bits\":%d,\"rounds\":%d,\"wall_s\":%.3f,"
                    + "\"cpu_s\":%.3f,"
                    + "\"pbs_per_s\":%.2f,\"bsk_bytes\":%d,\"ksk_bytes\":%d,\"failures\":%d}",
                f.params.name(),
                count,
                threads,
                batches[s].batchSize(),
                bits32[s] ? 32 : 64,
                rounds,
                w,
                cpu[s][rounds / 2],
                count / w,
                bsk,
                ksk,
                failures[s]));
      }
      for (int s = 0; s < sizes.length; s++) {
        if (failures[s] > Math.max(1, count / 100)) {
          throw new IllegalStateException(
              f.params.name()
                  + ": "
                  + failures[s]
                  + " of "
                  + count
                  + " bootstraps decrypted wrong");
        }
      }
    } finally {
      pool.shutdown();
    }
  }
}
