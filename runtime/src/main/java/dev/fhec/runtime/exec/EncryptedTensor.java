package dev.fhec.runtime.exec;

import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.random.Seed;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A tensor of LWE ciphertexts (row-major) with the width and signedness of its encoding ({@link
 * ValueInfo}). Elements may be shared between tensors (gather by reference), so they are never
 * modified once the tensor exists.
 *
 * <p>A freshly encrypted tensor remembers the public seed of its masks (element e's mask is stream
 * e of the seed), which lets files store only the bodies.
 */
public final class EncryptedTensor {
  private final int[] shape;
  private final int width;
  private final boolean signed;
  private final LweCiphertext[] elements;
  private final Seed maskSeed;
  private final int partition;

  /**
   * @param partition the parameter-plan partition whose big key the elements are under
   * @param maskSeed seed of the masks of a fresh encryption, or null
   */
  public EncryptedTensor(
      int[] shape,
      int width,
      boolean signed,
      int partition,
      LweCiphertext[] elements,
      Seed maskSeed) {
    if (partition < 0) {
      throw new IllegalArgumentException("partition " + partition);
    }
    this.partition = partition;
    this.shape = shape.clone();
    long size = 1;
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException("bad shape " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != elements.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " holds "
              + size
              + " elements, got "
              + elements.length);
    }
    if (width < 1 || width > ValueInfo.MAX_WIDTH) {
      throw new IllegalArgumentException("width must be in 1.." + ValueInfo.MAX_WIDTH);
    }
    for (int i = 0; i < elements.length; i++) {
      Objects.requireNonNull(elements[i], "element " + i);
      if (elements[i].dimension() != elements[0].dimension()) {
        throw new IllegalArgumentException(
            "element " + i + " has dimension " + elements[i].dimension());
      }
    }
    this.width = width;
    this.signed = signed;
    this.elements = elements.clone();
    this.maskSeed = maskSeed;
  }

  /** A tensor of partition 0. */
  public EncryptedTensor(
      int[] shape, int width, boolean signed, LweCiphertext[] elements, Seed maskSeed) {
    this(shape, width, signed, 0, elements, maskSeed);
  }

  /** A tensor of partition 0 that is not a fresh encryption. */
  public EncryptedTensor(int[] shape, int width, boolean signed, LweCiphertext[] elements) {
    this(shape, width, signed, 0, elements, null);
  }

  /** A computed tensor of the type {@code info} (its partition included). */
  public static EncryptedTensor of(ValueInfo info, LweCiphertext[] elements) {
    return new EncryptedTensor(
        info.shape(), info.width(), info.signed(), info.partition(), elements, null);
  }

  /** The parameter-plan partition whose big key the elements are under. */
  public int partition() {
    return partition;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int width() {
    return width;
  }

  public boolean signed() {
    return signed;
  }

  public int size() {
    return elements.length;
  }

  /** LWE dimension of the elements (k·N under the big key). */
  public int lweDimension() {
    return elements[0].dimension();
  }

  public LweCiphertext element(int i) {
    return elements[i];
  }

  /** The element array (a copy of the references). */
  public LweCiphertext[] elements() {
    return elements.clone();
  }

  /** Seed of the masks when this tensor is a fresh encryption (seeded compression possible). */
  public Optional<Seed> maskSeed() {
    return Optional.ofNullable(maskSeed);
  }

  /** Whether this tensor's encoding matches {@code info} (shape, width, signedness, partition). */
  public boolean matches(ValueInfo info) {
    return Arrays.equals(shape, info.shape())
        && width == info.width()
        && signed == info.signed()
        && partition == info.partition();
  }

  /** The encrypted {@link ValueInfo} of this tensor. */
  public ValueInfo info() {
    return new ValueInfo(shape, width, signed, true, partition);
  }

  @Override
  public String toString() {
    return info().toString();
  }
}
