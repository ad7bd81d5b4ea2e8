package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.Tensor;
import dev.fhec.grammar.ast.Span;
import java.util.ArrayList;
import java.util.List;

/** Compile-time numpy arrays: {@code np.array} of nested tuples/lists, {@code np.ones}, ... */
final class ConstArrays {
  private ConstArrays() {}

  /** A tensor from a number or nested rectangular tuples/lists of numbers (np.array). */
  static Tensor fromNested(Value v, Span span) {
    List<Integer> shape = new ArrayList<>();
    Value cur = v;
    while (cur instanceof Value.Tuple || cur instanceof Value.PyList) {
      List<Value> items = items(cur);
      if (items.isEmpty()) {
        throw Tracer.error(span, "empty arrays are not supported");
      }
      shape.add(items.size());
      cur = items.get(0);
    }
    List<Value> flat = new ArrayList<>();
    flatten(v, 0, shape, flat, span);
    int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
    boolean anyFloat = flat.stream().anyMatch(x -> x instanceof Value.Float);
    if (anyFloat) {
      double[] d = new double[flat.size()];
      for (int i = 0; i < d.length; i++) {
        d[i] = asDouble(flat.get(i), span);
      }
      return new Tensor.Floats(dims, d);
    }
    long[] d = new long[flat.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = asLong(flat.get(i), span);
    }
    return new Tensor.Ints(dims, d);
  }

  private static List<Value> items(Value v) {
    return v instanceof Value.Tuple t ? t.items() : ((Value.PyList) v).items();
  }

  private static void flatten(Value v, int depth, List<Integer> shape, List<Value> out, Span span) {
    if (depth == shape.size()) {
      if (v instanceof Value.Tuple || v instanceof Value.PyList) {
        throw Tracer.error(span, "array elements must be nested to the same depth");
      }
      out.add(v);
      return;
    }
    if (!(v instanceof Value.Tuple || v instanceof Value.PyList)
        || items(v).size() != shape.get(depth)) {
      throw Tracer.error(span, "array rows must all have length " + shape.get(depth));
    }
    for (Value item : items(v)) {
      flatten(item, depth + 1, shape, out, span);
    }
  }

  private static double asDouble(Value v, Span span) {
    return switch (v) {
      case Value.Float f -> f.value();
      case Value.Int i -> i.value();
      case Value.Bool b -> b.value() ? 1 : 0;
      default ->
          throw Tracer.error(span, "array elements must be numbers, got " + Value.describe(v));
    };
  }

  private static long asLong(Value v, Span span) {
    return switch (v) {
      case Value.Int i -> i.value();
      case Value.Bool b -> b.value() ? 1 : 0;
      default ->
          throw Tracer.error(span, "array elements must be numbers, got " + Value.describe(v));
    };
  }

  static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Most elements a constant array built in the source may have (2^26, as a loaded one). */
  static final long MAX_ELEMENTS = 1L << 26;

  /**
   * The element count of a shape written in the source: positive dimensions, bounded size (the
   * caller reports the exception at the call, prefixed with the function's name).
   */
  static int checkedSize(int[] shape, Span span) {
    long n = 1;
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "dimensions must be >= 1: " + java.util.Arrays.toString(shape));
      }
      n *= d;
      if (n > MAX_ELEMENTS) {
        throw new IllegalArgumentException(
            "shape "
                + java.util.Arrays.toString(shape)
                + " has more than "
                + MAX_ELEMENTS
                + " elements");
      }
    }
    return (int) n;
  }

  /** np.ones / np.zeros / np.full. */
  static Tensor full(int[] shape, Value fill, Span span) {
    int n = checkedSize(shape, span);
    if (fill instanceof Value.Float f) {
      double[] d = new double[n];
      java.util.Arrays.fill(d, f.value());
      return new Tensor.Floats(shape, d);
    }
    long[] d = new long[n];
    java.util.Arrays.fill(d, asLong(fill, span));
    return new Tensor.Ints(shape, d);
  }

  /** np.tril (lower = true) or np.triu of the last two axes, keeping diagonal offset k. */
  static Tensor triangle(Tensor t, long k, boolean lower, Span span) {
    int[] shape = t.shape();
    if (shape.length < 2) {
      throw Tracer.error(span, "tril/triu need an array of rank >= 2");
    }
    int rows = shape[shape.length - 2];
    int cols = shape[shape.length - 1];
    boolean[] keep = new boolean[t.size()];
    for (int i = 0; i < t.size(); i++) {
      int c = i % cols;
      int r = (i / cols) % rows;
      keep[i] = lower ? c - r <= k : c - r >= k;
    }
    return switch (t) {
      case Tensor.Ints ints -> {
        long[] d = ints.data();
        for (int i = 0; i < d.length; i++) {
          d[i] = keep[i] ? d[i] : 0;
        }
        yield new Tensor.Ints(shape, d);
      }
      case Tensor.Floats fl -> {
        double[] d = fl.data();
        for (int i = 0; i < d.length; i++) {
          d[i] = keep[i] ? d[i] : 0;
        }
        yield new Tensor.Floats(shape, d);
      }
    };
  }

  /** np.arange(start, stop, step) of integers. */
  static Tensor arange(long start, long stop, long step, Span span) {
    Value.Range r = new Value.Range(start, stop, step);
    long n = r.length();
    if (n < 1 || n > 1 << 24) {
      throw Tracer.error(span, "arange must have between 1 and 2^24 elements, has " + n);
    }
    long[] d = new long[(int) n];
    for (int i = 0; i < n; i++) {
      d[i] = start + i * step;
    }
    return new Tensor.Ints(new int[] {(int) n}, d);
  }
}
