package dev.fhec.compiler.eval;

import dev.fhec.runtime.exec.Shapes;
import java.util.Arrays;
import java.util.List;

/**
 * Index maps of the data-movement ops: for every output element (row-major), which element of which
 * operand it copies. The evaluator applies them to clear tensors and the lowering emits them as
 * {@code Gather} instructions, so both read the same definition.
 */
public final class Movement {
  private Movement() {}

  /** Output shape and, per output element, the flat index in the single operand. */
  public record IndexMap(int[] shape, int[] element) {}

  /** Output shape and, per output element, the operand number and its flat index. */
  public record ConcatMap(int[] shape, int[] source, int[] element) {}

  /** Resolves one {@code -1} and checks the element count. */
  public static int[] resolveReshape(int[] from, List<Integer> to) {
    int[] shape = to.stream().mapToInt(Integer::intValue).toArray();
    int size = Shapes.size(from);
    int known = 1;
    int unknown = -1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == -1) {
        unknown = i;
      } else {
        known *= shape[i];
      }
    }
    if (unknown >= 0) {
      shape[unknown] = size / Math.max(known, 1);
    }
    if (Shapes.size(shape) != size) {
      throw new IllegalArgumentException("cannot reshape " + Arrays.toString(from) + " to " + to);
    }
    return shape;
  }

  public static IndexMap identity(int[] shape) {
    int n = Shapes.size(shape);
    int[] e = new int[n];
    for (int i = 0; i < n; i++) {
      e[i] = i;
    }
    return new IndexMap(shape, e);
  }

  public static IndexMap transpose(int[] shape, List<Integer> perm) {
    int r = shape.length;
    int[] p = perm.isEmpty() ? reversed(r) : perm.stream().mapToInt(Integer::intValue).toArray();
    if (p.length != r) {
      throw new IllegalArgumentException(
          "permutation " + perm + " does not match rank " + r + " of " + Arrays.toString(shape));
    }
    int[] out = new int[r];
    int[] inStrides = Shapes.strides(shape);
    int[] st = new int[r];
    for (int i = 0; i < r; i++) {
      out[i] = shape[p[i]];
      st[i] = inStrides[p[i]];
    }
    return new IndexMap(out, walk(out, st, 0));
  }

  private static int[] reversed(int r) {
    int[] p = new int[r];
    for (int i = 0; i < r; i++) {
      p[i] = r - 1 - i;
    }
    return p;
  }

  public static IndexMap slice(
      int[] shape, List<Integer> starts, List<Integer> stops, List<Integer> steps) {
    int r = shape.length;
    int[] out = shape.clone();
    int[] inStrides = Shapes.strides(shape);
    int[] st = inStrides.clone();
    int base = 0;
    for (int i = 0; i < starts.size(); i++) {
      int step = steps.isEmpty() ? 1 : steps.get(i);
      if (step < 1) {
        throw new IllegalArgumentException("slice steps must be positive, got " + step);
      }
      int start = norm(starts.get(i), shape[i]);
      int stop = Math.min(norm(stops.get(i), shape[i]), shape[i]);
      if (stop <= start) {
        throw new IllegalArgumentException(
            "empty slice " + starts.get(i) + ":" + stops.get(i) + " on axis " + i);
      }
      out[i] = (stop - start + step - 1) / step;
      st[i] = inStrides[i] * step;
      base += start * inStrides[i];
    }
    if (starts.size() > r) {
      throw new IllegalArgumentException("slice has more axes than rank " + r);
    }
    return new IndexMap(out, walk(out, st, base));
  }

  private static int norm(int i, int dim) {
    return i < 0 ? Math.max(0, i + dim) : i;
  }

  public static IndexMap broadcast(int[] shape, int[] target) {
    return new IndexMap(target, Shapes.broadcastIndex(shape, target));
  }

  public static IndexMap take(int[] shape, List<Integer> indices, int axisIn) {
    int axis = axisIn < 0 ? axisIn + shape.length : axisIn;
    int[] out = shape.clone();
    out[axis] = indices.size();
    int[] inStrides = Shapes.strides(shape);
    int n = Shapes.size(out);
    int[] e = new int[n];
    int[] counter = new int[out.length];
    for (int k = 0; k < n; k++) {
      int off = 0;
      for (int ax = 0; ax < out.length; ax++) {
        int c = counter[ax];
        if (ax == axis) {
          c = indices.get(c);
          if (c < 0) {
            c += shape[axis];
          }
          if (c < 0 || c >= shape[axis]) {
            throw new IllegalArgumentException(
                "index "
                    + indices.get(counter[ax])
                    + " out of range for axis of size "
                    + shape[axis]);
          }
        }
        off += c * inStrides[ax];
      }
      e[k] = off;
      for (int ax = out.length - 1; ax >= 0; ax--) {
        if (++counter[ax] < out[ax]) {
          break;
        }
        counter[ax] = 0;
      }
    }
    return new IndexMap(out, e);
  }

  public static ConcatMap concat(List<int[]> shapes, int axisIn) {
    int[] first = shapes.get(0);
    int axis = axisIn < 0 ? axisIn + first.length : axisIn;
    int[] out = first.clone();
    out[axis] = 0;
    for (int[] s : shapes) {
      if (s.length != first.length) {
        throw new IllegalArgumentException("concat of different ranks");
      }
      for (int i = 0; i < s.length; i++) {
        if (i != axis && s[i] != first[i]) {
          throw new IllegalArgumentException(
              "concat: shapes "
                  + Arrays.toString(first)
                  + " and "
                  + Arrays.toString(s)
                  + " differ");
        }
      }
      out[axis] += s[axis];
    }
    int n = Shapes.size(out);
    int[] src = new int[n];
    int[] el = new int[n];
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= out[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < out.length; i++) {
      inner *= out[i];
    }
    int k = 0;
    for (int o = 0; o < outer; o++) {
      for (int s = 0; s < shapes.size(); s++) {
        int len = shapes.get(s)[axis] * inner;
        for (int j = 0; j < len; j++) {
          src[k] = s;
          el[k] = o * len + j;
          k++;
        }
      }
    }
    return new ConcatMap(out, src, el);
  }

  /** For each element of {@code shape}, its flat index in the keep-dims reduced shape. */
  public static int[] reduceIndex(int[] shape, int[] kept) {
    int[] st = Shapes.strides(kept);
    int[] eff = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      eff[i] = kept[i] == 1 ? 0 : st[i];
    }
    return walk(shape, eff, 0);
  }

  /** Row-major walk of {@code shape}, offset = base + Σ counter·stride. */
  static int[] walk(int[] shape, int[] strides, int base) {
    int n = Shapes.size(shape);
    int[] e = new int[n];
    int[] counter = new int[shape.length];
    int cur = base;
    for (int k = 0; k < n; k++) {
      e[k] = cur;
      for (int ax = shape.length - 1; ax >= 0; ax--) {
        counter[ax]++;
        cur += strides[ax];
        if (counter[ax] < shape[ax]) {
          break;
        }
        cur -= strides[ax] * counter[ax];
        counter[ax] = 0;
      }
    }
    return e;
  }
}
