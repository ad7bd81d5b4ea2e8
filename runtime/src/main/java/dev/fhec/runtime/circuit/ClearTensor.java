package dev.fhec.runtime.circuit;

import java.util.Arrays;

/** A clear integer tensor (row-major), used for constants of a {@link Circuit}. */
public record ClearTensor(int[] shape, long[] data) {
  public ClearTensor {
    shape = shape.clone();
    data = data.clone();
    int size = 1;
    for (int d : shape) {
      size = Math.multiplyExact(size, d);
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " holds "
              + size
              + " elements, data has "
              + data.length);
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public long[] data() {
    return data.clone();
  }

  /** Element at flat index i, without copying. */
  public long at(int i) {
    return data[i];
  }

  public int size() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClearTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "ClearTensor" + Arrays.toString(shape);
  }
}
