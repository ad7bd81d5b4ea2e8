package dev.fhec.compiler.ir;

import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The typing rule of every {@link Op}: result shape (numpy broadcasting, matmul, reductions, data
 * movement), element type (int op int → int, anything with a float → float, comparisons → int) and
 * encryption (encrypted if any operand is). Shared by {@link ProgramBuilder}, which infers types,
 * and the verifier, which re-checks them after every pass.
 *
 * <p>Integer signedness here is a pre-analysis guess (the bounds pass decides it); widths are kept
 * only where every integer operand already has the same assigned width, so that passes adding nodes
 * after bit-width assignment stay consistent.
 */
public final class TypeRules {
  private TypeRules() {}

  /** A violated typing rule; the message names the operands and their shapes. */
  public static final class TypeError extends Exception {
    private static final long serialVersionUID = 1L;

    TypeError(String message) {
      super(message);
    }
  }

  /**
   * The result type of {@code op} given the types of the nodes it reads.
   *
   * @param op the operation (not an {@link Op.Input}: inputs carry a declared type)
   * @param typeOf type of an operand node id
   * @throws TypeError naming the mismatched operands and shapes
   */
  public static TensorType infer(Op op, IntFunction<TensorType> typeOf) throws TypeError {
    return switch (op) {
      case Op.Input in ->
          throw new TypeError("input '" + in.name() + "' has a declared type, nothing to infer");
      case Op.Constant c -> constantType(c.value());
      case Op.Binary b -> binary(b, typeOf.apply(b.lhs()), typeOf.apply(b.rhs()));
      case Op.Neg n -> {
        TensorType x = typeOf.apply(n.x());
        yield x.withElement(
            x.element() instanceof IntType i ? new IntType(true, i.width()) : x.element());
      }
      case Op.MatMul m -> matmul(m, typeOf.apply(m.lhs()), typeOf.apply(m.rhs()));
      case Op.Sum s -> sum(s, typeOf.apply(s.x()));
      case Op.Reduce r -> reduce(r, typeOf.apply(r.x()));
      case Op.Unary u -> unary(u, typeOf.apply(u.x()));
      case Op.Cast c -> typeOf.apply(c.x()).withElement(c.to());
      case Op.Where w ->
          where(w, typeOf.apply(w.cond()), typeOf.apply(w.ifTrue()), typeOf.apply(w.ifFalse()));
      case Op.RoundBits r -> {
        TensorType x = typeOf.apply(r.x());
        if (x.isFloat()) {
          throw new TypeError("round_bits of %" + r.x() + " needs an integer, got " + x);
        }
        if (r.lsbs() < 0 || r.lsbs() > 63) {
          throw new TypeError("round_bits lsbs must be in 0..63, got " + r.lsbs());
        }
        yield x;
      }
      case Op.Reshape r -> reshape(r, typeOf.apply(r.x()));
      case Op.Transpose t -> transpose(t, typeOf.apply(t.x()));
      case Op.Slice s -> slice(s, typeOf.apply(s.x()));
      case Op.Concat c -> concat(c, typeOf);
      case Op.Broadcast b -> {
        TensorType x = typeOf.apply(b.x());
        int[] target = toArray(b.shape());
        int[] joined = broadcastShapes(x.shape(), target, "broadcast_to: %" + b.x(), "target");
        if (!Arrays.equals(joined, target)) {
          throw new TypeError(
              "broadcast_to: %"
                  + b.x()
                  + " of shape "
                  + show(x.shape())
                  + " cannot be broadcast to "
                  + show(target));
        }
        checkDims(target, "broadcast_to target");
        yield x.withShape(target);
      }
      case Op.Gather g -> gather(g, typeOf.apply(g.x()));
      case Op.TableLookup t -> tableLookup(t, typeOf.apply(t.x()));
    };
  }

  /** Type of a clear constant: int constants are signed when any element is negative. */
  public static TensorType constantType(Tensor t) {
    return switch (t) {
      case Tensor.Ints i -> {
        boolean signed = false;
        for (long v : i.data()) {
          signed |= v < 0;
        }
        yield new TensorType(i.shape(), new IntType(signed, ElementType.UNASSIGNED), false);
      }
      case Tensor.Floats f -> new TensorType(f.shape(), new FloatType(), false);
    };
  }

  // ---- elementwise -------------------------------------------------------------------------

  private static TensorType binary(Op.Binary b, TensorType l, TensorType r) throws TypeError {
    String what = b.kind().name().toLowerCase(java.util.Locale.ROOT);
    int[] shape =
        broadcastShapes(l.shape(), r.shape(), what + ": lhs %" + b.lhs(), "rhs %" + b.rhs());
    boolean enc = l.encrypted() || r.encrypted();
    ElementType e =
        switch (b.kind()) {
          case DIV, POW -> new FloatType();
          case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL ->
              new IntType(false, ElementType.UNASSIGNED);
          case SUB -> join(true, l.element(), r.element());
          case ADD, MUL, MAXIMUM, MINIMUM -> join(false, l.element(), r.element());
        };
    return new TensorType(shape, e, enc);
  }

  private static TensorType unary(Op.Unary u, TensorType x) throws TypeError {
    ElementType e =
        switch (u.fn()) {
          case UnaryFn.Simple s ->
              switch (s) {
                case EXP, LOG, SQRT, RSQRT, RECIPROCAL, TANH, SIGMOID, ERF, GELU -> new FloatType();
                case ABS, RELU, RINT, FLOOR, CEIL -> x.element();
                case SIGN ->
                    x.element() instanceof IntType i ? new IntType(true, i.width()) : x.element();
              };
          case UnaryFn.Clip c -> {
            if (!(c.min() <= c.max())) {
              throw new TypeError("clip of %" + u.x() + ": min " + c.min() + " > max " + c.max());
            }
            yield x.isFloat() || isIntegral(c.min()) && isIntegral(c.max())
                ? x.element()
                : new FloatType();
          }
          case UnaryFn.Power p ->
              !x.isFloat() && isIntegral(p.exponent()) && p.exponent() >= 0
                  ? x.element()
                  : new FloatType();
        };
    return x.withElement(e);
  }

  private static TensorType where(Op.Where w, TensorType c, TensorType a, TensorType b)
      throws TypeError {
    if (c.encrypted()) {
      throw new TypeError("where: condition %" + w.cond() + " must be clear, got " + c);
    }
    if (c.isFloat()) {
      throw new TypeError("where: condition %" + w.cond() + " must be an integer (0/1), got " + c);
    }
    int[] ab =
        broadcastShapes(a.shape(), b.shape(), "where: x %" + w.ifTrue(), "y %" + w.ifFalse());
    int[] shape = broadcastShapes(c.shape(), ab, "where: condition %" + w.cond(), "values");
    return new TensorType(
        shape, join(false, a.element(), b.element()), a.encrypted() || b.encrypted());
  }

  private static TensorType tableLookup(Op.TableLookup t, TensorType x) throws TypeError {
    if (x.isFloat()) {
      throw new TypeError("tlu: input %" + t.x() + " must be an integer, got " + x);
    }
    Program f = t.function();
    if (f.inputs().size() != 1 || f.outputs().size() != 1) {
      throw new TypeError(
          "tlu: function must have one input and one output, has "
              + f.inputs().size()
              + " and "
              + f.outputs().size());
    }
    TensorType out = f.type(f.outputs().get(0));
    if (out.isFloat()) {
      throw new TypeError("tlu: function must return an integer, returns " + out);
    }
    int[] shape = broadcastShapes(x.shape(), out.shape(), "tlu: input %" + t.x(), "table shape");
    return new TensorType(shape, out.element(), x.encrypted());
  }

  // ---- contractions and reductions -----------------------------------------------------------

  private static TensorType matmul(Op.MatMul m, TensorType l, TensorType r) throws TypeError {
    int[] a = l.shape();
    int[] b = r.shape();
    String names = "matmul: lhs %" + m.lhs() + " " + show(a) + ", rhs %" + m.rhs() + " " + show(b);
    if (a.length == 0 || b.length == 0) {
      throw new TypeError(names + ": operands must have rank >= 1");
    }
    int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
    int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
    int k1 = a2[a2.length - 1];
    int k2 = b2[b2.length - 2];
    if (k1 != k2) {
      throw new TypeError(names + ": contracted dimensions differ (" + k1 + " vs " + k2 + ")");
    }
    int[] batch =
        broadcastShapes(
            Arrays.copyOf(a2, a2.length - 2),
            Arrays.copyOf(b2, b2.length - 2),
            "matmul: batch dims of lhs %" + m.lhs(),
            "rhs %" + m.rhs());
    List<Integer> out = new ArrayList<>();
    for (int d : batch) {
      out.add(d);
    }
    if (a.length > 1) {
      out.add(a2[a2.length - 2]);
    }
    if (b.length > 1) {
      out.add(b2[b2.length - 1]);
    }
    return new TensorType(
        toArray(out), join(false, l.element(), r.element()), l.encrypted() || r.encrypted());
  }

  private static TensorType sum(Op.Sum s, TensorType x) throws TypeError {
    int[] shape = x.shape();
    boolean[] reduced = new boolean[shape.length];
    if (s.axes().isEmpty()) {
      Arrays.fill(reduced, true);
    }
    for (int axis : s.axes()) {
      if (axis < 0 || axis >= shape.length) {
        throw new TypeError(
            "sum: axis " + axis + " out of range for %" + s.x() + " " + show(shape));
      }
      if (reduced[axis]) {
        throw new TypeError("sum: axis " + axis + " repeated");
      }
      reduced[axis] = true;
    }
    return x.withShape(reducedShape(shape, reduced, s.keepDims()));
  }

  private static TensorType reduce(Op.Reduce r, TensorType x) throws TypeError {
    int[] shape = x.shape();
    if (r.axis() < 0 || r.axis() >= shape.length) {
      throw new TypeError(
          r.kind().name().toLowerCase(java.util.Locale.ROOT)
              + ": axis "
              + r.axis()
              + " out of range for %"
              + r.x()
              + " "
              + show(shape));
    }
    boolean[] reduced = new boolean[shape.length];
    reduced[r.axis()] = true;
    return x.withShape(reducedShape(shape, reduced, r.keepDims()));
  }

  private static int[] reducedShape(int[] shape, boolean[] reduced, boolean keepDims) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      if (!reduced[i]) {
        out.add(shape[i]);
      } else if (keepDims) {
        out.add(1);
      }
    }
    return toArray(out);
  }

  // ---- data movement -------------------------------------------------------------------------

  private static TensorType reshape(Op.Reshape r, TensorType x) throws TypeError {
    int[] target = toArray(r.shape());
    checkDims(target, "reshape of %" + r.x() + " to " + show(target));
    long size = 1;
    for (int d : target) {
      size *= d;
    }
    if (size != x.size()) {
      throw new TypeError(
          "reshape: %"
              + r.x()
              + " of shape "
              + show(x.shape())
              + " ("
              + x.size()
              + " elements) cannot become "
              + show(target)
              + " ("
              + size
              + " elements)");
    }
    return x.withShape(target);
  }

  private static TensorType transpose(Op.Transpose t, TensorType x) throws TypeError {
    int[] shape = x.shape();
    List<Integer> p = t.permutation();
    boolean[] seen = new boolean[shape.length];
    boolean ok = p.size() == shape.length;
    for (int i = 0; ok && i < p.size(); i++) {
      int a = p.get(i);
      ok = a >= 0 && a < shape.length && !seen[a];
      if (ok) {
        seen[a] = true;
      }
    }
    if (!ok) {
      throw new TypeError(
          "transpose: "
              + p
              + " is not a permutation of the "
              + shape.length
              + " axes of %"
              + t.x()
              + " "
              + show(shape));
    }
    int[] out = new int[shape.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = shape[p.get(i)];
    }
    return x.withShape(out);
  }

  private static TensorType slice(Op.Slice s, TensorType x) throws TypeError {
    int[] shape = x.shape();
    if (s.starts().size() != shape.length
        || s.stops().size() != shape.length
        || s.steps().size() != shape.length) {
      throw new TypeError(
          "slice of %"
              + s.x()
              + " "
              + show(shape)
              + ": needs one start/stop/step per axis, got "
              + s.starts()
              + " "
              + s.stops()
              + " "
              + s.steps());
    }
    int[] out = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      int start = s.starts().get(i);
      int stop = s.stops().get(i);
      int step = s.steps().get(i);
      if (step < 1 || start < 0 || stop > shape[i] || start >= stop) {
        throw new TypeError(
            "slice of %"
                + s.x()
                + " "
                + show(shape)
                + ": axis "
                + i
                + " range "
                + start
                + ":"
                + stop
                + ":"
                + step
                + " must satisfy 0 <= start < stop <= "
                + shape[i]
                + " and step >= 1");
      }
      out[i] = (stop - start + step - 1) / step;
    }
    return x.withShape(out);
  }

  private static TensorType concat(Op.Concat c, IntFunction<TensorType> typeOf) throws TypeError {
    if (c.xs().isEmpty()) {
      throw new TypeError("concat: needs at least one operand");
    }
    TensorType first = typeOf.apply(c.xs().get(0));
    int[] shape = first.shape();
    if (c.axis() < 0 || c.axis() >= shape.length) {
      throw new TypeError(
          "concat: axis " + c.axis() + " out of range for %" + c.xs().get(0) + " " + show(shape));
    }
    ElementType e = first.element();
    boolean enc = first.encrypted();
    for (int i = 1; i < c.xs().size(); i++) {
      TensorType t = typeOf.apply(c.xs().get(i));
      int[] s = t.shape();
      boolean ok = s.length == shape.length;
      for (int a = 0; ok && a < s.length; a++) {
        ok = a == c.axis() || s[a] == shape[a];
      }
      if (!ok) {
        throw new TypeError(
            "concat along axis "
                + c.axis()
                + ": %"
                + c.xs().get(0)
                + " "
                + show(first.shape())
                + " and %"
                + c.xs().get(i)
                + " "
                + show(s)
                + " differ off that axis");
      }
      shape[c.axis()] += s[c.axis()];
      e = join(false, e, t.element());
      enc |= t.encrypted();
    }
    return new TensorType(shape, e, enc);
  }

  private static TensorType gather(Op.Gather g, TensorType x) throws TypeError {
    int[] shape = x.shape();
    if (g.axis() < 0 || g.axis() >= shape.length) {
      throw new TypeError(
          "gather: axis " + g.axis() + " out of range for %" + g.x() + " " + show(shape));
    }
    if (g.indices().isEmpty()) {
      throw new TypeError("gather from %" + g.x() + ": no indices");
    }
    for (int i : g.indices()) {
      if (i < 0 || i >= shape[g.axis()]) {
        throw new TypeError(
            "gather: index "
                + i
                + " out of range 0.."
                + (shape[g.axis()] - 1)
                + " on axis "
                + g.axis()
                + " of %"
                + g.x()
                + " "
                + show(shape));
      }
    }
    shape[g.axis()] = g.indices().size();
    return x.withShape(shape);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * numpy broadcasting of two shapes.
   *
   * @throws TypeError naming both operands and shapes
   */
  public static int[] broadcastShapes(int[] a, int[] b, String aName, String bName)
      throws TypeError {
    int n = Math.max(a.length, b.length);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int da = i < n - a.length ? 1 : a[i - (n - a.length)];
      int db = i < n - b.length ? 1 : b[i - (n - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new TypeError(
            aName
                + " "
                + show(a)
                + " and "
                + bName
                + " "
                + show(b)
                + " cannot be broadcast together (dimension "
                + da
                + " vs "
                + db
                + ")");
      }
      out[i] = Math.max(da, db);
    }
    return out;
  }

  /** Element type of a mix: float if any operand is, else an integer (signed if any is). */
  static ElementType join(boolean forceSigned, ElementType a, ElementType b) {
    if (a instanceof IntType x && b instanceof IntType y) {
      int width = x.width() == y.width() ? x.width() : ElementType.UNASSIGNED;
      return new IntType(forceSigned || x.signed() || y.signed(), width);
    }
    return new FloatType();
  }

  private static boolean isIntegral(double v) {
    return v == Math.rint(v) && !Double.isInfinite(v);
  }

  private static void checkDims(int[] shape, String what) throws TypeError {
    for (int d : shape) {
      if (d < 1) {
        throw new TypeError(what + ": dimensions must be >= 1, got " + show(shape));
      }
    }
  }

  static int[] toArray(List<Integer> l) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  /** {@code [6,64]}, as in printed types. */
  public static String show(int[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return sb.append(']').toString();
  }
}
