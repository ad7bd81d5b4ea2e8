package dev.fhec.runtime.circuit;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One instruction of a {@link Circuit}: computes SSA value {@link #out()} from earlier values.
 *
 * <p>Operands named {@code a}, {@code b}, {@code src} are value ids; {@code constant} is an index
 * into {@link Circuit#constants()}; {@code table} indexes {@link Circuit#tables()}. Shapes and
 * widths of every value are in {@link Circuit#values()}. Clear constants broadcast numpy-style
 * against the encrypted operand; results wrap modulo 2^64 on the torus, so the compiler guarantees
 * (by bit-width assignment) that every true result fits the output width.
 *
 * <p>Consumers switch over this sealed interface exhaustively, without a default branch.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Instruction.Input.class, name = "input"),
  @JsonSubTypes.Type(value = Instruction.AddEE.class, name = "add"),
  @JsonSubTypes.Type(value = Instruction.SubEE.class, name = "sub"),
  @JsonSubTypes.Type(value = Instruction.Neg.class, name = "neg"),
  @JsonSubTypes.Type(value = Instruction.AddEC.class, name = "add_clear"),
  @JsonSubTypes.Type(value = Instruction.SubCE.class, name = "sub_from_clear"),
  @JsonSubTypes.Type(value = Instruction.MulEC.class, name = "mul_clear"),
  @JsonSubTypes.Type(value = Instruction.MatMulEC.class, name = "matmul_clear_right"),
  @JsonSubTypes.Type(value = Instruction.MatMulCE.class, name = "matmul_clear_left"),
  @JsonSubTypes.Type(value = Instruction.Sum.class, name = "sum"),
  @JsonSubTypes.Type(value = Instruction.Gather.class, name = "gather"),
  @JsonSubTypes.Type(value = Instruction.Tlu.class, name = "tlu"),
  @JsonSubTypes.Type(value = Instruction.ManyTlu.class, name = "many_tlu"),
  @JsonSubTypes.Type(value = Instruction.Reinterpret.class, name = "reinterpret"),
  @JsonSubTypes.Type(value = Instruction.Keyswitch.class, name = "keyswitch"),
})
public sealed interface Instruction {
  /** The value this instruction defines. */
  int out();

  /** Value ids this instruction reads. */
  int[] operands();

  /** out = circuit input number {@code index} (an encrypted tensor supplied by the client). */
  record Input(int out, int index) implements Instruction {
    @Override
    public int[] operands() {
      return new int[0];
    }
  }

  /** out = a + b, both encrypted, same shape and width. */
  record AddEE(int out, int a, int b) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a, b};
    }
  }

  /** out = a − b, both encrypted, same shape and width. */
  record SubEE(int out, int a, int b) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a, b};
    }
  }

  /** out = −a. */
  record Neg(int out, int a) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /** out = a + C, C broadcast to a's shape and encoded at a's width (a trivial plaintext add). */
  record AddEC(int out, int a, int constant) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /** out = C − a, C broadcast to a's shape. */
  record SubCE(int out, int constant, int a) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /** out = a ⊙ C elementwise, C broadcast to a's shape (cleartext multiplication). */
  record MulEC(int out, int a, int constant) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /**
   * out = a @ C with numpy matmul semantics: a is [..., m, k] encrypted, C is [k, n] clear (or
   * batched [..., k, n] broadcast against a's leading dimensions); out is [..., m, n].
   */
  record MatMulEC(int out, int a, int constant) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /**
   * out = C @ a: C is [m, k] clear (or batched), a is [..., k, n] encrypted; out is [..., m, n].
   */
  record MatMulCE(int out, int constant, int a) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /** out = sum of a over {@code axes} (sorted, distinct); keepDims keeps them as size-1 axes. */
  record Sum(int out, int a, int[] axes, boolean keepDims) implements Instruction {
    public Sum {
      axes = axes.clone();
    }

    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /**
   * Data movement without arithmetic: out.flat[i] = sources[source[i]].flat[element[i]]. Covers
   * reshape, transpose, slice, broadcast, expand_dims, concat and stack. When {@code sources} has
   * one entry, {@code source} may be empty. All sources share width and signedness with out.
   */
  record Gather(int out, int[] sources, int[] source, int[] element) implements Instruction {
    public Gather {
      sources = sources.clone();
      source = source.clone();
      element = element.clone();
      if (sources.length == 0) {
        throw new IllegalArgumentException("gather needs at least one source");
      }
      if (sources.length > 1 && source.length != element.length) {
        throw new IllegalArgumentException(
            "gather: source has " + source.length + " entries, element has " + element.length);
      }
    }

    @Override
    public int[] operands() {
      return sources.clone();
    }
  }

  /**
   * out = a converted from the big key of a's partition to the big key of out's partition (a {@link
   * KeyswitchSpec.Kind#BIG_TO_BIG} keyswitch per element); same shape, width and signedness.
   * Inserted where a leveled operation mixes values of different partitions.
   */
  record Keyswitch(int out, int a) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /**
   * out[i] = T_{table[i]}(a[i]): one keyswitch + programmable bootstrap per element, in {@code
   * partition} (which is also out's partition): the keyswitch goes from the big key of a's
   * partition to the small key of {@code partition}. {@code tables} has one entry (same table
   * everywhere) or one per element of a (a mapped lookup, e.g. a causal mask folded into the
   * table). The input width and signedness are a's; the output width and signedness are out's. A
   * table has 2^r entries with r ≤ a's width w (all tables of one Tlu the same size). When r = w
   * the bootstrap reads a exactly. When r &lt; w (approximate rounding, Concrete's
   * round_bit_pattern APPROXIMATE) it reads a's r most significant message bits: the phase (a, plus
   * 2^(w−1) when signed) in units of 2^(w−r), rounded to nearest by the modulus switch — so encode
   * the bootstrap's input with Δ = 2^(63−r) instead of 2^(63−w); a value within the noise of a tie
   * may round either way (the cleartext simulator rounds ties up). Table entries of width-w outputs
   * lie in [−2^w, 2^w) (the residue modulo 2^(w+1) the torus keeps, message plus padding bit): the
   * two-squares product's tables use the padding range for intermediate values whose difference is
   * in range.
   */
  record Tlu(int out, int a, int[] tables, int partition) implements Instruction {
    /** A lookup bootstrapping in partition 0. */
    public Tlu(int out, int a, int[] tables) {
      this(out, a, tables, 0);
    }

    public Tlu {
      tables = tables.clone();
      if (tables.length == 0) {
        throw new IllegalArgumentException("tlu needs at least one table");
      }
      if (partition < 0) {
        throw new IllegalArgumentException("tlu partition " + partition);
      }
    }

    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /**
   * out = a / 2^s at out's width w − s, for a of width w whose every element is a multiple of 2^s
   * (the compiler guarantees it): no operation at all, the same ciphertexts read at another width,
   * since m·2^(63−w) = (m/2^s)·2^(63−(w−s)). Same shape, signedness and partition; out's width is
   * below a's. Where the division would not be exact the low bits act as noise (the simulator
   * refuses such an input when it detects overflows). E.g. the ½ of a shared-squares product.
   */
  record Reinterpret(int out, int a) implements Instruction {
    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }

  /**
   * Many-LUT (CLOT21, ePrint 2021/729; tfhe.md §4.3): out[j, i] = T_{tables[j]}(a[i]) for the F =
   * {@code tables.length} functions (F a power of two ≥ 2) from one keyswitch + programmable
   * bootstrap per element of a, in {@code partition} (out's partition). out has shape [F] followed
   * by a's shape, and one width and signedness for all functions (table entries per the {@link Tlu}
   * contract at out's width). Every table has 2^w entries for a's width w (exact lookups only).
   *
   * <p>The test polynomial interleaves the functions: box i·F + j of 2^w·F boxes holds T_j(i), and
   * output j is the sample extraction at coefficient j·N/(2^w·F). a keeps its encoding at width w
   * (no rescaling); the price is the noise: a phase must stay within half a box of 2^w·F boxes, so
   * the lookup needs the precision of a (w + log2 F)-bit lookup, and N ≥ 2^w·F.
   */
  record ManyTlu(int out, int a, int[] tables, int partition) implements Instruction {
    public ManyTlu {
      tables = tables.clone();
      if (tables.length < 2 || Integer.bitCount(tables.length) != 1) {
        throw new IllegalArgumentException(
            "many_tlu needs a power-of-two count of at least 2 tables, got " + tables.length);
      }
      if (partition < 0) {
        throw new IllegalArgumentException("many_tlu partition " + partition);
      }
    }

    /** F, the number of functions. */
    public int functions() {
      return tables.length;
    }

    /** log2 F: the bits of precision the lookup needs beyond a's width. */
    public int extraBits() {
      return Integer.numberOfTrailingZeros(tables.length);
    }

    @Override
    public int[] tables() {
      return tables.clone();
    }

    @Override
    public int[] operands() {
      return new int[] {a};
    }
  }
}
