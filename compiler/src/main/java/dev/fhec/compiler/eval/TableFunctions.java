package dev.fhec.compiler.eval;

import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.exec.Shapes;
import java.util.Arrays;

/**
 * Tabulates a table-lookup function over an integer range. The function is evaluated once on a
 * batch of shape [T, 1, ..., 1]; its constants broadcast it to [T, e...], where e is the
 * "effective" shape: one distinct table per effective element (a scalar-constant chain has one
 * table, a per-column bias one per column, a causal mask one per cell).
 */
public final class TableFunctions {
  private TableFunctions() {}

  /**
   * Values of a function over [lo, hi].
   *
   * @param lo first input value
   * @param effectiveShape the constants' broadcast shape, padded to x's rank
   * @param elementTable for each element of x (row-major), its effective element
   * @param values values[e][v − lo] = f(v) at effective element e
   */
  public record Tabulation(long lo, int[] effectiveShape, int[] elementTable, long[][] values) {
    public long at(int effective, long v) {
      long c = Math.max(lo, Math.min(lo + values[effective].length - 1, v));
      return values[effective][(int) (c - lo)];
    }

    public long min() {
      long m = Long.MAX_VALUE;
      for (long[] t : values) {
        for (long x : t) {
          m = Math.min(m, x);
        }
      }
      return m;
    }

    public long max() {
      long m = Long.MIN_VALUE;
      for (long[] t : values) {
        for (long x : t) {
          m = Math.max(m, x);
        }
      }
      return m;
    }
  }

  /** Largest range tabulated (2^22 values): wider table inputs are rejected before this. */
  public static final long MAX_RANGE = 1L << 22;

  public static Tabulation tabulate(Program function, int[] xShape, long lo, long hi) {
    long count = hi - lo + 1;
    if (count > MAX_RANGE) {
      throw new IllegalArgumentException(
          "table input range [" + lo + ", " + hi + "] has more than 2^22 values");
    }
    int rank = xShape.length;
    int total = (int) count;
    int[] probeShape = new int[rank + 1];
    Arrays.fill(probeShape, 1);
    probeShape[0] = 1;
    // One probe evaluation reveals the effective shape.
    Tensor probe =
        ReferenceEvaluator.tableLookup(function, new Tensor.Ints(probeShape, new long[] {lo}));
    int[] ps = probe.shape();
    int[] eff = new int[rank];
    Arrays.fill(eff, 1);
    for (int i = 0; i < Math.min(rank, ps.length - 1); i++) {
      eff[rank - 1 - i] = ps[ps.length - 1 - i];
    }
    int effSize = Shapes.size(eff);
    int[] elementTable = Shapes.broadcastIndex(eff, xShape);
    long[][] values = new long[effSize][total];
    int chunk = Math.max(1, Math.min(total, (1 << 21) / effSize));
    for (int start = 0; start < total; start += chunk) {
      int len = Math.min(chunk, total - start);
      long[] in = new long[len];
      for (int i = 0; i < len; i++) {
        in[i] = lo + start + i;
      }
      int[] shape = probeShape.clone();
      shape[0] = len;
      Tensor.Ints r =
          (Tensor.Ints) ReferenceEvaluator.tableLookup(function, new Tensor.Ints(shape, in));
      int[] rs = r.shape();
      int[] full = new int[rank + 1];
      full[0] = len;
      System.arraycopy(eff, 0, full, 1, rank);
      int[] idx = Shapes.broadcastIndex(rs, full);
      for (int i = 0; i < len; i++) {
        for (int e = 0; e < effSize; e++) {
          values[e][start + i] = r.at(idx[i * effSize + e]);
        }
      }
    }
    return new Tabulation(lo, eff, elementTable, values);
  }

  /** Convenience for tests: f applied to one scalar at effective element 0. */
  public static long apply(Program function, long v) {
    return ((Tensor.Ints) ReferenceEvaluator.tableLookup(function, Tensor.Ints.scalar(v))).at(0);
  }
}
