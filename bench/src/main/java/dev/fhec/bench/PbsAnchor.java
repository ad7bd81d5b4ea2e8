package dev.fhec.bench;

import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * Side-by-side counterpart of the tfhe-rs harness in {@code bench/anchors/tfhe-rs}: for one named
 * parameter set, times single-thread keyswitch, PBS and KS+PBS (median of {@code iters} timed runs
 * after {@code warmup} untimed ones, each op timed individually exactly like the Rust harness) and
 * prints one JSON line. {@code --print-params} prints the set's numbers as the Rust harness's
 * command-line arguments instead, so both sides run on identical parameters.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.fhec.bench.PbsAnchor SET [iters] [warmup] [width]}
 * or {@code ... PbsAnchor --print-params SET}.
 */
public final class PbsAnchor {
  private PbsAnchor() {}

  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("--print-params")) {
      System.out.println(rustArgs(set(args[1])));
      return;
    }
    if (args.length < 1) {
      throw new IllegalArgumentException(
          "usage: PbsAnchor SET [iters] [warmup] [width] | --print-params SET");
    }
    int iters = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int width = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    PbsFixture f = new PbsFixture(args[0], width);
    f.checkCorrect();
    Timing ks = time(warmup, iters, f::keyswitch);
    Timing pbs = time(warmup, iters, f::bootstrap);
    Timing ksPbs = time(warmup, iters, f::keyswitchAndBootstrap);
    long standardBytes = FhecFiles.evaluationKeysBytes(f.keys, false).length;
    long seededBytes = FhecFiles.evaluationKeysBytes(f.keys, true).length;
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"impl\":\"fhec\",\"set\":\"%s\",\"iters\":%d,\"ks_us\":%.1f,\"pbs_us\":%.1f,"
                + "\"ks_pbs_us\":%.1f,\"ks_wall_us\":%.1f,\"pbs_wall_us\":%.1f,"
                + "\"ks_pbs_wall_us\":%.1f,\"keygen_ms\":%.1f,\"eval_key_file_bytes\":%d,"
                + "\"eval_key_seeded_file_bytes\":%d,\"eval_key_memory_bytes\":%d}",
            f.params.name(),
            iters,
            ks.cpuMicros(),
            pbs.cpuMicros(),
            ksPbs.cpuMicros(),
            ks.wallMicros(),
            pbs.wallMicros(),
            ksPbs.wallMicros(),
            f.keygenMillis,
            standardBytes,
            seededBytes,
            f.keys.memoryBytes()));
  }

  private static ParameterSet set(String name) {
    return ParameterSets.byName(name)
        .orElseThrow(() -> new IllegalArgumentException("no parameter set named " + name));
  }

  /** The set's numbers as the Rust harness's arguments (σ printed with full precision). */
  static String rustArgs(ParameterSet p) {
    return String.format(
        Locale.ROOT,
        "--name %s --n %d --k %d --N %d --pbs-base %d --pbs-levels %d --ks-base %d --ks-levels %d"
            + " --lwe-std %s --glwe-std %s",
        p.name(),
        p.n(),
        p.k(),
        p.bigN(),
        p.pbs().baseLog(),
        p.pbs().levels(),
        p.ks().baseLog(),
        p.ks().levels(),
        Double.toString(p.lweNoiseStd()),
        Double.toString(p.glweNoiseStd()));
  }

  /** Minimum warm-up time per measured operation. */
  static final long MIN_WARMUP_NANOS = 3_000_000_000L;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Median latency of one operation: thread CPU time and wall time, in microseconds. */
  record Timing(double cpuMicros, double wallMicros) {}

  /**
   * Median latency of {@code op} over {@code iters} timed runs, after at least {@code warmup}
   * untimed runs and at least {@link #MIN_WARMUP_NANOS} of them: the Vector API paths are only fast
   * once C2 has compiled them, which takes longer when the JIT threads compete for the CPU. Thread
   * CPU time is what the comparison uses: on a shared, oversubscribed machine wall time mostly
   * measures the other tenants.
   */
  static Timing time(int warmup, int iters, Runnable op) {
    long warmStart = System.nanoTime();
    for (int i = 0; i < warmup || System.nanoTime() - warmStart < MIN_WARMUP_NANOS; i++) {
      op.run();
    }
    double[] cpu = new double[iters];
    double[] wall = new double[iters];
    for (int i = 0; i < iters; i++) {
      long t0 = System.nanoTime();
      long c0 = THREADS.getCurrentThreadCpuTime();
      op.run();
      cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e3;
      wall[i] = (System.nanoTime() - t0) / 1e3;
    }
    return new Timing(median(cpu), median(wall));
  }

  /** Median thread CPU time of {@code op} in microseconds (see {@link #time}). */
  static double medianMicros(int warmup, int iters, Runnable op) {
    return time(warmup, iters, op).cpuMicros();
  }

  private static double median(double[] samples) {
    double[] s = samples.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
