package dev.fhec.compiler.ir;

import java.util.List;

/**
 * The operations of the IR. Operands are node ids of the enclosing {@link Program}. Semantics are
 * numpy's (broadcasting, matmul, axis conventions) on integers, or on float64 for the float ops
 * that exist only until fusing turns them into table lookups.
 *
 * <p>Consumers switch over this sealed interface exhaustively, without a default branch, so that
 * adding an op makes every unhandled switch a compile error.
 */
public sealed interface Op {
  /** Operand node ids, in order. */
  List<Integer> operands();

  // ---- sources -------------------------------------------------------------------------------

  /** Program input number {@code index}; encrypted or clear per the node's type. */
  record Input(int index, String name) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of();
    }
  }

  /** A clear constant. */
  record Constant(Tensor value) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of();
    }
  }

  // ---- arithmetic (integer or float, numpy broadcasting) -------------------------------------

  /** Binary elementwise arithmetic. */
  record Binary(BinaryKind kind, int lhs, int rhs) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of(lhs, rhs);
    }
  }

  /** Elementwise arithmetic kinds. DIV and POW are float-only (fused into tables). */
  enum BinaryKind {
    ADD,
    SUB,
    MUL,
    DIV,
    POW,
    MAXIMUM,
    MINIMUM,
    /** Comparisons produce 0/1 integers. */
    LESS,
    LESS_EQUAL,
    GREATER,
    GREATER_EQUAL,
    EQUAL,
    NOT_EQUAL
  }

  /** −x. */
  record Neg(int x) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  /** numpy matmul (also dot of vectors); enc×clear, clear×enc or enc×enc. */
  record MatMul(int lhs, int rhs) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of(lhs, rhs);
    }
  }

  /** Sum over {@code axes} (empty = all axes). */
  record Sum(int x, List<Integer> axes, boolean keepDims) implements Op {
    public Sum {
      axes = List.copyOf(axes);
    }

    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  /** Max or min over one axis (encrypted: lowered to relu chains or trees). */
  record Reduce(ReduceKind kind, int x, int axis, boolean keepDims) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  /** Reductions other than sum. */
  enum ReduceKind {
    MAX,
    MIN
  }

  /** Elementwise univariate function (float functions exist only before fusing). */
  record Unary(UnaryFn fn, int x) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  /** Conversion between integer and float: rint-free truncation toward zero for float→int. */
  record Cast(int x, ElementType to) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  /** np.where(cond, a, b) with a clear constant condition. */
  record Where(int cond, int ifTrue, int ifFalse) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of(cond, ifTrue, ifFalse);
    }
  }

  /**
   * Rounds away the {@code lsbs} least significant bits: result = round(x / 2^lsbs) · 2^lsbs. Exact
   * rounding costs one PBS per removed bit; approximate rounding costs none and may be off by one
   * (Concrete's round_bit_pattern).
   */
  record RoundBits(int x, int lsbs, boolean exact) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  // ---- data movement ------------------------------------------------------------------------

  /** Reshape (row-major). */
  record Reshape(int x, List<Integer> shape) implements Op {
    public Reshape {
      shape = List.copyOf(shape);
    }

    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  /** Transpose by a permutation of the axes. */
  record Transpose(int x, List<Integer> permutation) implements Op {
    public Transpose {
      permutation = List.copyOf(permutation);
    }

    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  /** Slice with per-axis start (inclusive), stop (exclusive) and positive step. */
  record Slice(int x, List<Integer> starts, List<Integer> stops, List<Integer> steps)
      implements Op {
    public Slice {
      starts = List.copyOf(starts);
      stops = List.copyOf(stops);
      steps = List.copyOf(steps);
    }

    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  /** Concatenate along an axis. */
  record Concat(List<Integer> xs, int axis) implements Op {
    public Concat {
      xs = List.copyOf(xs);
    }

    @Override
    public List<Integer> operands() {
      return xs;
    }
  }

  /** Broadcast to a shape (numpy rules). */
  record Broadcast(int x, List<Integer> shape) implements Op {
    public Broadcast {
      shape = List.copyOf(shape);
    }

    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  /** Take elements along an axis at constant indices (numpy take). */
  record Gather(int x, List<Integer> indices, int axis) implements Op {
    public Gather {
      indices = List.copyOf(indices);
    }

    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }

  // ---- table lookups (after fusing) ---------------------------------------------------------

  /**
   * An integer → integer elementwise function of one encrypted value, given as a {@link Program}
   * with one scalar-broadcast input (the element) that may also read constants; constants with
   * per-element shape (broadcast against x) make one table per element. Created by fusing; lowered
   * to keyswitch + programmable bootstrap.
   */
  record TableLookup(int x, Program function) implements Op {
    @Override
    public List<Integer> operands() {
      return List.of(x);
    }
  }
}
