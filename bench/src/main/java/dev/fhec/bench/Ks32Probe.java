package dev.fhec.bench;

import dev.fhec.runtime.algorithms.Keyswitch;
import dev.fhec.runtime.algorithms.Keyswitch32;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.params.NoiseModel;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import java.util.Locale;
import java.util.Random;

/**
 * The 32-bit keyswitch ({@link Keyswitch32}) against the 64-bit one on the same key and inputs, in
 * the same process: median thread CPU time of one keyswitch, and per ciphertext in a batch of 16,
 * the two alternating in {@code rounds} rounds; plus both noise predictions and the error
 * probability of a {@code width}-bit lookup at ν = 1 with each. One JSON line per set.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * dev.fhec.bench.Ks32Probe [iters] [rounds] SET:width ...}
 */
public final class Ks32Probe {
  private Ks32Probe() {}

  public static void main(String[] args) {
    int iters = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    for (int a = 2; a < args.length; a++) {
      String[] spec = args[a].split(":");
      run(
          ParameterSets.byName(spec[0]).orElseThrow(() -> new IllegalArgumentException(spec[0])),
          Integer.parseInt(spec[1]),
          iters,
          rounds);
    }
  }

  private static void run(ParameterSet p, int width, int iters, int rounds) {
    ClientKey client = KeyGenerator.generateClientKey(p);
    EvaluationKeys keys = KeyGenerator.generateEvaluationKeys(client);
    Keyswitch ks64 = new Keyswitch(keys.keyswitchKey());
    Keyswitch32 ks32 = Keyswitch32.of(keys.keyswitchKey());
    int batch = 16;
    Random r = new Random(1);
    long[][] ins = new long[batch][p.bigLweDimension() + 1];
    for (long[] in : ins) {
      for (int i = 0; i < in.length; i++) {
        in[i] = r.nextLong();
      }
    }
    long[][] outs64 = new long[batch][p.n() + 1];
    int[][] outs32 = new int[batch][p.n() + 1];
    double[] one64 = new double[rounds];
    double[] one32 = new double[rounds];
    double[] batch64 = new double[rounds];
    double[] batch32 = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      Runnable a64 = () -> ks64.apply(ins[0], 0, outs64[0], 0);
      Runnable a32 = () -> ks32.apply(ins[0], 0, outs32[0], 0);
      Runnable b64 = () -> ks64.applyBatch(ins, outs64, batch);
      Runnable b32 = () -> ks32.applyBatch(ins, outs32, batch);
      boolean first64 = round % 2 == 0;
      one64[round] = first64 ? PbsAnchor.medianMicros(3, iters, a64) : 0;
      one32[round] = PbsAnchor.medianMicros(3, iters, a32);
      if (!first64) {
        one64[round] = PbsAnchor.medianMicros(3, iters, a64);
      }
      batch32[round] = PbsAnchor.medianMicros(3, Math.max(3, iters / 4), b32) / batch;
      batch64[round] = PbsAnchor.medianMicros(3, Math.max(3, iters / 4), b64) / batch;
    }
    double lweVar = p.lweNoiseStd() * p.lweNoiseStd();
    NoiseModel.Breakdown b = NoiseModel.breakdown(p);
    double v64 = b.keyswitch();
    double v32 =
        Keyswitch32.variance(p.bigLweDimension(), p.n(), p.ks().baseLog(), p.ks().levels(), lweVar);
    double ms32 = Keyswitch32.modulusSwitchVariance(p.n(), p.bigN());
    double pErr64 = NoiseModel.errorProbability(width, b.lookupInput(1.0));
    double pErr32 = NoiseModel.errorProbability(width, b.blindRotation() + v32 + ms32);
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"probe\":\"ks32\",\"set\":\"%s\",\"width\":%d,\"ks64_us\":%.1f,\"ks32_us\":%.1f,"
                + "\"ks64_batch16_us\":%.1f,\"ks32_batch16_us\":%.1f,\"key64_mib\":%.1f,"
                + "\"key32_mib\":%.1f,\"log2_var_ks64\":%.3f,\"log2_var_ks32\":%.3f,"
                + "\"log2_var_ms64\":%.3f,\"log2_var_ms32\":%.3f,\"p_err64\":%.4g,\"p_err32\":%.4g}",
            p.name(),
            width,
            median(one64),
            median(one32),
            median(batch64),
            median(batch32),
            8.0 * keys.keyswitchKey().data().length / (1 << 20),
            ks32.keyBytes() / (double) (1 << 20),
            log2(v64),
            log2(v32),
            log2(b.modulusSwitch()),
            log2(ms32),
            pErr64,
            pErr32));
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
