package dev.fhec.compiler.eval;

import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.runtime.exec.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluates a {@link Program} on clear tensors with numpy semantics: integers as exact {@code long}
 * arithmetic, floats as {@code double}; int/int division gives a float; casting a float to an
 * integer truncates toward zero (like {@code astype}); RINT rounds half to even.
 *
 * <p>It is the specification the rest of the compiler is checked against: bounds measurement
 * evaluates the inputset with it, fusing computes tables with it, and the differential oracle
 * compares it with the simulated circuit. Shapes come from the operand values, not from declared
 * types, so a table-lookup function can be evaluated on a whole batch of inputs at once.
 */
public final class ReferenceEvaluator {
  private ReferenceEvaluator() {}

  /** The outputs of {@code program} on {@code inputs} (program input order). */
  public static List<Tensor> evaluate(Program program, List<Tensor> inputs) {
    Tensor[] all = evaluateAll(program, inputs);
    List<Tensor> out = new ArrayList<>();
    for (int o : program.outputs()) {
      out.add(all[o]);
    }
    return out;
  }

  /** The value of every node of {@code program}, indexed by node id. */
  public static Tensor[] evaluateAll(Program program, List<Tensor> inputs) {
    Tensor[] v = new Tensor[program.nodes().size()];
    for (Node n : program.nodes()) {
      try {
        v[n.id()] = evalNode(n, v, inputs);
      } catch (ArithmeticException | IllegalArgumentException e) {
        throw new EvaluationException(
            "%" + n.id() + " (" + n.location() + "): " + e.getMessage(), e);
      }
    }
    return v;
  }

  /** A program that cannot be evaluated on the given values, naming the node. */
  public static final class EvaluationException extends RuntimeException {
    EvaluationException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static Tensor evalNode(Node n, Tensor[] v, List<Tensor> inputs) {
    return switch (n.op()) {
      case Op.Input in -> {
        if (in.index() >= inputs.size()) {
          throw new IllegalArgumentException(
              "missing input " + in.index() + " (" + in.name() + ")");
        }
        yield inputs.get(in.index());
      }
      case Op.Constant c -> c.value();
      case Op.Binary b -> binary(b.kind(), v[b.lhs()], v[b.rhs()]);
      case Op.Neg ng -> neg(v[ng.x()]);
      case Op.MatMul m -> matmul(v[m.lhs()], v[m.rhs()]);
      case Op.Sum s -> sum(v[s.x()], s.axes(), s.keepDims());
      case Op.Reduce r -> reduce(r.kind(), v[r.x()], r.axis(), r.keepDims());
      case Op.Unary u -> unary(u.fn(), v[u.x()]);
      case Op.Cast c -> cast(v[c.x()], c.to());
      case Op.Where w -> where(v[w.cond()], v[w.ifTrue()], v[w.ifFalse()]);
      case Op.RoundBits r -> roundBits(v[r.x()], r.lsbs());
      case Op.Reshape r -> reshape(v[r.x()], r.shape());
      case Op.Transpose t ->
          gather(v[t.x()], Movement.transpose(v[t.x()].shape(), t.permutation()));
      case Op.Slice s ->
          gather(v[s.x()], Movement.slice(v[s.x()].shape(), s.starts(), s.stops(), s.steps()));
      case Op.Concat c -> concat(c.xs().stream().map(i -> v[i]).toList(), c.axis());
      case Op.Broadcast b ->
          gather(v[b.x()], Movement.broadcast(v[b.x()].shape(), toArray(b.shape())));
      case Op.Gather g -> gather(v[g.x()], Movement.take(v[g.x()].shape(), g.indices(), g.axis()));
      case Op.TableLookup t -> tableLookup(t.function(), v[t.x()]);
    };
  }

  /** Applies a table-lookup function program to a tensor (elementwise, broadcasting). */
  public static Tensor tableLookup(Program function, Tensor x) {
    Tensor r = evaluate(function, List.of(x)).get(0);
    if (!(r instanceof Tensor.Ints)) {
      throw new IllegalArgumentException("table function " + function.name() + " returns floats");
    }
    return r;
  }

  static int[] toArray(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  // ---- elementwise ------------------------------------------------------------------------

  static Tensor binary(Op.BinaryKind kind, Tensor a, Tensor b) {
    int[] shape = Shapes.broadcast(a.shape(), b.shape());
    int[] ia = Shapes.broadcastIndex(a.shape(), shape);
    int[] ib = Shapes.broadcastIndex(b.shape(), shape);
    int n = ia.length;
    boolean comparison =
        switch (kind) {
          case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL -> true;
          case ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM -> false;
        };
    if (a instanceof Tensor.Ints x && b instanceof Tensor.Ints y && kind != Op.BinaryKind.DIV) {
      long[] r = new long[n];
      for (int i = 0; i < n; i++) {
        r[i] = intBinary(kind, x.at(ia[i]), y.at(ib[i]));
      }
      return new Tensor.Ints(shape, r);
    }
    if (comparison) {
      long[] r = new long[n];
      for (int i = 0; i < n; i++) {
        r[i] = compare(kind, a.asDouble(ia[i]), b.asDouble(ib[i])) ? 1 : 0;
      }
      return new Tensor.Ints(shape, r);
    }
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      double x = a.asDouble(ia[i]);
      double y = b.asDouble(ib[i]);
      r[i] =
          switch (kind) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case POW -> Math.pow(x, y);
            case MAXIMUM -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.max(x, y);
            case MINIMUM -> Double.isNaN(x) || Double.isNaN(y) ? Double.NaN : Math.min(x, y);
            case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL ->
                throw new IllegalStateException("comparison handled above");
          };
    }
    return new Tensor.Floats(shape, r);
  }

  private static boolean compare(Op.BinaryKind kind, double x, double y) {
    return switch (kind) {
      case LESS -> x < y;
      case LESS_EQUAL -> x <= y;
      case GREATER -> x > y;
      case GREATER_EQUAL -> x >= y;
      case EQUAL -> x == y;
      case NOT_EQUAL -> x != y;
      case ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM ->
          throw new IllegalStateException(kind + " is not a comparison");
    };
  }

  private static long intBinary(Op.BinaryKind kind, long x, long y) {
    return switch (kind) {
      case ADD -> Math.addExact(x, y);
      case SUB -> Math.subtractExact(x, y);
      case MUL -> Math.multiplyExact(x, y);
      case POW -> intPow(x, y);
      case MAXIMUM -> Math.max(x, y);
      case MINIMUM -> Math.min(x, y);
      case LESS -> x < y ? 1 : 0;
      case LESS_EQUAL -> x <= y ? 1 : 0;
      case GREATER -> x > y ? 1 : 0;
      case GREATER_EQUAL -> x >= y ? 1 : 0;
      case EQUAL -> x == y ? 1 : 0;
      case NOT_EQUAL -> x != y ? 1 : 0;
      case DIV -> throw new IllegalStateException("integer division yields floats");
    };
  }

  static long intPow(long x, long e) {
    if (e < 0) {
      throw new IllegalArgumentException("integers to negative integer powers: " + x + "**" + e);
    }
    long r = 1;
    for (long i = 0; i < e; i++) {
      r = Math.multiplyExact(r, x);
    }
    return r;
  }

  static Tensor neg(Tensor a) {
    return switch (a) {
      case Tensor.Ints x -> {
        long[] r = x.data();
        for (int i = 0; i < r.length; i++) {
          r[i] = Math.negateExact(r[i]);
        }
        yield new Tensor.Ints(x.shape(), r);
      }
      case Tensor.Floats x -> {
        double[] r = x.data();
        for (int i = 0; i < r.length; i++) {
          r[i] = -r[i];
        }
        yield new Tensor.Floats(x.shape(), r);
      }
    };
  }

  static Tensor unary(UnaryFn fn, Tensor a) {
    int n = a.size();
    if (a instanceof Tensor.Ints x) {
      long[] r = new long[n];
      boolean integral = true;
      for (int i = 0; i < n && integral; i++) {
        long v = x.at(i);
        switch (fn) {
          case UnaryFn.Simple s -> {
            switch (s) {
              case ABS -> r[i] = Math.absExact(v);
              case RELU -> r[i] = Math.max(0, v);
              case SIGN -> r[i] = Long.signum(v);
              default -> integral = false;
            }
          }
          case UnaryFn.Clip c -> {
            if (c.min() == Math.rint(c.min()) && c.max() == Math.rint(c.max())) {
              r[i] = Math.min((long) c.max(), Math.max((long) c.min(), v));
            } else {
              integral = false;
            }
          }
          case UnaryFn.Power p -> {
            if (p.exponent() == Math.rint(p.exponent()) && p.exponent() >= 0) {
              r[i] = intPow(v, (long) p.exponent());
            } else {
              integral = false;
            }
          }
        }
      }
      if (integral) {
        return new Tensor.Ints(a.shape(), r);
      }
    }
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = floatUnary(fn, a.asDouble(i));
    }
    return new Tensor.Floats(a.shape(), r);
  }

  static double floatUnary(UnaryFn fn, double x) {
    return switch (fn) {
      case UnaryFn.Simple s ->
          switch (s) {
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case RECIPROCAL -> 1 / x;
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case ERF -> Erf.erf(x);
            case GELU -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
            case ABS -> Math.abs(x);
            case RELU -> x > 0 ? x : 0.0;
            case SIGN -> Math.signum(x);
            case RINT -> Math.rint(x);
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
          };
      case UnaryFn.Clip c -> Math.min(c.max(), Math.max(c.min(), x));
      case UnaryFn.Power p -> Math.pow(x, p.exponent());
    };
  }

  static Tensor cast(Tensor a, ElementType to) {
    return switch (to) {
      case ElementType.FloatType f -> {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) {
          r[i] = a.asDouble(i);
        }
        yield new Tensor.Floats(a.shape(), r);
      }
      case ElementType.IntType t -> {
        if (a instanceof Tensor.Ints) {
          yield a;
        }
        long[] r = new long[a.size()];
        for (int i = 0; i < r.length; i++) {
          double d = a.asDouble(i);
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new ArithmeticException("cannot cast " + d + " to an integer");
          }
          r[i] = (long) d; // truncation toward zero, like numpy astype
        }
        yield new Tensor.Ints(a.shape(), r);
      }
    };
  }

  static Tensor where(Tensor c, Tensor a, Tensor b) {
    int[] shape = Shapes.broadcast(Shapes.broadcast(c.shape(), a.shape()), b.shape());
    int[] ic = Shapes.broadcastIndex(c.shape(), shape);
    int[] ia = Shapes.broadcastIndex(a.shape(), shape);
    int[] ib = Shapes.broadcastIndex(b.shape(), shape);
    if (a instanceof Tensor.Ints x && b instanceof Tensor.Ints y) {
      long[] r = new long[ic.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = c.asDouble(ic[i]) != 0 ? x.at(ia[i]) : y.at(ib[i]);
      }
      return new Tensor.Ints(shape, r);
    }
    double[] r = new double[ic.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = c.asDouble(ic[i]) != 0 ? a.asDouble(ia[i]) : b.asDouble(ib[i]);
    }
    return new Tensor.Floats(shape, r);
  }

  /** round(x / 2^lsbs) · 2^lsbs, ties rounded up (as {@code round_bit_pattern}). */
  public static long roundBits(long x, int lsbs) {
    if (lsbs == 0) {
      return x;
    }
    return ((x + (1L << (lsbs - 1))) >> lsbs) << lsbs;
  }

  static Tensor roundBits(Tensor a, int lsbs) {
    if (!(a instanceof Tensor.Ints x)) {
      throw new IllegalArgumentException("round_bits needs integers");
    }
    long[] r = x.data();
    for (int i = 0; i < r.length; i++) {
      r[i] = roundBits(r[i], lsbs);
    }
    return new Tensor.Ints(x.shape(), r);
  }

  // ---- linear algebra and reductions ------------------------------------------------------

  static Tensor matmul(Tensor a, Tensor b) {
    int[] as = a.shape();
    int[] bs = b.shape();
    if (as.length == 0 || bs.length == 0) {
      throw new IllegalArgumentException("matmul of a scalar");
    }
    boolean aVec = as.length == 1;
    boolean bVec = bs.length == 1;
    int[] a2 = aVec ? new int[] {1, as[0]} : as;
    int[] b2 = bVec ? new int[] {bs[0], 1} : bs;
    int k = a2[a2.length - 1];
    if (b2[b2.length - 2] != k) {
      throw new IllegalArgumentException(
          "matmul " + Arrays.toString(as) + " @ " + Arrays.toString(bs) + ": inner dims differ");
    }
    int m = a2[a2.length - 2];
    int n = b2[b2.length - 1];
    int[] batch =
        Shapes.broadcast(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
    int[] ai = Shapes.broadcastIndex(Arrays.copyOf(a2, a2.length - 2), batch);
    int[] bi = Shapes.broadcastIndex(Arrays.copyOf(b2, b2.length - 2), batch);
    int[] full = Arrays.copyOf(batch, batch.length + 2);
    full[batch.length] = m;
    full[batch.length + 1] = n;
    List<Integer> outShape = new ArrayList<>();
    for (int d : batch) {
      outShape.add(d);
    }
    if (!aVec) {
      outShape.add(m);
    }
    if (!bVec) {
      outShape.add(n);
    }
    int[] os = toArray(outShape);
    int total = Shapes.size(full);
    if (a instanceof Tensor.Ints x && b instanceof Tensor.Ints y) {
      long[] r = new long[total];
      for (int bt = 0; bt < ai.length; bt++) {
        for (int i = 0; i < m; i++) {
          for (int l = 0; l < k; l++) {
            long av = x.at(ai[bt] * m * k + i * k + l);
            for (int j = 0; j < n; j++) {
              int o = bt * m * n + i * n + j;
              r[o] = Math.addExact(r[o], Math.multiplyExact(av, y.at(bi[bt] * k * n + l * n + j)));
            }
          }
        }
      }
      return new Tensor.Ints(os, r);
    }
    double[] r = new double[total];
    for (int bt = 0; bt < ai.length; bt++) {
      for (int i = 0; i < m; i++) {
        for (int l = 0; l < k; l++) {
          double av = a.asDouble(ai[bt] * m * k + i * k + l);
          for (int j = 0; j < n; j++) {
            r[bt * m * n + i * n + j] += av * b.asDouble(bi[bt] * k * n + l * n + j);
          }
        }
      }
    }
    return new Tensor.Floats(os, r);
  }

  /** Normalized, sorted reduction axes (empty = all). */
  public static int[] normalizeAxes(List<Integer> axes, int rank) {
    if (axes.isEmpty()) {
      int[] all = new int[rank];
      for (int i = 0; i < rank; i++) {
        all[i] = i;
      }
      return all;
    }
    return axes.stream().mapToInt(a -> a < 0 ? a + rank : a).sorted().distinct().toArray();
  }

  /** The shape after reducing {@code axes} of {@code shape}. */
  public static int[] reducedShape(int[] shape, int[] axes, boolean keepDims) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      final int ax = i;
      boolean red = Arrays.stream(axes).anyMatch(x -> x == ax);
      if (!red) {
        out.add(shape[i]);
      } else if (keepDims) {
        out.add(1);
      }
    }
    return toArray(out);
  }

  static Tensor sum(Tensor a, List<Integer> axesList, boolean keepDims) {
    int[] shape = a.shape();
    int[] axes = normalizeAxes(axesList, shape.length);
    int[] kept = reducedShape(shape, axes, true);
    int[] idx = Movement.reduceIndex(shape, kept);
    int[] os = reducedShape(shape, axes, keepDims);
    if (a instanceof Tensor.Ints x) {
      long[] r = new long[Shapes.size(kept)];
      for (int i = 0; i < idx.length; i++) {
        r[idx[i]] = Math.addExact(r[idx[i]], x.at(i));
      }
      return new Tensor.Ints(os, r);
    }
    double[] r = new double[Shapes.size(kept)];
    for (int i = 0; i < idx.length; i++) {
      r[idx[i]] += a.asDouble(i);
    }
    return new Tensor.Floats(os, r);
  }

  static Tensor reduce(Op.ReduceKind kind, Tensor a, int axis, boolean keepDims) {
    int[] shape = a.shape();
    int[] axes = normalizeAxes(List.of(axis), shape.length);
    int[] kept = reducedShape(shape, axes, true);
    int[] idx = Movement.reduceIndex(shape, kept);
    int[] os = reducedShape(shape, axes, keepDims);
    boolean max = kind == Op.ReduceKind.MAX;
    if (a instanceof Tensor.Ints x) {
      long[] r = new long[Shapes.size(kept)];
      Arrays.fill(r, max ? Long.MIN_VALUE : Long.MAX_VALUE);
      for (int i = 0; i < idx.length; i++) {
        r[idx[i]] = max ? Math.max(r[idx[i]], x.at(i)) : Math.min(r[idx[i]], x.at(i));
      }
      return new Tensor.Ints(os, r);
    }
    double[] r = new double[Shapes.size(kept)];
    Arrays.fill(r, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    for (int i = 0; i < idx.length; i++) {
      r[idx[i]] = max ? Math.max(r[idx[i]], a.asDouble(i)) : Math.min(r[idx[i]], a.asDouble(i));
    }
    return new Tensor.Floats(os, r);
  }

  // ---- data movement ----------------------------------------------------------------------

  static Tensor reshape(Tensor a, List<Integer> shapeList) {
    int[] shape = Movement.resolveReshape(a.shape(), shapeList);
    return switch (a) {
      case Tensor.Ints x -> new Tensor.Ints(shape, x.data());
      case Tensor.Floats x -> new Tensor.Floats(shape, x.data());
    };
  }

  static Tensor gather(Tensor a, Movement.IndexMap map) {
    int[] idx = map.element();
    return switch (a) {
      case Tensor.Ints x -> {
        long[] r = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
          r[i] = x.at(idx[i]);
        }
        yield new Tensor.Ints(map.shape(), r);
      }
      case Tensor.Floats x -> {
        double[] r = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
          r[i] = x.at(idx[i]);
        }
        yield new Tensor.Floats(map.shape(), r);
      }
    };
  }

  static Tensor concat(List<Tensor> xs, int axis) {
    List<int[]> shapes = xs.stream().map(Tensor::shape).toList();
    Movement.ConcatMap map = Movement.concat(shapes, axis);
    boolean ints = xs.stream().allMatch(t -> t instanceof Tensor.Ints);
    int n = map.element().length;
    if (ints) {
      long[] r = new long[n];
      for (int i = 0; i < n; i++) {
        r[i] = ((Tensor.Ints) xs.get(map.source()[i])).at(map.element()[i]);
      }
      return new Tensor.Ints(map.shape(), r);
    }
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = xs.get(map.source()[i]).asDouble(map.element()[i]);
    }
    return new Tensor.Floats(map.shape(), r);
  }
}
