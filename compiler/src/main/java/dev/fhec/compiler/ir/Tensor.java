package dev.fhec.compiler.ir;

import java.util.Arrays;

/** A clear constant tensor (row-major), integer or float. */
public sealed interface Tensor {
  int[] shape();

  int size();

  /** Element i as a double (exact for integers below 2^53). */
  double asDouble(int i);

  /** An integer tensor. */
  record Ints(int[] shape, long[] data) implements Tensor {
    public Ints {
      shape = shape.clone();
      data = data.clone();
      checkSize(shape, data.length);
    }

    public static Ints scalar(long v) {
      return new Ints(new int[0], new long[] {v});
    }

    public long at(int i) {
      return data[i];
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
    public double asDouble(int i) {
      return data[i];
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
      return "Ints" + Arrays.toString(shape);
    }
  }

  /** A float64 tensor. */
  record Floats(int[] shape, double[] data) implements Tensor {
    public Floats {
      shape = shape.clone();
      data = data.clone();
      checkSize(shape, data.length);
    }

    public static Floats scalar(double v) {
      return new Floats(new int[0], new double[] {v});
    }

    public double at(int i) {
      return data[i];
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
    public double asDouble(int i) {
      return data[i];
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
      return "Floats" + Arrays.toString(shape);
    }
  }

  private static void checkSize(int[] shape, int length) {
    int size = 1;
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException("dimensions must be >= 1: " + Arrays.toString(shape));
      }
      size = Math.multiplyExact(size, d);
    }
    if (size != length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + size + " elements, data has " + length);
    }
  }
}
