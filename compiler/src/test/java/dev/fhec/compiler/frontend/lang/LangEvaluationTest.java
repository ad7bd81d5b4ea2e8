package dev.fhec.compiler.frontend.lang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Traced programs evaluated with the {@link ReferenceEvaluator} on seeded random inputs, against
 * the numpy result computed here by plain loops (Python's floor division and modulo, row-major
 * slicing, a running max, a quantized softmax).
 */
class LangEvaluationTest {
  private static final int TRIALS = 20;

  private static long[] random(Random rnd, int n, int lo, int hi) {
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + rnd.nextInt(hi - lo + 1);
    }
    return v;
  }

  private static long[] eval(Program p, int output, Tensor... inputs) {
    Tensor t = ReferenceEvaluator.evaluate(p, List.of(inputs)).get(output);
    return ((Tensor.Ints) t).data();
  }

  @Test
  void floorDivisionAndModuloFollowPython() {
    Program p =
        LangTesting.compile(
            "def f(x: Encrypted[int5, (16,)]):\n    return x // 3, x % 3, x // -4, x % -4\n");
    Random rnd = new Random(1);
    for (int trial = 0; trial < TRIALS; trial++) {
      long[] x = random(rnd, 16, -16, 15);
      Tensor in = new Tensor.Ints(new int[] {16}, x);
      long[][] expected = new long[4][16];
      for (int i = 0; i < 16; i++) {
        expected[0][i] = Math.floorDiv(x[i], 3);
        expected[1][i] = Math.floorMod(x[i], 3);
        expected[2][i] = Math.floorDiv(x[i], -4);
        expected[3][i] = Math.floorMod(x[i], -4);
      }
      for (int o = 0; o < 4; o++) {
        assertArrayEquals(expected[o], eval(p, o, in), "output " + o);
      }
    }
  }

  @Test
  void slicingIndexingAndTransposeMatchRowMajorLoops() {
    Program p =
        LangTesting.compile(
            "def f(x: Encrypted[int4, (5, 7)]):\n"
                + "    return x[1:-1:2, ::3], x[-2], x.T[2:5, 4]\n");
    Random rnd = new Random(2);
    for (int trial = 0; trial < TRIALS; trial++) {
      long[] x = random(rnd, 35, -8, 7);
      Tensor in = new Tensor.Ints(new int[] {5, 7}, x);
      // rows 1, 3; columns 0, 3, 6
      long[] a = new long[6];
      int k = 0;
      for (int r = 1; r < 4; r += 2) {
        for (int c = 0; c < 7; c += 3) {
          a[k++] = x[r * 7 + c];
        }
      }
      assertArrayEquals(a, eval(p, 0, in));
      long[] b = new long[7];
      for (int c = 0; c < 7; c++) {
        b[c] = x[3 * 7 + c];
      }
      assertArrayEquals(b, eval(p, 1, in));
      // x.T[2:5, 4] = x[4, 2:5]
      assertArrayEquals(new long[] {x[4 * 7 + 2], x[4 * 7 + 3], x[4 * 7 + 4]}, eval(p, 2, in));
    }
  }

  @Test
  void unrolledReluChainIsTheRowMaximum() {
    String src =
        """
        import numpy as np

        def relu_max(s):
            m = s[:, 0:1]
            for i in range(1, s.shape[-1]):
                m = m + np.maximum(s[:, i:i + 1] - m, 0)
            return m

        def f(x: Encrypted[int4, (3, 6)]):
            return relu_max(x), np.max(x, axis=-1, keepdims=True)
        """;
    Program p = LangTesting.compile(src);
    Random rnd = new Random(3);
    for (int trial = 0; trial < TRIALS; trial++) {
      long[] x = random(rnd, 18, -8, 7);
      Tensor in = new Tensor.Ints(new int[] {3, 6}, x);
      long[] max = new long[3];
      for (int r = 0; r < 3; r++) {
        max[r] = Long.MIN_VALUE;
        for (int c = 0; c < 6; c++) {
          max[r] = Math.max(max[r], x[r * 6 + c]);
        }
      }
      assertArrayEquals(max, eval(p, 0, in));
      assertArrayEquals(max, eval(p, 1, in));
    }
  }

  @Test
  void quantizedMaskedSoftmaxMatchesAPlainDoubleLoop() {
    String src =
        """
        import numpy as np

        def f(s: Encrypted[int4, (4, 4)]):
            mask = np.tril(np.ones((4, 4)))
            z = np.where(mask, s * 0.3, -2.0)
            e = np.exp(z - np.max(z, axis=-1, keepdims=True))
            return np.rint(e / np.sum(e, axis=-1, keepdims=True) * 15).astype(int)
        """;
    Program p = LangTesting.compile(src);
    Random rnd = new Random(4);
    for (int trial = 0; trial < TRIALS; trial++) {
      long[] s = random(rnd, 16, -8, 7);
      long[] expected = new long[16];
      for (int r = 0; r < 4; r++) {
        double[] z = new double[4];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < 4; c++) {
          z[c] = c <= r ? s[r * 4 + c] * 0.3 : -2.0;
          max = Math.max(max, z[c]);
        }
        double sum = 0;
        double[] e = new double[4];
        for (int c = 0; c < 4; c++) {
          e[c] = Math.exp(z[c] - max);
          sum += e[c];
        }
        for (int c = 0; c < 4; c++) {
          expected[r * 4 + c] = (long) Math.rint(e[c] / sum * 15);
        }
      }
      assertArrayEquals(expected, eval(p, 0, new Tensor.Ints(new int[] {4, 4}, s)));
    }
  }

  @Test
  void splitMatmulAndConcatenate() {
    String src =
        """
        import numpy as np

        def f(x: Encrypted[int3, (2, 6)], w: Clear[int3, (3, 2)]):
            a, b = np.split(x, 2, axis=1)
            return np.concatenate([b @ w, a @ w], axis=0)
        """;
    Program p = LangTesting.compile(src);
    Random rnd = new Random(5);
    for (int trial = 0; trial < TRIALS; trial++) {
      long[] x = random(rnd, 12, -4, 3);
      long[] w = random(rnd, 6, -4, 3);
      long[] expected = new long[8];
      for (int half = 0; half < 2; half++) {
        int off = half == 0 ? 3 : 0; // b first, then a
        for (int r = 0; r < 2; r++) {
          for (int c = 0; c < 2; c++) {
            long acc = 0;
            for (int k = 0; k < 3; k++) {
              acc += x[r * 6 + off + k] * w[k * 2 + c];
            }
            expected[(half * 2 + r) * 2 + c] = acc;
          }
        }
      }
      long[] got =
          eval(p, 0, new Tensor.Ints(new int[] {2, 6}, x), new Tensor.Ints(new int[] {3, 2}, w));
      assertArrayEquals(expected, got);
      assertEquals(8, got.length);
    }
  }
}
