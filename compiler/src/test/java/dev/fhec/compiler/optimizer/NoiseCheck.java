package dev.fhec.compiler.optimizer;

import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ErrorFunction;
import dev.fhec.runtime.params.ParameterSet;
import java.util.Arrays;
import java.util.List;

/**
 * Recomputes, independently of the optimizers' code, the noise variance every lookup and output of
 * a circuit has under chosen parameters, from compiler.md §8.3 (Concrete's formulas, binary keys,
 * torus-normalized, q = 2^64) and the σs stored in the parameter sets; and the resulting global
 * error probability. One scalar variance per value (the largest over its elements).
 */
final class NoiseCheck {
  private static final double Q2 = Math.pow(2, 128);

  /** Where values live and which keyswitches run, as an optimizer result states them. */
  interface Plan {
    ParameterSet partition(int p);

    int valuePartition(int value);

    int bootstrapPartition(int value);

    Decomposition keyswitch(int from, int to, boolean toBigKey);

    /** Whether that keyswitch runs on 32 bits (key rounded to 2^32, output modulo 2^32). */
    default boolean bits32(int from, int to, boolean toBigKey) {
      return false;
    }
  }

  static Plan of(PartitionedParameters r) {
    return new Plan() {
      @Override
      public ParameterSet partition(int p) {
        return r.partitions().get(p).parameters();
      }

      @Override
      public int valuePartition(int value) {
        return r.valuePartition()[value];
      }

      @Override
      public int bootstrapPartition(int value) {
        return r.bootstrapPartition()[value];
      }

      @Override
      public Decomposition keyswitch(int from, int to, boolean toBigKey) {
        if (from == to && !toBigKey) {
          PartitionedParameters.KeyswitchChoice k = r.keyswitch(from, to, false);
          return k != null ? k.decomposition() : r.partitions().get(to).parameters().ks();
        }
        return r.keyswitch(from, to, toBigKey).decomposition();
      }

      @Override
      public boolean bits32(int from, int to, boolean toBigKey) {
        PartitionedParameters.KeyswitchChoice k = r.keyswitch(from, to, toBigKey);
        return k != null && k.bits32();
      }
    };
  }

  /** A single set, its keyswitch on 32 bits as the optimizer chose. */
  static Plan of(OptimizedParameters o) {
    return of(o.parameters(), o.keyswitch32());
  }

  static Plan of(ParameterSet single) {
    return of(single, false);
  }

  private static Plan of(ParameterSet single, boolean keyswitch32) {
    return new Plan() {
      @Override
      public ParameterSet partition(int p) {
        return single;
      }

      @Override
      public int valuePartition(int value) {
        return 0;
      }

      @Override
      public int bootstrapPartition(int value) {
        return 0;
      }

      @Override
      public Decomposition keyswitch(int from, int to, boolean toBigKey) {
        return single.ks();
      }

      @Override
      public boolean bits32(int from, int to, boolean toBigKey) {
        return keyswitch32;
      }
    };
  }

  /** Per-element error probabilities and counts of every lookup and output, and their product. */
  record Result(double[] pError, long[] count, double global) {}

  static double keyswitch(int inputDimension, Decomposition d, double kskVariance) {
    double b2 = Math.pow(2, 2 * d.baseLog());
    double b2l = Math.pow(2, 2 * d.baseLog() * d.levels());
    return inputDimension
        * ((Q2 / (12 * b2l) - 1.0 / 12) * 0.5 / Q2
            + 0.25 / (4 * Q2)
            + d.levels() * kskVariance * (b2 + 2) / 12);
  }

  static double modulusSwitch(int n, int bigN) {
    double twoN = 2.0 * bigN;
    return (1.0 / 12 + n / 24.0) / (twoN * twoN) + (-1.0 / 12 + n / 48.0) / Q2;
  }

  /**
   * A keyswitch into dimension {@code n} at the width the plan says. On 32 bits (bench/RESULTS.md
   * "32-bit keyswitch (KS32)"): each key entry rounded to 2^32 adds (2^−64 − 2^−128)/12 to its body
   * and to each of its n mask entries, which meet the binary key's E[s²] = 1/2; the output's body
   * is rounded once more.
   */
  static double keyswitch(
      Plan plan, int from, int to, boolean toBigKey, int inputDimension, int n, double kskVar) {
    Decomposition d = plan.keyswitch(from, to, toBigKey);
    if (!plan.bits32(from, to, toBigKey)) {
      return keyswitch(inputDimension, d, kskVar);
    }
    double rounding = (Math.pow(2, -64) - Math.pow(2, -128)) / 12;
    return keyswitch(inputDimension, d, kskVar + (1 + n / 2.0) * rounding) + rounding;
  }

  /** The modulus switch to 2N after a keyswitch of either width: from q = 2^64 or 2^32. */
  static double modulusSwitch(Plan plan, int from, int to, int n, int bigN) {
    if (!plan.bits32(from, to, false)) {
      return modulusSwitch(n, bigN);
    }
    double twoN = 2.0 * bigN;
    return (1.0 / 12 + n / 24.0) / (twoN * twoN) + (-1.0 / 12 + n / 48.0) * Math.pow(2, -64);
  }

  static double blindRotation(ParameterSet p) {
    int k = p.k();
    double bigN = p.bigN();
    double kn = k * bigN;
    Decomposition d = p.pbs();
    double b2 = Math.pow(2, 2 * d.baseLog());
    double b2l = Math.pow(2, 2 * d.baseLog() * d.levels());
    double bsk = p.glweNoiseStd() * p.glweNoiseStd();
    double fft =
        Math.pow(2, -2.57722494) * Math.pow(2, 22) * d.levels() * b2 * bigN * bigN * (k + 1) / Q2;
    double cmux =
        d.levels() * (k + 1) * bigN * (b2 + 2) / 12 * bsk
            + (Q2 - b2l) / (24 * b2l) * (1 + kn * 0.5) / Q2
            + kn / 8 * 0.25 / Q2
            + (1 - kn) * (1 - kn) * 0.25 / 16 / Q2
            + fft;
    return p.n() * cmux;
  }

  static double pError(int precision, double variance) {
    return ErrorFunction.erfc(Math.pow(2, -(precision + 2)) / Math.sqrt(2 * variance));
  }

  static Result check(LoweredCircuit c, Plan plan) {
    double[] var = new double[c.values().size()];
    List<Instruction> ins = c.instructions();
    double[] p = new double[ins.size() + c.outputs().size()];
    long[] count = new long[p.length];
    for (int i = 0; i < ins.size(); i++) {
      Instruction in = ins.get(i);
      int out = in.out();
      int home = plan.valuePartition(out);
      var[out] =
          switch (in) {
            case Instruction.Input x -> sq(plan.partition(home).glweNoiseStd());
            case Instruction.Tlu t -> {
              int src = plan.valuePartition(t.a());
              int dst = plan.bootstrapPartition(out);
              ParameterSet s = plan.partition(src);
              ParameterSet d = plan.partition(dst);
              double v =
                  var[t.a()]
                      + keyswitch(
                          plan, src, dst, false, s.bigLweDimension(), d.n(), sq(d.lweNoiseStd()))
                      + modulusSwitch(plan, src, dst, d.n(), d.bigN());
              p[i] = pError(c.tables().get(t.tables()[0]).inputWidth(), v);
              count[i] = c.value(out).size();
              double o = blindRotation(d);
              yield home == dst ? o : o + conversion(plan, dst, home);
            }
            case Instruction.ManyTlu t -> {
              int src = plan.valuePartition(t.a());
              int dst = plan.bootstrapPartition(out);
              ParameterSet s = plan.partition(src);
              ParameterSet d = plan.partition(dst);
              double v =
                  var[t.a()]
                      + keyswitch(
                          plan, src, dst, false, s.bigLweDimension(), d.n(), sq(d.lweNoiseStd()))
                      + modulusSwitch(plan, src, dst, d.n(), d.bigN());
              // The F functions share a box of 2^(w + log2 F): precision w + log2 F (CLOT21).
              p[i] = pError(c.tables().get(t.tables()[0]).inputWidth() + t.extraBits(), v);
              count[i] = c.value(t.a()).size();
              double o = blindRotation(d);
              yield home == dst ? o : o + conversion(plan, dst, home);
            }
            case Instruction.AddEE x ->
                moved(plan, var, x.a(), home) + moved(plan, var, x.b(), home);
            case Instruction.SubEE x ->
                moved(plan, var, x.a(), home) + moved(plan, var, x.b(), home);
            case Instruction.Keyswitch x -> moved(plan, var, x.a(), home);
            case Instruction.Reinterpret x -> var[x.a()];
            case Instruction.Neg x -> var[x.a()];
            case Instruction.AddEC x -> var[x.a()];
            case Instruction.SubCE x -> var[x.a()];
            case Instruction.MulEC x -> var[x.a()] * maxSquare(c.constants().get(x.constant()));
            case Instruction.MatMulEC x ->
                var[x.a()] * contracted(c.constants().get(x.constant()), true);
            case Instruction.MatMulCE x ->
                var[x.a()] * contracted(c.constants().get(x.constant()), false);
            case Instruction.Sum x ->
                var[x.a()] * ((double) c.value(x.a()).size() / c.value(out).size());
            case Instruction.Gather g -> {
              double m = 0;
              for (int s : g.sources()) {
                m = Math.max(m, moved(plan, var, s, home));
              }
              yield m;
            }
          };
    }
    for (int o = 0; o < c.outputs().size(); o++) {
      int v = c.outputs().get(o);
      p[ins.size() + o] = pError(c.value(v).width(), var[v]);
      count[ins.size() + o] = c.value(v).size();
    }
    double logSurvival = 0;
    for (int i = 0; i < p.length; i++) {
      logSurvival += count[i] * Math.log1p(-p[i]);
    }
    return new Result(p, count, -Math.expm1(logSurvival));
  }

  private static double moved(Plan plan, double[] var, int v, int to) {
    int from = plan.valuePartition(v);
    return from == to ? var[v] : var[v] + conversion(plan, from, to);
  }

  private static double conversion(Plan plan, int from, int to) {
    ParameterSet t = plan.partition(to);
    return keyswitch(
        plan,
        from,
        to,
        true,
        plan.partition(from).bigLweDimension(),
        t.bigLweDimension(),
        sq(t.glweNoiseStd()));
  }

  private static double sq(double x) {
    return x * x;
  }

  private static double maxSquare(ClearTensor c) {
    return Arrays.stream(c.data()).mapToDouble(x -> (double) x * x).max().orElse(0);
  }

  private static double contracted(ClearTensor c, boolean right) {
    int[] s = c.shape();
    int rows = s[s.length - 2];
    int cols = s[s.length - 1];
    double best = 0;
    for (int b = 0; b < c.size() / (rows * cols); b++) {
      for (int o = 0; o < (right ? cols : rows); o++) {
        double sum = 0;
        for (int i = 0; i < (right ? rows : cols); i++) {
          double x = c.at(b * rows * cols + (right ? i * cols + o : o * cols + i));
          sum += x * x;
        }
        best = Math.max(best, sum);
      }
    }
    return best;
  }

  private NoiseCheck() {}
}
