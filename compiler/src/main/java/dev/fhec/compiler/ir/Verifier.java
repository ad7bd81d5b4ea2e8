package dev.fhec.compiler.ir;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.diag.DiagnosticRenderer;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.passes.Pass.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the invariants every pass must preserve, and those of the properties established so far.
 * The pass manager runs it after every pass, so a broken rewrite is caught where it happens.
 *
 * <ul>
 *   <li>SSA order, input indices {@code 0..n-1} each once;
 *   <li>each node's type agrees with its op's typing rule ({@link TypeRules}): shape, int vs float,
 *       encrypted or not, the target of a cast;
 *   <li>{@link Property#FUSED}: no float value is left;
 *   <li>{@link Property#BOUNDED}: every integer node has bounds;
 *   <li>{@link Property#WIDTHS_ASSIGNED}: every encrypted integer has a width that holds its
 *       bounds; leveled ops (add, sub, neg, sum, clear-operand mul/matmul, where, data movement,
 *       round_bits) share the width of their encrypted operands; enc×enc mul/matmul operands share
 *       a width; table-lookup inputs are at most {@code maxTluWidth} bits (reference/compiler.md
 *       §4).
 * </ul>
 */
public final class Verifier {
  private Verifier() {}

  /** All violations, empty when {@code p} is valid. */
  public static List<Diagnostic> verify(Program p, Set<Property> established, int maxTluWidth) {
    List<Diagnostic> out = new ArrayList<>();
    check(p, established, maxTluWidth, out, "");
    return out;
  }

  /**
   * Throws a {@link CompileException} rendered as annotated IR when {@code p} is invalid.
   *
   * @param context prefix of the message, e.g. {@code "after pass 'fuse-table-lookups'"}
   */
  public static void verifyOrThrow(
      Program p, Set<Property> established, int maxTluWidth, String context) {
    List<Diagnostic> ds = verify(p, established, maxTluWidth);
    if (!ds.isEmpty()) {
      throw new CompileException(
          ds, "invalid IR " + context + ":\n" + DiagnosticRenderer.render(p, ds));
    }
  }

  private static void check(
      Program p, Set<Property> props, int maxTlu, List<Diagnostic> out, String prefix) {
    BitSet inputIndices = new BitSet();
    int inputs = 0;
    for (Node n : p.nodes()) {
      Report r = message -> out.add(Diagnostic.error(prefix + message, n.location(), n.id()));
      for (int operand : n.op().operands()) {
        if (operand >= n.id()) {
          r.error("operand %" + operand + " is not defined before %" + n.id());
        }
      }
      if (n.op() instanceof Op.Input in) {
        inputs++;
        if (in.index() < 0 || inputIndices.get(in.index())) {
          r.error("input index " + in.index() + " is negative or repeated");
        } else {
          inputIndices.set(in.index());
        }
      } else {
        checkType(p, n, r);
      }
      if (n.op() instanceof Op.TableLookup t) {
        check(
            t.function(),
            Set.of(),
            maxTlu,
            out,
            prefix + "in the table function of %" + n.id() + ": ");
      }
      if (props.contains(Property.FUSED) && n.type().isFloat()) {
        r.error("float value after fusing: this float chain was not turned into a table lookup");
      }
      if (props.contains(Property.BOUNDED) && !n.type().isFloat() && n.bounds().isEmpty()) {
        r.error("integer value without bounds after bounds analysis");
      }
      if (props.contains(Property.WIDTHS_ASSIGNED) && prefix.isEmpty()) {
        checkWidths(p, n, maxTlu, r);
      }
    }
    if (inputIndices.nextClearBit(0) != inputs) {
      out.add(
          Diagnostic.error(
              prefix + "input indices must be 0.." + (inputs - 1) + ", found " + inputIndices,
              Location.UNKNOWN));
    }
  }

  private static void checkType(Program p, Node n, Report r) {
    TensorType inferred;
    try {
      inferred = TypeRules.infer(n.op(), p::type);
    } catch (TypeRules.TypeError e) {
      r.error(e.getMessage());
      return;
    }
    TensorType t = n.type();
    if (!Arrays.equals(inferred.shape(), t.shape())
        || inferred.encrypted() != t.encrypted()
        || inferred.isFloat() != t.isFloat()) {
      r.error("type " + t + " disagrees with its operands, which give " + inferred);
    } else if (n.op() instanceof Op.Cast c && !sameKind(c.to(), t.element())) {
      r.error("cast to " + c.to() + " but typed " + t);
    }
  }

  private static boolean sameKind(ElementType a, ElementType b) {
    return a instanceof IntType x && b instanceof IntType y
        ? x.width() == ElementType.UNASSIGNED || x.width() == y.width()
        : a.equals(b);
  }

  private static void checkWidths(Program p, Node n, int maxTlu, Report r) {
    if (!(n.type().element() instanceof IntType it) || !n.type().encrypted()) {
      return;
    }
    int w = it.width();
    if (w == ElementType.UNASSIGNED) {
      r.error("encrypted integer without an assigned width");
      return;
    }
    if (n.bounds().isPresent() && n.bounds().get().bitWidth() > w) {
      r.error(
          "width "
              + w
              + " cannot hold bounds "
              + n.bounds().get()
              + " ("
              + n.bounds().get().bitWidth()
              + " bits)");
    }
    List<Integer> shared =
        switch (n.op()) {
          case Op.Binary b ->
              switch (b.kind()) {
                case ADD, SUB -> List.of(b.lhs(), b.rhs());
                case MUL ->
                    encryptedCount(p, b.lhs(), b.rhs()) == 1
                        ? List.of(b.lhs(), b.rhs())
                        : List.of();
                default -> List.of();
              };
          case Op.MatMul m ->
              encryptedCount(p, m.lhs(), m.rhs()) == 1 ? List.of(m.lhs(), m.rhs()) : List.of();
          case Op.Neg x -> List.of(x.x());
          case Op.Sum s -> List.of(s.x());
          case Op.Where x -> List.of(x.ifTrue(), x.ifFalse());
          case Op.RoundBits x -> List.of(x.x());
          case Op.Reshape x -> List.of(x.x());
          case Op.Transpose x -> List.of(x.x());
          case Op.Slice x -> List.of(x.x());
          case Op.Concat x -> x.xs();
          case Op.Broadcast x -> List.of(x.x());
          case Op.Gather x -> List.of(x.x());
          case Op.Input x -> List.of();
          case Op.Constant x -> List.of();
          case Op.Reduce x -> List.of();
          case Op.Unary x -> List.of();
          case Op.Cast x -> List.of();
          case Op.TableLookup x -> List.of();
        };
    for (int operand : shared) {
      TensorType ot = p.type(operand);
      if (ot.encrypted() && ot.element() instanceof IntType oi && oi.width() != w) {
        r.error(
            "leveled op: operand %"
                + operand
                + " has width "
                + oi.width()
                + " but the result has width "
                + w
                + " (they must share one encoding)");
      }
    }
    if (n.op() instanceof Op.Binary b && b.kind() == Op.BinaryKind.MUL) {
      checkEncEnc(p, b.lhs(), b.rhs(), r);
    }
    if (n.op() instanceof Op.MatMul m) {
      checkEncEnc(p, m.lhs(), m.rhs(), r);
    }
    if (n.op() instanceof Op.TableLookup t
        && p.type(t.x()).element() instanceof IntType in
        && in.width() > maxTlu) {
      r.error(
          "table-lookup input %"
              + t.x()
              + " has "
              + in.width()
              + " bits, more than the "
              + maxTlu
              + "-bit limit (round it first)");
    }
  }

  private static void checkEncEnc(Program p, int a, int b, Report r) {
    if (encryptedCount(p, a, b) == 2
        && p.type(a).element() instanceof IntType x
        && p.type(b).element() instanceof IntType y
        && x.width() != y.width()) {
      r.error(
          "encrypted operands %"
              + a
              + " ("
              + x.width()
              + " bits) and %"
              + b
              + " ("
              + y.width()
              + " bits) of a product must share a width");
    }
  }

  private static int encryptedCount(Program p, int a, int b) {
    return (p.type(a).encrypted() ? 1 : 0) + (p.type(b).encrypted() ? 1 : 0);
  }

  /** Adds a diagnostic about the current node. */
  @FunctionalInterface
  private interface Report {
    void error(String message);
  }
}
