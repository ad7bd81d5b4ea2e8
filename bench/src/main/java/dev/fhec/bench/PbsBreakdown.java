package dev.fhec.bench;

import dev.fhec.runtime.algorithms.BlindRotation;
import dev.fhec.runtime.algorithms.Decomposer;
import dev.fhec.runtime.algorithms.FftProvider;
import dev.fhec.runtime.algorithms.Polynomials;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.fft.NegacyclicFft;
import java.util.Locale;
import java.util.Random;

/**
 * Where one PBS's time goes: times each step of one CMux of the blind rotation in isolation on the
 * set's real key (the digits of X^a·ACC − ACC as doubles, as the blind rotation computes them,
 * forward FFTs, Fourier multiply-accumulate against the GGSW, backward FFTs), multiplies by the
 * per-CMux counts of tfhe.md §2.10 ((k+1) decompositions, (k+1)·ℓ forward transforms, (k+1)²·ℓ
 * MACs, (k+1) backward transforms), and compares the sum with a whole blind rotation timed in the
 * same JVM. A hot-cache MAC (one GGSW over and over) next to the streamed one (a different GGSW
 * each time, as in the real loop) shows how much of the MAC is memory traffic. The plain
 * decomposition of a polynomial into longs ({@code decompose}) and the rotation alone ({@code
 * rotate}) are printed for reference, outside the sum: the blind rotation fuses both into {@code
 * rotation_difference_digits}. Prints a JSON line. Usage: {@code PbsBreakdown SET [reps]}.
 */
public final class PbsBreakdown {
  private PbsBreakdown() {}

  /**
   * Median wall time of a step of a few µs: short enough that the median run is not preempted, and
   * far shorter than the thread-CPU clock's overhead would allow to measure.
   */
  private static double unitMicros(int warmup, int iters, Runnable op) {
    return PbsAnchor.time(warmup, iters, op).wallMicros();
  }

  public static void main(String[] args) {
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    // Vector API code is only fast once C2 has compiled it: warm every step well past the
    // compile thresholds (longer still when the JIT threads compete for the CPU).
    int warm = 20 * reps;
    PbsFixture f = new PbsFixture(args[0], 2);
    FourierBootstrapKey bsk = f.keys.bootstrapKey();
    int k = f.params.k();
    int n = f.params.bigN();
    int levels = f.params.pbs().levels();
    int lweDim = f.params.n();
    NegacyclicFft fft = FftProvider.create(n);
    Decomposer decomposer = new Decomposer(f.params.pbs());
    Random r = new Random(1);
    long[] poly = new long[n];
    for (int i = 0; i < n; i++) {
      poly[i] = r.nextLong();
    }
    long[] digits = new long[levels * n];
    long[] small = new long[n];
    for (int i = 0; i < n; i++) {
      small[i] = r.nextInt(1 << 20) - (1 << 19);
    }
    double[] fourier = new double[n];
    double[] sum = new double[(k + 1) * n];
    long[] acc = new long[n];
    long[] diff = new long[n];
    double[] key = bsk.data();

    double decompose =
        unitMicros(warm, reps, () -> decomposer.decomposePolynomial(poly, 0, n, digits, 0));
    double[] digitDoubles = new double[levels * n];
    double fusedDecompose =
        unitMicros(
            warm,
            reps,
            () -> decomposer.decomposeRotationDifference(poly, 0, n, 777, digitDoubles, 0));
    double forward = unitMicros(warm, reps, () -> fft.forwardIntegers(small, 0, fourier, 0));
    double backward = unitMicros(warm, reps, () -> fft.backwardAddTorus(sum, 0, acc, 0));
    double macHot =
        unitMicros(
            warm, reps, () -> fft.mulAccumulate(sum, 0, fourier, 0, key, bsk.offset(0, 0, 0, 0)));
    int[] ggsw = {0};
    double macStreamed =
        unitMicros(
            warm,
            reps,
            () -> {
              int i = ggsw[0];
              ggsw[0] = (i + 1) % lweDim;
              fft.mulAccumulate(sum, 0, fourier, 0, key, bsk.offset(i, 0, 0, 0));
            });
    double rotate =
        unitMicros(warm, reps, () -> Polynomials.monomialMulMinusOne(poly, 0, diff, 0, n, 777));

    BlindRotation rotation = new BlindRotation(bsk, fft);
    long[] lwe = new long[lweDim + 1];
    for (int i = 0; i <= lweDim; i++) {
      lwe[i] = r.nextLong();
    }
    double blindRotation =
        PbsAnchor.medianMicros(
            20, Math.max(5, reps / 100), () -> rotation.rotate(lwe, 0, 0L, poly));

    // Per CMux: (k+1) decompositions of the rotation difference, (k+1)·ℓ forward, (k+1)²·ℓ MACs,
    // (k+1) backward (tfhe.md §2.10); a blind rotation is n CMuxes.
    int kp1 = k + 1;
    double decomposeUs = lweDim * kp1 * fusedDecompose;
    double forwardUs = lweDim * kp1 * levels * forward;
    double macUs = lweDim * kp1 * kp1 * levels * macStreamed;
    double backwardUs = lweDim * kp1 * backward;
    double predicted = decomposeUs + forwardUs + macUs + backwardUs;
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"set\":\"%s\",\"fft\":\"%s\",\"unit_us\":{\"rotation_difference_digits\":%.2f,"
                + "\"decompose\":%.2f,\"forward_fft\":%.2f,"
                + "\"mac_hot\":%.2f,\"mac_streamed\":%.2f,\"backward_fft\":%.2f,\"rotate\":%.2f},"
                + "\"blind_rotation_share\":{\"decompose\":%.3f,\"forward_fft\":%.3f,\"mac\":%.3f,"
                + "\"backward_fft\":%.3f},\"predicted_us\":%.0f,"
                + "\"measured_blind_rotation_cpu_us\":%.0f}",
            f.params.name(),
            dev.fhec.runtime.fft.NegacyclicFfts.implementationName(),
            fusedDecompose,
            decompose,
            forward,
            macHot,
            macStreamed,
            backward,
            rotate,
            decomposeUs / predicted,
            forwardUs / predicted,
            macUs / predicted,
            backwardUs / predicted,
            predicted,
            blindRotation));
  }
}
