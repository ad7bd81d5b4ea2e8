package dev.fhec.compiler.ir;

import java.util.Arrays;
import java.util.Objects;

/** Type of an IR value: shape, element type, and whether it is encrypted. */
public record TensorType(int[] shape, ElementType element, boolean encrypted) {
  public TensorType {
    shape = shape.clone();
    Objects.requireNonNull(element, "element");
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException("dimensions must be >= 1: " + Arrays.toString(shape));
      }
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  public int size() {
    int s = 1;
    for (int d : shape) {
      s = Math.multiplyExact(s, d);
    }
    return s;
  }

  public boolean isFloat() {
    return element instanceof ElementType.FloatType;
  }

  public TensorType withElement(ElementType e) {
    return new TensorType(shape, e, encrypted);
  }

  public TensorType withShape(int[] s) {
    return new TensorType(s, element, encrypted);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorType t
        && Arrays.equals(shape, t.shape)
        && element.equals(t.element)
        && encrypted == t.encrypted;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(shape), element, encrypted);
  }

  /** Concrete-like spelling, e.g. {@code EncryptedInt<4>[6,64]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(encrypted ? "Encrypted" : "Clear").append(element);
    sb.append('[');
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return sb.append(']').toString();
  }
}
