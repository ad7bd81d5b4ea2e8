package dev.fhec.compiler.ir;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.ir.Op.BinaryKind;
import dev.fhec.compiler.ir.Op.ReduceKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a {@link Program} node by node, inferring each node's {@link TensorType} with {@link
 * TypeRules} (numpy broadcasting, matmul, reductions, data movement; int op int → int, anything
 * with a float → float, comparisons → int; encrypted if any operand is). Frontends use it so that a
 * shape error is reported where the user wrote the operation: every method throws a {@link
 * CompileException} whose diagnostic names the node, the operands and both mismatched shapes, at
 * the builder's current {@link #at(Location) location}.
 *
 * <p>Builder-level conveniences are normalized away before the op is recorded: negative axes,
 * {@code -1} in reshape, Python-style slice bounds, an empty transpose permutation (= reverse).
 *
 * <pre>{@code
 * ProgramBuilder b = new ProgramBuilder("head");
 * int x = b.at(loc).input("x", new int[] {6, 768}, new IntType(true, 0), true);
 * int w = b.constant(weights);                       // Ints [768, 64]
 * int y = b.matmul(x, w);                            // EncryptedInt[6,64]
 * Program p = b.output(y).build();
 * }</pre>
 */
public final class ProgramBuilder {
  private final String name;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Integer> outputs = new ArrayList<>();
  private int inputCount;
  private Location location = Location.UNKNOWN;

  public ProgramBuilder(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * A builder holding a copy of {@code program}'s nodes (same ids), with no outputs yet, so a pass
   * can append nodes and choose new outputs.
   */
  public static ProgramBuilder from(Program program) {
    ProgramBuilder b = new ProgramBuilder(program.name());
    b.nodes.addAll(program.nodes());
    for (Node n : program.nodes()) {
      if (n.op() instanceof Op.Input in) {
        b.inputCount = Math.max(b.inputCount, in.index() + 1);
      }
    }
    return b;
  }

  /** Sets the location given to the nodes added from now on. */
  public ProgramBuilder at(Location where) {
    this.location = Objects.requireNonNull(where, "location");
    return this;
  }

  public Location location() {
    return location;
  }

  /** Number of nodes so far (= the id the next node gets). */
  public int size() {
    return nodes.size();
  }

  public Node node(int id) {
    checkOperand(id);
    return nodes.get(id);
  }

  public TensorType type(int id) {
    return node(id).type();
  }

  // ---- sources -------------------------------------------------------------------------------

  /** The next program input (index = number of inputs declared so far). */
  public int input(String inputName, int[] shape, ElementType element, boolean encrypted) {
    return input(inputName, shape, element, encrypted, Optional.empty());
  }

  /** The next program input, with declared bounds (used when no inputset is given). */
  public int input(
      String inputName,
      int[] shape,
      ElementType element,
      boolean encrypted,
      Optional<Bounds> bounds) {
    TensorType type;
    try {
      type = new TensorType(shape, element, encrypted);
    } catch (IllegalArgumentException e) {
      throw error("input '" + inputName + "': " + e.getMessage());
    }
    return append(new Op.Input(inputCount++, inputName), type, bounds);
  }

  public int constant(Tensor value) {
    return node(new Op.Constant(value));
  }

  /** A scalar integer constant. */
  public int constant(long value) {
    return constant(Tensor.Ints.scalar(value));
  }

  /** A scalar float constant. */
  public int constant(double value) {
    return constant(Tensor.Floats.scalar(value));
  }

  // ---- generic -------------------------------------------------------------------------------

  /**
   * Appends {@code op} with its inferred type. Ops are taken as they are (axes must already be
   * normalized); the typed methods below normalize for you.
   *
   * @return the new node's id
   * @throws CompileException if an operand is undefined or the typing rule fails
   */
  public int node(Op op) {
    for (int operand : op.operands()) {
      checkOperand(operand);
    }
    TensorType type;
    try {
      type = TypeRules.infer(op, id -> nodes.get(id).type());
    } catch (TypeRules.TypeError e) {
      throw error(e.getMessage());
    }
    return append(op, type, Optional.empty());
  }

  /**
   * Appends {@code op} with a type chosen by the caller (for passes that know widths and bounds);
   * the verifier checks it against {@link TypeRules} later.
   */
  public int node(Op op, TensorType type, Optional<Bounds> bounds) {
    for (int operand : op.operands()) {
      checkOperand(operand);
    }
    return append(op, type, bounds);
  }

  // ---- arithmetic ----------------------------------------------------------------------------

  public int binary(BinaryKind kind, int lhs, int rhs) {
    return node(new Op.Binary(kind, lhs, rhs));
  }

  public int add(int lhs, int rhs) {
    return binary(BinaryKind.ADD, lhs, rhs);
  }

  public int sub(int lhs, int rhs) {
    return binary(BinaryKind.SUB, lhs, rhs);
  }

  public int mul(int lhs, int rhs) {
    return binary(BinaryKind.MUL, lhs, rhs);
  }

  /** True division (float result, fused later). */
  public int div(int lhs, int rhs) {
    return binary(BinaryKind.DIV, lhs, rhs);
  }

  public int neg(int x) {
    return node(new Op.Neg(x));
  }

  public int matmul(int lhs, int rhs) {
    return node(new Op.MatMul(lhs, rhs));
  }

  /** Sum over {@code axes} (negative allowed; empty = all axes). */
  public int sum(int x, List<Integer> axes, boolean keepDims) {
    int rank = type(x).rank();
    List<Integer> norm = new ArrayList<>();
    for (int a : axes) {
      int n = normalizeAxis(a, rank, "sum of %" + x);
      if (norm.contains(n)) {
        throw error("sum of %" + x + ": axis " + a + " given twice");
      }
      norm.add(n);
    }
    norm.sort(null);
    return node(new Op.Sum(x, norm, keepDims));
  }

  /** Max or min over one axis (negative allowed). */
  public int reduce(ReduceKind kind, int x, int axis, boolean keepDims) {
    int a =
        normalizeAxis(
            axis, type(x).rank(), kind.name().toLowerCase(java.util.Locale.ROOT) + " of %" + x);
    return node(new Op.Reduce(kind, x, a, keepDims));
  }

  public int unary(UnaryFn fn, int x) {
    return node(new Op.Unary(fn, x));
  }

  public int cast(int x, ElementType to) {
    return node(new Op.Cast(x, to));
  }

  public int where(int cond, int ifTrue, int ifFalse) {
    return node(new Op.Where(cond, ifTrue, ifFalse));
  }

  public int roundBits(int x, int lsbs, boolean exact) {
    return node(new Op.RoundBits(x, lsbs, exact));
  }

  public int tableLookup(int x, Program function) {
    return node(new Op.TableLookup(x, function));
  }

  // ---- data movement -------------------------------------------------------------------------

  /** Reshape; at most one dimension may be {@code -1} (inferred from the size). */
  public int reshape(int x, int... shape) {
    TensorType t = type(x);
    int[] out = shape.clone();
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == -1 && unknown < 0) {
        unknown = i;
      } else if (out[i] < 1) {
        throw error(
            "reshape of %"
                + x
                + " "
                + TypeRules.show(t.shape())
                + " to "
                + Arrays.toString(shape)
                + ": dimensions must be >= 1 (one -1 allowed)");
      } else {
        known *= out[i];
      }
    }
    if (unknown >= 0) {
      if (known == 0 || t.size() % known != 0) {
        throw error(
            "reshape of %"
                + x
                + " "
                + TypeRules.show(t.shape())
                + " ("
                + t.size()
                + " elements) to "
                + Arrays.toString(shape)
                + ": -1 cannot be inferred");
      }
      out[unknown] = (int) (t.size() / known);
    }
    return node(new Op.Reshape(x, boxed(out)));
  }

  /** Transpose; no permutation = reverse the axes (numpy default). Negative axes allowed. */
  public int transpose(int x, int... permutation) {
    int rank = type(x).rank();
    List<Integer> p = new ArrayList<>();
    if (permutation.length == 0) {
      for (int i = rank - 1; i >= 0; i--) {
        p.add(i);
      }
    } else {
      for (int a : permutation) {
        p.add(a < 0 && a >= -rank ? a + rank : a);
      }
    }
    return node(new Op.Transpose(x, p));
  }

  /**
   * Python-style slicing {@code x[start:stop:step, ...]}: the lists may be shorter than the rank
   * (missing axes are taken whole), elements may be {@code null} (Python's {@code None}), negative
   * bounds count from the end and out-of-range bounds are clamped, as in Python. Steps must be
   * positive.
   */
  public int slice(int x, List<Integer> starts, List<Integer> stops, List<Integer> steps) {
    int[] shape = type(x).shape();
    if (starts.size() > shape.length
        || stops.size() > shape.length
        || steps.size() > shape.length) {
      throw error(
          "slice of %"
              + x
              + " "
              + TypeRules.show(shape)
              + ": more slice axes than the rank "
              + shape.length);
    }
    List<Integer> st = new ArrayList<>();
    List<Integer> sp = new ArrayList<>();
    List<Integer> se = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      int d = shape[i];
      Integer step = i < steps.size() ? steps.get(i) : null;
      int s = step == null ? 1 : step;
      if (s < 1) {
        throw error("slice of %" + x + ": step " + s + " on axis " + i + " must be positive");
      }
      int start = clampPython(i < starts.size() ? starts.get(i) : null, d, 0);
      int stop = clampPython(i < stops.size() ? stops.get(i) : null, d, d);
      if (start >= stop) {
        throw error(
            "slice of %"
                + x
                + " "
                + TypeRules.show(shape)
                + ": axis "
                + i
                + " is empty ("
                + start
                + ":"
                + stop
                + ")");
      }
      st.add(start);
      sp.add(stop);
      se.add(s);
    }
    return node(new Op.Slice(x, st, sp, se));
  }

  /** Concatenation along {@code axis} (negative allowed). */
  public int concat(List<Integer> xs, int axis) {
    if (xs.isEmpty()) {
      throw error("concat: needs at least one operand");
    }
    int a = normalizeAxis(axis, type(xs.get(0)).rank(), "concat");
    return node(new Op.Concat(xs, a));
  }

  public int broadcastTo(int x, int... shape) {
    return node(new Op.Broadcast(x, boxed(shape)));
  }

  /** numpy take along {@code axis}; negative indices and axis count from the end. */
  public int gather(int x, List<Integer> indices, int axis) {
    int[] shape = type(x).shape();
    int a = normalizeAxis(axis, shape.length, "gather from %" + x);
    List<Integer> idx = new ArrayList<>();
    for (int i : indices) {
      idx.add(i < 0 && i >= -shape[a] ? i + shape[a] : i);
    }
    return node(new Op.Gather(x, idx, a));
  }

  /** Inserts a dimension of size 1 at {@code axis} (as numpy expand_dims), by a reshape. */
  public int expandDims(int x, int axis) {
    int[] shape = type(x).shape();
    int a = normalizeAxis(axis, shape.length + 1, "expand_dims of %" + x);
    int[] out = new int[shape.length + 1];
    for (int i = 0, j = 0; i < out.length; i++) {
      out[i] = i == a ? 1 : shape[j++];
    }
    return node(new Op.Reshape(x, boxed(out)));
  }

  // ---- result --------------------------------------------------------------------------------

  /** Marks {@code id} as the next program output. */
  public ProgramBuilder output(int id) {
    checkOperand(id);
    outputs.add(id);
    return this;
  }

  /** The program with the outputs marked so far. */
  public Program build() {
    if (outputs.isEmpty()) {
      throw error("program '" + name + "' has no outputs");
    }
    return new Program(name, nodes, outputs);
  }

  // ---- internals -----------------------------------------------------------------------------

  private int append(Op op, TensorType type, Optional<Bounds> bounds) {
    int id = nodes.size();
    nodes.add(new Node(id, op, type, bounds, location));
    return id;
  }

  private void checkOperand(int id) {
    if (id < 0 || id >= nodes.size()) {
      throw error("operand %" + id + " is not defined (" + nodes.size() + " nodes so far)");
    }
  }

  private int normalizeAxis(int axis, int rank, String what) {
    if (axis < -rank || axis >= rank) {
      throw error(what + ": axis " + axis + " out of range for rank " + rank);
    }
    return axis < 0 ? axis + rank : axis;
  }

  private static int clampPython(Integer v, int dim, int dflt) {
    if (v == null) {
      return dflt;
    }
    int x = v < 0 ? v + dim : v;
    return Math.max(0, Math.min(dim, x));
  }

  private static List<Integer> boxed(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int v : a) {
      l.add(v);
    }
    return l;
  }

  /** An error about the node being added, at the current location. */
  private CompileException error(String message) {
    return new CompileException(
        Diagnostic.error("%" + nodes.size() + ": " + message, location, nodes.size()));
  }
}
