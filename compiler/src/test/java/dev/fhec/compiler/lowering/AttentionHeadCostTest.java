package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.runtime.exec.ClearSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The seed's single GPT-2 attention head (attention.md §4), built op by op with synthetic integer
 * weights at GPT-2 shapes: the lowering must reproduce the seed's per-construct costs, so the PBS
 * count is 384·n + 264·n² (attention.md §5.2), and the compiled circuit must agree with the
 * reference evaluation on the calibration samples.
 */
class AttentionHeadCostTest {
  static final int D_MODEL = 768;
  static final int D = 64;

  /** dequantize → (float ops) → quantize: {@code rint(f(x·scale))} as an integer. */
  static int requant(ProgramBuilder b, int x, double scale) {
    int f = b.cast(x, new FloatType());
    int s = b.mul(f, b.constant(scale));
    return b.cast(b.unary(UnaryFn.Simple.RINT, s), new IntType(true, 0));
  }

  static int scoresQuant(ProgramBuilder b, int scores, int mask, int n) {
    int f = b.cast(scores, new FloatType());
    int s = b.div(b.mul(f, b.constant(1.0 / 64)), b.constant(8.0 / 8));
    int w = b.where(mask, s, b.constant(-8.0));
    return b.cast(b.unary(UnaryFn.Simple.RINT, w), new IntType(true, 0));
  }

  static int expQuant(ProgramBuilder b, int x) {
    int f = b.cast(x, new FloatType());
    int e = b.unary(UnaryFn.Simple.EXP, b.mul(f, b.constant(0.5)));
    return b.cast(b.unary(UnaryFn.Simple.RINT, b.mul(e, b.constant(7.0))), new IntType(true, 0));
  }

  static Program head(int n, Random rnd) {
    ProgramBuilder b = new ProgramBuilder("gpt2_head_n" + n);
    int qx = b.input("q_x", new int[] {1, n, D_MODEL}, new IntType(true, 4), true);
    long[] w = new long[D_MODEL * 3 * D];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextInt(15) - 7;
    }
    long[] bias = new long[3 * D];
    for (int i = 0; i < bias.length; i++) {
      bias[i] = rnd.nextInt(5) - 2;
    }
    long[] mask = new long[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        mask[i * n + j] = 1;
      }
    }
    int acc = b.matmul(qx, b.constant(new Tensor.Ints(new int[] {D_MODEL, 3 * D}, w)));
    int linear =
        b.add(requant(b, acc, 1.0 / 64), b.constant(new Tensor.Ints(new int[] {3 * D}, bias)));
    int l4 = b.reshape(linear, 1, 1, n, 3 * D);
    int[] qkv = new int[3];
    for (int i = 0; i < 3; i++) {
      int s =
          b.slice(l4, List.of(0, 0, 0, i * D), List.of(1, 1, n, (i + 1) * D), List.of(1, 1, 1, 1));
      qkv[i] = requant(b, s, 0.9);
    }
    int kt = b.transpose(qkv[1], 0, 1, 3, 2);
    int scores = b.matmul(qkv[0], kt);
    int maskC = b.constant(new Tensor.Ints(new int[] {n, n}, mask));
    int sMax = scoresQuant(b, scores, maskC, n);
    int sSub = scoresQuant(b, scores, maskC, n);
    int acc0 = b.slice(sMax, List.of(0, 0, 0, 0), List.of(1, 1, n, 1), List.of(1, 1, 1, 1));
    for (int i = 1; i < n; i++) {
      int xi = b.slice(sMax, List.of(0, 0, 0, i), List.of(1, 1, n, i + 1), List.of(1, 1, 1, 1));
      acc0 = b.add(acc0, b.unary(UnaryFn.Simple.RELU, b.sub(xi, acc0)));
    }
    int subMax = b.sub(sSub, acc0);
    int expSum = b.sum(expQuant(b, subMax), List.of(3), true);
    int invF = b.mul(b.cast(expSum, new FloatType()), b.constant(1.0 / 7));
    int inv =
        b.cast(
            b.unary(
                UnaryFn.Simple.RINT,
                b.mul(b.unary(UnaryFn.Simple.RECIPROCAL, invF), b.constant(7.0))),
            new IntType(true, 0));
    int prod = b.mul(expQuant(b, subMax), inv);
    int attn = requant(b, prod, 1.0 / 8);
    b.output(b.matmul(attn, qkv[2]));
    return b.build();
  }

  static List<List<Tensor>> inputset(int n, Random rnd, int samples) {
    List<List<Tensor>> set = new ArrayList<>();
    for (int s = 0; s < samples; s++) {
      long[] x = new long[n * D_MODEL];
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.max(-7, Math.min(7, Math.round(rnd.nextGaussian() * 3)));
      }
      set.add(List.of(new Tensor.Ints(new int[] {1, n, D_MODEL}, x)));
    }
    return set;
  }

  @Test
  void pbsCountIsTheSeedFormulaAndTheCircuitAgreesWithTheReference() {
    for (int n : new int[] {2, 6}) {
      for (boolean optimize : new boolean[] {false, true}) {
        checkHead(n, optimize);
      }
    }
  }

  /**
   * Seed mode: 384n + 264n². Optimized: CSE merges the second score quantization and exp (2n²),
   * composition absorbs the bias requantization into the q/k/v ones (3·64·n), and the n(n−1)/2
   * causally masked scores are constants: neither their score lookup nor their Q·Kᵀ products (2
   * lookups × 64) are bootstrapped.
   */
  private static void checkHead(int n, boolean optimize) {
    {
      Random rnd = new Random(7 + n);
      Program p = head(n, rnd);
      List<List<Tensor>> set = inputset(n, rnd, 4);
      CompiledCircuit cc =
          Fhec.compile(
              p,
              CompileOptions.defaults().withOptimizeLookups(optimize),
              set,
              DifferentialOracleTest.TOY);
      long seed = 384L * n + 264L * n * n;
      long masked = (long) n * (n - 1) / 2 * (2L * 64 + 1);
      assertEquals(
          optimize ? seed - 2L * n * n - 3L * 64 * n - masked : seed,
          cc.pbsCount(),
          "PBS count at n = " + n + ", optimize = " + optimize);
      // Inputs inside the calibrated ranges: the calibration samples themselves.
      for (List<Tensor> sample : set) {
        Tensor.Ints expected = (Tensor.Ints) ReferenceEvaluator.evaluate(p, sample).get(0);
        long[] got =
            ClearSimulator.run(
                    cc.circuit(),
                    List.of(((Tensor.Ints) sample.get(0)).data()),
                    ClearSimulator.Options.exact())
                .outputs()
                .get(0);
        assertArrayEquals(expected.data(), got);
      }
      long tlus =
          cc.program().nodes().stream().filter(x -> x.op() instanceof Op.TableLookup).count();
      // bias requant, q/k/v requants, 2 score quantizations, n−1 relus, 2 exps, 1/sum, attn;
      // optimized: composed q/k/v, one score quantization, n−1 relus, one exp, 1/sum, attn.
      assertEquals(optimize ? 3 + 1 + (n - 1) + 1 + 1 + 1 : 1 + 3 + 2 + (n - 1) + 2 + 1 + 1, tlus);
    }
  }
}
