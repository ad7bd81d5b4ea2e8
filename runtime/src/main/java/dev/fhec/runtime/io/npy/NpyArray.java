package dev.fhec.runtime.io.npy;

import java.util.Arrays;

/**
 * A numpy array read from or written to {@code .npy}: a row-major (C order) shape and its elements,
 * widened to {@code long} for integer dtypes or {@code double} for float dtypes.
 */
public sealed interface NpyArray {
  int[] shape();

  /** Number of elements (product of the shape; 1 for a scalar). */
  int size();

  /** The dtype written by {@link Npy#write} by default. */
  NpyDtype defaultDtype();

  /** Integer (or bool) elements. */
  record Ints(int[] shape, long[] data) implements NpyArray {
    public Ints {
      shape = shape.clone();
      data = data.clone();
      check(shape, data.length);
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public long[] data() {
      return data.clone();
    }

    @Override
    public int size() {
      return data.length;
    }

    @Override
    public NpyDtype defaultDtype() {
      return NpyDtype.I8;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ints t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "NpyArray.Ints" + Arrays.toString(shape);
    }
  }

  /** Float elements. */
  record Floats(int[] shape, double[] data) implements NpyArray {
    public Floats {
      shape = shape.clone();
      data = data.clone();
      check(shape, data.length);
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public double[] data() {
      return data.clone();
    }

    @Override
    public int size() {
      return data.length;
    }

    @Override
    public NpyDtype defaultDtype() {
      return NpyDtype.F8;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Floats t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "NpyArray.Floats" + Arrays.toString(shape);
    }
  }

  private static void check(int[] shape, int length) {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      size *= d;
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
      }
    }
    if (size != length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + size + " elements, data has " + length);
    }
  }
}
