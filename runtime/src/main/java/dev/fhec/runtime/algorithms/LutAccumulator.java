package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.circuit.LookupTable;
import java.util.List;

/**
 * The test polynomial of a programmable bootstrap with the padding-bit box layout (tfhe.md §4.1):
 * with P = 2^w input values and box = N/P, coefficients [i·box, (i+1)·box) hold f(i)·Δ_out, and the
 * polynomial is rotated negacyclically left by box/2 so that a phase within half a box of i·box
 * selects f(i). Signed inputs are shifted by 2^(w−1) before the bootstrap ({@link #inputOffset}),
 * so table index i = m + 2^(w−1) as in {@link LookupTable}.
 *
 * <p>Several tables in one bootstrap (many-LUT, CLOT21 ePrint 2021/729, tfhe.md §4.3): F tables of
 * size P/F are laid side by side; the input index must be below P/F and table j is read by
 * extracting coefficient j·(N/F).
 *
 * <p>{@link #interleaved} is the other many-LUT layout, for an input that keeps its encoding: F
 * tables of 2^w entries each interleaved in 2^w·F boxes (box i·F + j holds table j's entry i),
 * table j read at coefficient j·N/(2^w·F); the input then needs the noise margin of a (w + log2
 * F)-bit lookup.
 *
 * @param polynomial N coefficients (the body of a trivial GLWE)
 * @param inputWidth w
 * @param signedInput whether the input is signed (adds 2^(w−1)·Δ before the bootstrap)
 * @param outputWidth w' of the encoded outputs
 * @param extractIndices coefficient to extract for each table
 */
public record LutAccumulator(
    long[] polynomial, int inputWidth, boolean signedInput, int outputWidth, int[] extractIndices) {

  public LutAccumulator {
    polynomial = polynomial.clone();
    extractIndices = extractIndices.clone();
  }

  /** Plaintext added to the body before the blind rotation (2^(w−1)·Δ for signed inputs). */
  public long inputOffset() {
    return signedInput ? Encoding.encode(1L << (inputWidth - 1), inputWidth) : 0L;
  }

  public int tableCount() {
    return extractIndices.length;
  }

  /** Read-only access for the bootstrap (no copy). */
  long[] raw() {
    return polynomial;
  }

  int[] rawIndices() {
    return extractIndices;
  }

  /** One table: entries per the {@link LookupTable} contract, encoded at {@code outputWidth}. */
  public static LutAccumulator of(
      LookupTable table, boolean signedInput, int outputWidth, int polynomialSize) {
    return many(
        List.of(table.entries()), table.inputWidth(), signedInput, outputWidth, polynomialSize);
  }

  /**
   * F tables (F a power of two) of 2^w/F entries each for an input of width w whose index (value,
   * plus 2^(w−1) when signed) is below 2^w/F.
   */
  public static LutAccumulator many(
      List<long[]> tables, int inputWidth, boolean signedInput, int outputWidth, int n) {
    int f = tables.size();
    if (f < 1 || Integer.bitCount(f) != 1) {
      throw new IllegalArgumentException("many-LUT needs a power-of-two table count, got " + f);
    }
    if (inputWidth < 1 || inputWidth > 16) {
      throw new IllegalArgumentException("TLU input width must be in 1..16, got " + inputWidth);
    }
    int p = 1 << inputWidth;
    if (n < p) {
      throw new IllegalArgumentException(
          "a "
              + inputWidth
              + "-bit lookup needs polynomial size N >= 2^"
              + inputWidth
              + " = "
              + p
              + ", parameters have N = "
              + n);
    }
    if (f > p) {
      throw new IllegalArgumentException(f + " tables cannot share a " + inputWidth + "-bit input");
    }
    int perTable = p / f;
    int box = n / p;
    return layout(
        tables, perTable, box, (t, i) -> t * perTable + i, inputWidth, signedInput, outputWidth, n);
  }

  /**
   * F tables (F a power of two ≥ 1) of 2^w entries each for an input of width w encoded as usual (Δ
   * = 2^(63−w)), interleaved: the input index i selects box i·F of 2^w·F boxes, and table j is box
   * i·F + j, extracted at coefficient j·box. Requires N ≥ 2^w·F; the bootstrap reads the input at
   * the precision of a (w + log2 F)-bit lookup (half a box of N/(2^w·F) coefficients of margin).
   * With F = 1 this is {@link #of}'s layout exactly.
   */
  public static LutAccumulator interleaved(
      List<long[]> tables, int inputWidth, boolean signedInput, int outputWidth, int n) {
    int f = tables.size();
    if (f < 1 || Integer.bitCount(f) != 1) {
      throw new IllegalArgumentException("many-LUT needs a power-of-two table count, got " + f);
    }
    if (inputWidth < 1 || inputWidth > 16) {
      throw new IllegalArgumentException("TLU input width must be in 1..16, got " + inputWidth);
    }
    int entries = 1 << inputWidth;
    long boxes = (long) entries * f;
    if (n < boxes) {
      throw new IllegalArgumentException(
          f
              + " tables of a "
              + inputWidth
              + "-bit input need polynomial size N >= 2^"
              + Long.numberOfTrailingZeros(boxes)
              + " = "
              + boxes
              + ", parameters have N = "
              + n);
    }
    int box = (int) (n / boxes);
    return layout(
        tables, entries, box, (t, i) -> i * f + t, inputWidth, signedInput, outputWidth, n);
  }

  /**
   * Fills box {@code slot(t, i)} (of {@code box} coefficients) with entry i of table t, rotates the
   * polynomial left by half a box (so an input's noise may fall either side of its box), and reads
   * table t at its entry 0's box: the one layout of {@link #many} (tables in blocks) and {@link
   * #interleaved} (entries interleaved).
   */
  private static LutAccumulator layout(
      List<long[]> tables,
      int entries,
      int box,
      java.util.function.IntBinaryOperator slot,
      int inputWidth,
      boolean signedInput,
      int outputWidth,
      int n) {
    int f = tables.size();
    long[] poly = new long[n];
    for (int t = 0; t < f; t++) {
      long[] table = tables.get(t);
      if (table.length != entries) {
        throw new IllegalArgumentException(
            "table " + t + " has " + table.length + " entries, expected " + entries);
      }
      for (int i = 0; i < entries; i++) {
        long v = Encoding.encode(table[i], outputWidth);
        int start = slot.applyAsInt(t, i) * box;
        for (int c = 0; c < box; c++) {
          poly[start + c] = v;
        }
      }
    }
    // Rotate left by half a box: multiply by X^(−box/2) = X^(2N − box/2).
    int half = box / 2;
    long[] rotated = new long[n];
    Polynomials.monomialMul(poly, 0, rotated, 0, n, (2 * n - half) % (2 * n));
    int[] indices = new int[f];
    for (int t = 0; t < f; t++) {
      indices[t] = slot.applyAsInt(t, 0) * box;
    }
    return new LutAccumulator(rotated, inputWidth, signedInput, outputWidth, indices);
  }
}
