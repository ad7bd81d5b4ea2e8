package dev.fhec.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.runtime.algorithms.Decomposer;
import dev.fhec.runtime.algorithms.Encoding;
import dev.fhec.runtime.algorithms.FftProvider;
import dev.fhec.runtime.algorithms.LutAccumulator;
import dev.fhec.runtime.algorithms.LweEncryption;
import dev.fhec.runtime.algorithms.Polynomials;
import dev.fhec.runtime.algorithms.ProgrammableBootstrap;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.fft.NegacyclicFft;
import dev.fhec.runtime.fft.NegacyclicFfts;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints single-thread KS and PBS latency at the tfhe-rs M2C2 Gaussian 2^−64 shape and a breakdown
 * of the blind rotation by component (each component timed alone with the PBS's operation counts).
 * A printout, not a timed assertion: run with -Psoak -Dtest=LatencyReport.
 */
@Tag("soak")
class LatencyReport {
  @Test
  void m2c2() {
    report(
        ParameterSets.byName(System.getProperty("fhec.latency.set", "TFHE_RS_M2C2_GAUSSIAN_2M64"))
            .orElseThrow());
  }

  static void report(ParameterSet p) {
    long t0 = System.nanoTime();
    ClientKey ck = KeyGenerator.generateClientKey(p, Seed.ofLong(1));
    EvaluationKeys ek =
        KeyGenerator.generateEvaluationKeys(ck, Seed.ofLong(2), Seed.ofLong(3), Seed.ofLong(4));
    long t1 = System.nanoTime();
    System.out.printf(
        "%s: keygen %.2f s (%s, FFT %s)%n",
        p,
        (t1 - t0) / 1e9,
        Runtime.getRuntime().availableProcessors() + " cores",
        NegacyclicFfts.implementationName());
    int n = p.bigN();
    ProgrammableBootstrap pbs =
        new ProgrammableBootstrap(ek.keyswitchKey(), ek.bootstrapKey(), FftProvider.create(n));
    long[] table = new long[16];
    for (int i = 0; i < 16; i++) {
      table[i] = (i * 7) % 16;
    }
    LutAccumulator lut = LutAccumulator.of(new LookupTable(table), false, 4, n);
    LweCiphertext in =
        LweEncryption.encrypt(
            ck.bigLweKey(),
            Encoding.encode(5, 4),
            p.glweNoiseStd(),
            Csprng.of(Seed.ofLong(5), 0),
            Csprng.of(Seed.ofLong(5), 1));
    long[] small = new long[p.n() + 1];
    LweCiphertext[] out = {new LweCiphertext(p.bigLweDimension())};
    int warm = 10;
    int reps = 20;
    for (int i = 0; i < warm; i++) {
      pbs.keyswitch(in.data(), small);
      pbs.bootstrap(small, lut, out);
    }
    assertEquals(table[5], LweEncryption.decrypt(ck.bigLweKey(), out[0], 4));
    // Wall time and this thread's CPU time (the latter is robust to other processes sharing
    // the cores; it still includes the cache and memory-bandwidth effects of sharing).
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long ks = 0;
    long bs = 0;
    long ksCpu = 0;
    long bsCpu = 0;
    for (int i = 0; i < reps; i++) {
      long ca = mx.getCurrentThreadCpuTime();
      long a = System.nanoTime();
      pbs.keyswitch(in.data(), small);
      long cb = mx.getCurrentThreadCpuTime();
      long b = System.nanoTime();
      pbs.bootstrap(small, lut, out);
      long cc = mx.getCurrentThreadCpuTime();
      long c = System.nanoTime();
      ks += b - a;
      bs += c - b;
      ksCpu += cb - ca;
      bsCpu += cc - cb;
    }
    System.out.printf(
        "wall: KS %.2f ms, PBS %.2f ms, KS+PBS %.2f ms; thread CPU: KS %.2f ms, PBS %.2f ms,"
            + " KS+PBS %.2f ms (mean of %d, single thread, load average %.1f)%n",
        ks / 1e6 / reps,
        bs / 1e6 / reps,
        (ks + bs) / 1e6 / reps,
        ksCpu / 1e6 / reps,
        bsCpu / 1e6 / reps,
        (ksCpu + bsCpu) / 1e6 / reps,
        reps,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    // Breakdown: the PBS's operation counts, each component alone.
    int k = p.k();
    int levels = p.pbs().levels();
    int cmux = p.n();
    NegacyclicFft fft = FftProvider.create(n);
    long[] poly = new long[(k + 1) * n];
    Csprng.of(Seed.ofLong(9), 0).fillUniform(poly, 0, poly.length);
    long[] digits = new long[levels * n];
    double[] f = new double[n];
    double[] acc = new double[(k + 1) * n];
    double[] key = ek.bootstrapKey().data();
    Decomposer dec = new Decomposer(p.pbs());
    long[] tmp = new long[(k + 1) * n];
    for (int round = 0; round < 3; round++) {
      long a = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < cmux; i++) {
        for (int q = 0; q <= k; q++) {
          Polynomials.monomialMulMinusOne(poly, q * n, tmp, q * n, n, (i * 37) % (2 * n));
        }
      }
      long b = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < cmux; i++) {
        for (int q = 0; q <= k; q++) {
          dec.decomposePolynomial(poly, q * n, n, digits, 0);
        }
      }
      long c = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < cmux * (k + 1) * levels; i++) {
        fft.forwardIntegers(digits, 0, f, 0);
      }
      long d = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < cmux; i++) {
        int base = ek.bootstrapKey().offset(i, 0, 0, 0);
        for (int j = 0; j < (k + 1) * levels * (k + 1); j++) {
          fft.mulAccumulate(acc, (j % (k + 1)) * n, f, 0, key, base + j * n);
        }
      }
      long e = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < cmux * (k + 1); i++) {
        java.util.Arrays.fill(acc, 0, n, 0.001 * i);
        fft.backwardAddTorus(acc, 0, poly, 0);
      }
      long g = mx.getCurrentThreadCpuTime();
      if (round == 2) {
        System.out.printf(
            "breakdown per PBS (thread CPU): rotate−subtract %.2f ms, decompose %.2f ms, %d forward FFT %.2f ms,"
                + " %d Fourier MACs (incl. BSK streaming) %.2f ms, %d inverse FFT %.2f ms%n",
            (b - a) / 1e6,
            (c - b) / 1e6,
            cmux * (k + 1) * levels,
            (d - c) / 1e6,
            cmux * (k + 1) * levels * (k + 1),
            (e - d) / 1e6,
            cmux * (k + 1),
            (g - e) / 1e6);
      }
    }
  }
}
