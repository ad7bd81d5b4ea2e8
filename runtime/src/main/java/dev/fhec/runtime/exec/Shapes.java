package dev.fhec.runtime.exec;

import java.util.Arrays;

/** Row-major index arithmetic and numpy broadcasting for the executor. */
final class Shapes {
  private Shapes() {}

  static int size(int[] shape) {
    int s = 1;
    for (int d : shape) {
      s = Math.multiplyExact(s, d);
    }
    return s;
  }

  static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  /** numpy broadcast of two shapes, or an exception naming both. */
  static int[] broadcast(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
      }
      out[i] = Math.max(da, db);
    }
    return out;
  }

  /**
   * For each flat index of {@code target}, the flat index of the element of {@code source} that
   * numpy broadcasting reads.
   */
  static int[] broadcastIndex(int[] source, int[] target) {
    if (!Arrays.equals(broadcast(source, target), target)) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(source) + " does not broadcast to " + Arrays.toString(target));
    }
    int rank = target.length;
    int offset = rank - source.length;
    int[] srcStrides = strides(source);
    int[] eff = new int[rank];
    for (int i = 0; i < rank; i++) {
      eff[i] = i < offset || source[i - offset] == 1 ? 0 : srcStrides[i - offset];
    }
    int n = size(target);
    int[] out = new int[n];
    int[] idx = new int[rank];
    int flat = 0;
    for (int t = 0; t < n; t++) {
      out[t] = flat;
      for (int d = rank - 1; d >= 0; d--) {
        idx[d]++;
        flat += eff[d];
        if (idx[d] < target[d]) {
          break;
        }
        flat -= eff[d] * idx[d];
        idx[d] = 0;
      }
    }
    return out;
  }
}
