package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.grammar.ast.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * numpy basic indexing ({@code x[i, a:b:s, None]}) lowered to one slice plus, when integers or
 * {@code None} change the rank, one reshape; also indexing of tuples, lists and npz files.
 */
final class Subscripts {
  private final Tracer t;

  Subscripts(Tracer tracer) {
    this.t = tracer;
  }

  Value apply(Value target, List<Index> indices, Span span) {
    return switch (target) {
      case Value.NpzFile f -> npzKey(f, indices, span);
      case Value.Tuple tuple -> sequence(tuple.items(), indices, span, true);
      case Value.PyList list -> sequence(list.items(), indices, span, false);
      case Value.Traced tr -> tensor(target, indices, span);
      case Value.Array a -> tensor(target, indices, span);
      default -> throw Tracer.error(span, Value.describe(target) + " cannot be indexed");
    };
  }

  private static Value npzKey(Value.NpzFile f, List<Index> indices, Span span) {
    if (indices.size() != 1 || !(indices.get(0) instanceof Index.Key k)) {
      throw Tracer.error(span, "an npz file is indexed by one array name, e.g. f[\"W\"]");
    }
    Tensor a = f.arrays().get(k.key());
    if (a == null) {
      throw Tracer.error(
          k.span(),
          "no array '"
              + k.key()
              + "' in "
              + f.path()
              + "; it has "
              + new TreeSet<>(f.arrays().keySet()));
    }
    return new Value.Array(a);
  }

  private static Value sequence(List<Value> items, List<Index> indices, Span span, boolean tuple) {
    if (indices.size() != 1) {
      throw Tracer.error(span, "a tuple or list takes one index");
    }
    return switch (indices.get(0)) {
      case Index.At at -> {
        long i = at.index() < 0 ? at.index() + items.size() : at.index();
        if (i < 0 || i >= items.size()) {
          throw Tracer.error(
              at.span(), "index " + at.index() + " out of range for length " + items.size());
        }
        yield items.get((int) i);
      }
      case Index.Range r -> {
        int n = items.size();
        int step = r.step() == null ? 1 : r.step();
        if (step < 1) {
          throw Tracer.error(r.span(), "slice steps must be positive, got " + step);
        }
        int start = clamp(r.start(), n, 0);
        int stop = clamp(r.stop(), n, n);
        List<Value> out = new ArrayList<>();
        for (int i = start; i < stop; i += step) {
          out.add(items.get(i));
        }
        yield tuple ? new Value.Tuple(out) : new Value.PyList(out);
      }
      case Index.NewAxis n -> throw Tracer.error(n.span(), "None cannot index a tuple or list");
      case Index.Ellipsis el -> throw Tracer.error(el.span(), "'...' cannot index a tuple or list");
      case Index.Key k -> throw Tracer.error(k.span(), "a tuple or list is indexed by integers");
    };
  }

  private static int clamp(Integer v, int n, int dflt) {
    if (v == null) {
      return dflt;
    }
    int x = v < 0 ? v + n : v;
    return Math.max(0, Math.min(n, x));
  }

  private Value tensor(Value target, List<Index> given, Span span) {
    int[] shape = t.shape(target, span);
    List<Index> indices = expandEllipsis(given, shape.length, span);
    int axes = 0;
    boolean reshape = false;
    boolean slice = false;
    for (Index ix : indices) {
      switch (ix) {
        case Index.At at -> {
          axes++;
          reshape = true;
          slice = true;
        }
        case Index.Range r -> {
          axes++;
          slice |= !r.isFull();
        }
        case Index.NewAxis n -> reshape = true;
        case Index.Ellipsis el -> throw new AssertionError("expanded above");
        case Index.Key k ->
            throw Tracer.error(k.span(), "a tensor is indexed by integers and slices, not strings");
      }
    }
    if (axes > shape.length) {
      throw Tracer.error(
          span,
          "too many indices: "
              + axes
              + " for a tensor of rank "
              + shape.length
              + " (shape "
              + java.util.Arrays.toString(shape)
              + ")");
    }
    ProgramBuilder b = t.at(span);
    int node = t.node(target, span);
    if (slice) {
      List<Integer> starts = new ArrayList<>();
      List<Integer> stops = new ArrayList<>();
      List<Integer> steps = new ArrayList<>();
      int axis = 0;
      for (Index ix : indices) {
        switch (ix) {
          case Index.At at -> {
            long i = at.index() < 0 ? at.index() + shape[axis] : at.index();
            if (i < 0 || i >= shape[axis]) {
              throw Tracer.error(
                  at.span(),
                  "index "
                      + at.index()
                      + " is out of bounds for axis "
                      + axis
                      + " with size "
                      + shape[axis]);
            }
            starts.add((int) i);
            stops.add((int) i + 1);
            steps.add(1);
            axis++;
          }
          case Index.Range r -> {
            if (r.step() != null && r.step() < 1) {
              throw Tracer.error(
                  r.span(),
                  "slice steps must be positive (reversing is not supported), got " + r.step());
            }
            starts.add(r.start());
            stops.add(r.stop());
            steps.add(r.step());
            axis++;
          }
          case Index.NewAxis n -> {
            // no axis of the input
          }
          case Index.Ellipsis el -> throw new AssertionError("expanded above");
          case Index.Key k -> throw new AssertionError("rejected above");
        }
      }
      node = b.slice(node, starts, stops, steps);
    }
    if (!reshape) {
      return new Value.Traced(node);
    }
    int[] sliced = b.type(node).shape();
    List<Integer> out = new ArrayList<>();
    int axis = 0;
    for (Index ix : indices) {
      switch (ix) {
        case Index.At at -> axis++;
        case Index.Range r -> out.add(sliced[axis++]);
        case Index.NewAxis n -> out.add(1);
        case Index.Ellipsis el -> throw new AssertionError("expanded above");
        case Index.Key k -> throw new AssertionError("rejected above");
      }
    }
    for (; axis < sliced.length; axis++) {
      out.add(sliced[axis]);
    }
    return new Value.Traced(b.reshape(node, out.stream().mapToInt(Integer::intValue).toArray()));
  }

  /** Replaces one {@code ...} by full slices over the axes no other index consumes. */
  private static List<Index> expandEllipsis(List<Index> indices, int rank, Span span) {
    int ellipses = 0;
    int consumed = 0;
    for (Index ix : indices) {
      switch (ix) {
        case Index.Ellipsis el -> ellipses++;
        case Index.At at -> consumed++;
        case Index.Range r -> consumed++;
        case Index.NewAxis n -> {
          // consumes no axis
        }
        case Index.Key k -> consumed++;
      }
    }
    if (ellipses == 0) {
      return indices;
    }
    if (ellipses > 1) {
      throw Tracer.error(span, "an index can only have a single ellipsis ('...')");
    }
    List<Index> out = new ArrayList<>();
    for (Index ix : indices) {
      if (ix instanceof Index.Ellipsis el) {
        for (int i = consumed; i < rank; i++) {
          out.add(new Index.Range(null, null, null, el.span()));
        }
      } else {
        out.add(ix);
      }
    }
    return out;
  }
}
