package dev.fhec.runtime.exec;

import java.util.Arrays;

/**
 * Row-major shape arithmetic shared by the cleartext simulator and the compiler's evaluator and
 * lowering: sizes, strides, numpy broadcasting, and the flat source index of a broadcast element.
 */
public final class Shapes {
  private Shapes() {}

  /** Number of elements of a shape ({@code []} is a scalar of size 1). */
  public static int size(int[] shape) {
    int s = 1;
    for (int d : shape) {
      s = Math.multiplyExact(s, d);
    }
    return s;
  }

  /** Row-major strides. */
  public static int[] strides(int[] shape) {
    int[] st = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = s;
      s *= shape[i];
    }
    return st;
  }

  /** numpy broadcast of two shapes; throws naming both when incompatible. */
  public static int[] broadcast(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.length ? 1 : a[i - (r - a.length)];
      int db = i < r - b.length ? 1 : b[i - (r - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
      }
      out[i] = Math.max(da, db);
    }
    return out;
  }

  /**
   * For every element of {@code target} (row-major), the flat index of the element of a tensor of
   * shape {@code source} that numpy broadcasting reads.
   */
  public static int[] broadcastIndex(int[] source, int[] target) {
    int[] check = broadcast(source, target);
    if (!Arrays.equals(check, target)) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(source) + " does not broadcast to " + Arrays.toString(target));
    }
    int n = size(target);
    int r = target.length;
    int off = r - source.length;
    int[] srcStrides = strides(source);
    int[] eff = new int[r];
    for (int i = 0; i < r; i++) {
      eff[i] = i < off || source[i - off] == 1 ? 0 : srcStrides[i - off];
    }
    int[] idx = new int[n];
    int[] counter = new int[r];
    int cur = 0;
    for (int e = 0; e < n; e++) {
      idx[e] = cur;
      for (int ax = r - 1; ax >= 0; ax--) {
        counter[ax]++;
        cur += eff[ax];
        if (counter[ax] < target[ax]) {
          break;
        }
        cur -= eff[ax] * counter[ax];
        counter[ax] = 0;
      }
    }
    return idx;
  }

  /** Whether the index map is the identity 0..n−1. */
  public static boolean isIdentity(int[] index, int sourceSize) {
    if (index.length != sourceSize) {
      return false;
    }
    for (int i = 0; i < index.length; i++) {
      if (index[i] != i) {
        return false;
      }
    }
    return true;
  }
}
