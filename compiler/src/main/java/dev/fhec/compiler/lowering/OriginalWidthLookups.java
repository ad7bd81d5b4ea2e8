package dev.fhec.compiler.lowering;

import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lookups at the original width (compiler.md §8.9): a lookup input encoded at width w whose values
 * provably fit o &lt; w bits is multiplied by 2^(w−o) and looked up at o bits with a re-indexed
 * table, so its bootstrap runs at o bits instead of w.
 *
 * <p>Why it is exact: m·2^(w−o) at width w has the torus value m·2^(63−o), the encoding of m at
 * width o; the lookup reads its o most significant message bits (the approximate-rounding path of
 * {@link Instruction.Tlu}), which are exactly m because the low w−o bits are zero. The cost: the
 * noise of the lookup input grows by 2^(w−o) (ν² by 4^(w−o)).
 *
 * <p>Bounds are static, not calibrated: intervals propagated from the declared input ranges and the
 * tables' entries through every instruction, so the rewrite is exact for every input in range
 * (Concrete uses the inputset's bounds instead). Only exact lookups (table size 2^w) are rewritten.
 */
public final class OriginalWidthLookups {
  private OriginalWidthLookups() {}

  /**
   * The circuit with every exact lookup whose input fits fewer bits moved to those bits, the origin
   * of each inserted multiply being its lookup's; {@code c} itself when no lookup narrows.
   */
  public static LoweredCircuit rewrite(LoweredCircuit c) {
    long[][] bounds = bounds(c);
    List<ValueInfo> values = new ArrayList<>(c.values());
    List<ClearTensor> constants = new ArrayList<>(c.constants());
    List<LookupTable> tables = new ArrayList<>(c.tables());
    List<Instruction> out = new ArrayList<>();
    List<Integer> origins = new ArrayList<>();
    Map<Long, Integer> factorConstant = new HashMap<>();
    Map<List<Integer>, Integer> reindexed = new HashMap<>();
    for (int i = 0; i < c.instructions().size(); i++) {
      Instruction ins = c.instructions().get(i);
      int origin = c.origins().get(i);
      if (!(ins instanceof Instruction.Tlu t)) {
        out.add(ins);
        origins.add(origin);
        continue;
      }
      ValueInfo in = c.value(t.a());
      int w = in.width();
      int r = c.tables().get(t.tables()[0]).inputWidth();
      int o = bitsFor(bounds[t.a()][0], bounds[t.a()][1], in.signed());
      if (r != w || o >= w) {
        out.add(ins);
        origins.add(origin);
        continue;
      }
      long factor = 1L << (w - o);
      int constant =
          factorConstant.computeIfAbsent(
              factor,
              f -> {
                constants.add(new ClearTensor(new int[0], new long[] {f}));
                return constants.size() - 1;
              });
      int scaled = values.size();
      values.add(new ValueInfo(in.shape(), w, in.signed(), true));
      out.add(new Instruction.MulEC(scaled, t.a(), constant));
      origins.add(origin);
      int[] newTables = new int[t.tables().length];
      for (int j = 0; j < newTables.length; j++) {
        int old = t.tables()[j];
        newTables[j] =
            reindexed.computeIfAbsent(
                List.of(old, o),
                k -> {
                  tables.add(reindex(c.tables().get(old), w, o, in.signed()));
                  return tables.size() - 1;
                });
      }
      out.add(new Instruction.Tlu(t.out(), scaled, newTables));
      origins.add(origin);
    }
    if (out.size() == c.instructions().size()) {
      return c;
    }
    return new LoweredCircuit(
        c.name(), values, constants, tables, out, c.inputs(), c.outputs(), origins);
  }

  /** The table indexed by the o-bit value m instead of the w-bit one. */
  static LookupTable reindex(LookupTable t, int w, int o, boolean signed) {
    long[] e = new long[1 << o];
    for (int i = 0; i < e.length; i++) {
      long m = signed ? i - (1L << (o - 1)) : i;
      long index = signed ? m + (1L << (w - 1)) : m;
      e[i] = t.at((int) index);
    }
    return new LookupTable(e);
  }

  /** Bits that hold [lo, hi]: unsigned from 0, signed in two's complement; at least 1. */
  static int bitsFor(long lo, long hi, boolean signed) {
    for (int b = 1; b < 63; b++) {
      long min = signed ? -(1L << (b - 1)) : 0;
      long max = signed ? (1L << (b - 1)) - 1 : (1L << b) - 1;
      if (lo >= min && hi <= max) {
        return b;
      }
    }
    return 63;
  }

  /** [min, max] over the elements of every value, for every input in its declared range. */
  static long[][] bounds(LoweredCircuit c) {
    long[][] b = new long[c.values().size()][];
    for (Instruction ins : c.instructions()) {
      ValueInfo v = c.value(ins.out());
      b[ins.out()] =
          switch (ins) {
            case Instruction.Input x -> new long[] {v.min(), v.max()};
            case Instruction.Tlu t -> {
              long lo = Long.MAX_VALUE;
              long hi = Long.MIN_VALUE;
              for (int ti : t.tables()) {
                for (long e : c.tables().get(ti).entries()) {
                  lo = Math.min(lo, e);
                  hi = Math.max(hi, e);
                }
              }
              yield new long[] {lo, hi};
            }
            case Instruction.ManyTlu t -> {
              long lo = Long.MAX_VALUE;
              long hi = Long.MIN_VALUE;
              for (int ti : t.tables()) {
                for (long e : c.tables().get(ti).entries()) {
                  lo = Math.min(lo, e);
                  hi = Math.max(hi, e);
                }
              }
              yield new long[] {lo, hi};
            }
            case Instruction.AddEE x ->
                new long[] {b[x.a()][0] + b[x.b()][0], b[x.a()][1] + b[x.b()][1]};
            case Instruction.SubEE x ->
                new long[] {b[x.a()][0] - b[x.b()][1], b[x.a()][1] - b[x.b()][0]};
            case Instruction.Neg x -> new long[] {-b[x.a()][1], -b[x.a()][0]};
            case Instruction.Keyswitch x -> b[x.a()];
            case Instruction.Reinterpret x -> {
              int s = c.value(x.a()).width() - v.width();
              yield new long[] {b[x.a()][0] >> s, b[x.a()][1] >> s};
            }
            case Instruction.AddEC x -> {
              long[] k = range(c.constants().get(x.constant()));
              yield new long[] {b[x.a()][0] + k[0], b[x.a()][1] + k[1]};
            }
            case Instruction.SubCE x -> {
              long[] k = range(c.constants().get(x.constant()));
              yield new long[] {k[0] - b[x.a()][1], k[1] - b[x.a()][0]};
            }
            case Instruction.MulEC x -> {
              long[] k = range(c.constants().get(x.constant()));
              long[] a = b[x.a()];
              long p1 = k[0] * a[0];
              long p2 = k[0] * a[1];
              long p3 = k[1] * a[0];
              long p4 = k[1] * a[1];
              yield new long[] {
                Math.min(Math.min(p1, p2), Math.min(p3, p4)),
                Math.max(Math.max(p1, p2), Math.max(p3, p4))
              };
            }
            case Instruction.MatMulEC x -> matmul(c.constants().get(x.constant()), b[x.a()], true);
            case Instruction.MatMulCE x -> matmul(c.constants().get(x.constant()), b[x.a()], false);
            case Instruction.Sum x -> {
              long n = c.value(x.a()).size() / Math.max(1, v.size());
              yield new long[] {b[x.a()][0] * n, b[x.a()][1] * n};
            }
            case Instruction.Gather g -> {
              long lo = Long.MAX_VALUE;
              long hi = Long.MIN_VALUE;
              for (int s : g.sources()) {
                lo = Math.min(lo, b[s][0]);
                hi = Math.max(hi, b[s][1]);
              }
              yield new long[] {lo, hi};
            }
          };
      // The encoding wraps at the value's width; never claim more than the width holds.
      b[ins.out()][0] = Math.max(b[ins.out()][0], v.min());
      b[ins.out()][1] = Math.min(b[ins.out()][1], v.max());
    }
    return b;
  }

  private static long[] range(ClearTensor t) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (int i = 0; i < t.size(); i++) {
      lo = Math.min(lo, t.at(i));
      hi = Math.max(hi, t.at(i));
    }
    return new long[] {lo, hi};
  }

  /** Per output: Σ over the contracted axis of min/max(c·lo, c·hi); the extremes over outputs. */
  private static long[] matmul(ClearTensor c, long[] a, boolean clearOnRight) {
    int[] s = c.shape();
    int rows = s[s.length - 2];
    int cols = s[s.length - 1];
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (int batch = 0; batch < c.size() / (rows * cols); batch++) {
      for (int o = 0; o < (clearOnRight ? cols : rows); o++) {
        long min = 0;
        long max = 0;
        for (int i = 0; i < (clearOnRight ? rows : cols); i++) {
          long k = c.at(batch * rows * cols + (clearOnRight ? i * cols + o : o * cols + i));
          min += Math.min(k * a[0], k * a[1]);
          max += Math.max(k * a[0], k * a[1]);
        }
        lo = Math.min(lo, min);
        hi = Math.max(hi, max);
      }
    }
    return new long[] {lo, hi};
  }
}
