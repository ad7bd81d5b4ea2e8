package dev.fhec.compiler.passes;

import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code assign-bit-widths}: the minimal encoding width of every integer node under Concrete's
 * sharing rules (reference/compiler.md §4).
 *
 * <p>Why the rules: leveled instructions add ciphertexts slot by slot, so their operands and result
 * must share one encoding (Δ = 2^(63−w)); data movement copies ciphertexts, so it shares too; a
 * table lookup re-encodes, so its input and output are free. Lowerings that build intermediate
 * values need room for them: an enc×enc product computes x+y and x−y at its operands' width, an
 * encrypted max/min or comparison computes a difference, so those operands need the width of the
 * sum/difference range (at most one more bit). Clear constants are encoded at their consumer's
 * width and do not constrain.
 *
 * <p>The rules are a list of {@link Constraint}s ({@link #constraints}); the solver joins
 * same-width constraints into classes (union-find) and gives each class the largest lower bound of
 * its members, which is the least fixed point and, with only these two kinds of constraints, also
 * minimizes the sum of widths as Concrete's z3 formulation does. Fails, naming the node, when a
 * table lookup reads more than {@link dev.fhec.compiler.CompileOptions#maxTluWidth()} bits.
 */
public final class AssignBitWidths implements Pass {
  public static final String NAME = "assign-bit-widths";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Property> requires() {
    return Set.of(Property.FUSED, Property.BOUNDED);
  }

  @Override
  public Set<Property> establishes() {
    return Set.of(Property.WIDTHS_ASSIGNED);
  }

  /** One bit-width constraint. */
  public sealed interface Constraint {
    /** Nodes {@code a} and {@code b} share an encoding width. */
    record SameWidth(int a, int b, String reason) implements Constraint {
      @Override
      public String toString() {
        return "bw(%" + a + ") == bw(%" + b + ")  # " + reason;
      }
    }

    /** Node {@code node} needs at least {@code bits}. */
    record AtLeast(int node, int bits, String reason) implements Constraint {
      @Override
      public String toString() {
        return "bw(%" + node + ") >= " + bits + "  # " + reason;
      }
    }
  }

  @Override
  public Program run(Program program, PassContext context) {
    int[] width = solve(program, constraints(program));
    List<Node> out = new ArrayList<>();
    for (Node n : program.nodes()) {
      if (n.type().isFloat() || n.bounds().isEmpty()) {
        if (!n.type().isFloat()) {
          throw PassErrors.at(NAME, n, "integer node has no bounds; run measure-bounds first");
        }
        out.add(n);
        continue;
      }
      boolean signed = n.bounds().get().signed();
      out.add(n.withType(n.type().withElement(new ElementType.IntType(signed, width[n.id()]))));
    }
    Program result = new Program(program.name(), out, program.outputs());
    checkTableInputs(result, context.options().maxTluWidth());
    return result;
  }

  /** The constraints of a bounded program. */
  public static List<Constraint> constraints(Program p) {
    List<Constraint> cs = new ArrayList<>();
    for (Node n : p.nodes()) {
      if (n.type().isFloat()) {
        continue;
      }
      int id = n.id();
      Bounds b = bounds(n);
      cs.add(new Constraint.AtLeast(id, b.bitWidth(), "bounds " + b));
      if (!n.type().encrypted()) {
        continue;
      }
      switch (n.op()) {
        case Op.Input in -> {}
        case Op.Constant c -> {}
        case Op.TableLookup t -> {}
        case Op.Binary bin -> {
          int l = bin.lhs();
          int r = bin.rhs();
          boolean lEnc = p.type(l).encrypted();
          boolean rEnc = p.type(r).encrypted();
          switch (bin.kind()) {
            case ADD, SUB -> {
              shareEncrypted(p, cs, id, "leveled " + bin.kind().name().toLowerCase(), l, r);
            }
            case MUL -> {
              if (lEnc && rEnc) {
                encEncOperands(p, cs, l, r, "enc×enc multiply");
              } else {
                shareEncrypted(p, cs, id, "multiply by a clear value", l, r);
              }
            }
            case MAXIMUM, MINIMUM -> {
              shareEncrypted(p, cs, id, "encrypted " + bin.kind().name().toLowerCase(), l, r);
              Bounds d = difference(bounds(p.node(r)), bounds(p.node(l)));
              cs.add(new Constraint.AtLeast(l, d.bitWidth(), "holds the difference " + d));
            }
            case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL -> {
              cs.add(new Constraint.SameWidth(l, r, "encrypted comparison"));
              Bounds d = difference(bounds(p.node(l)), bounds(p.node(r)));
              cs.add(new Constraint.AtLeast(l, d.bitWidth(), "holds the difference " + d));
            }
            case DIV, POW -> {}
          }
        }
        case Op.MatMul m -> {
          if (p.type(m.lhs()).encrypted() && p.type(m.rhs()).encrypted()) {
            encEncOperands(p, cs, m.lhs(), m.rhs(), "enc×enc matmul");
          } else {
            shareEncrypted(p, cs, id, "matmul by a clear matrix", m.lhs(), m.rhs());
          }
        }
        case Op.Reduce r -> {
          cs.add(new Constraint.SameWidth(r.x(), id, "encrypted " + r.kind().name().toLowerCase()));
          Bounds x = bounds(p.node(r.x()));
          Bounds d = difference(x, x);
          cs.add(new Constraint.AtLeast(r.x(), d.bitWidth(), "relu chain holds " + d));
        }
        case Op.Where w -> shareEncrypted(p, cs, id, "leveled where", w.ifTrue(), w.ifFalse());
        case Op.Neg ng -> cs.add(new Constraint.SameWidth(ng.x(), id, "leveled neg"));
        case Op.Sum s -> cs.add(new Constraint.SameWidth(s.x(), id, "leveled sum"));
        case Op.Cast c -> cs.add(new Constraint.SameWidth(c.x(), id, "integer cast"));
        case Op.RoundBits r -> cs.add(new Constraint.SameWidth(r.x(), id, "rounding"));
        case Op.Unary u -> {}
        case Op.Reshape r -> cs.add(new Constraint.SameWidth(r.x(), id, "data movement"));
        case Op.Transpose t -> cs.add(new Constraint.SameWidth(t.x(), id, "data movement"));
        case Op.Slice s -> cs.add(new Constraint.SameWidth(s.x(), id, "data movement"));
        case Op.Broadcast b2 -> cs.add(new Constraint.SameWidth(b2.x(), id, "data movement"));
        case Op.Gather g -> cs.add(new Constraint.SameWidth(g.x(), id, "data movement"));
        case Op.Concat c -> {
          for (int x : c.xs()) {
            if (p.type(x).encrypted()) {
              cs.add(new Constraint.SameWidth(x, id, "data movement"));
            }
          }
        }
      }
    }
    return cs;
  }

  private static void shareEncrypted(
      Program p, List<Constraint> cs, int id, String reason, int... operands) {
    for (int o : operands) {
      if (p.type(o).encrypted()) {
        cs.add(new Constraint.SameWidth(o, id, reason));
      }
    }
  }

  /** x and y share a width that holds x + y and x − y (the two-squares product). */
  private static void encEncOperands(Program p, List<Constraint> cs, int x, int y, String what) {
    cs.add(new Constraint.SameWidth(x, y, what));
    Bounds bx = bounds(p.node(x));
    Bounds by = bounds(p.node(y));
    Bounds sum = new Bounds(bx.min() + by.min(), bx.max() + by.max());
    Bounds diff = difference(bx, by);
    int need = Math.max(sum.bitWidth(), diff.bitWidth());
    cs.add(new Constraint.AtLeast(x, need, what + ": x+y ∈ " + sum + ", x−y ∈ " + diff));
  }

  static Bounds difference(Bounds a, Bounds b) {
    return new Bounds(a.min() - b.max(), a.max() - b.min());
  }

  private static Bounds bounds(Node n) {
    return n.bounds()
        .orElseThrow(
            () -> PassErrors.at(NAME, n, "integer node has no bounds; run measure-bounds first"));
  }

  /** Union-find of the same-width classes; each class gets the largest lower bound. */
  public static int[] solve(Program p, List<Constraint> cs) {
    int n = p.nodes().size();
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    for (Constraint c : cs) {
      if (c instanceof Constraint.SameWidth s) {
        int ra = find(parent, s.a());
        int rb = find(parent, s.b());
        if (ra != rb) {
          parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
      }
    }
    int[] classWidth = new int[n];
    for (Constraint c : cs) {
      if (c instanceof Constraint.AtLeast a) {
        int r = find(parent, a.node());
        classWidth[r] = Math.max(classWidth[r], a.bits());
      }
    }
    int[] width = new int[n];
    for (int i = 0; i < n; i++) {
      width[i] = classWidth[find(parent, i)];
    }
    return width;
  }

  private static int find(int[] parent, int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  /** Width a table lookup reads: its input's width less the bits rounded away before it. */
  public static int tableInputWidth(Program p, Op.TableLookup t) {
    Node in = p.node(t.x());
    int w = ((ElementType.IntType) in.type().element()).width();
    if (in.op() instanceof Op.RoundBits r && !r.exact()) {
      return w - r.lsbs();
    }
    return w;
  }

  private static void checkTableInputs(Program p, int max) {
    for (Node n : p.nodes()) {
      int w;
      String what;
      if (n.op() instanceof Op.TableLookup t) {
        w = tableInputWidth(p, t);
        what = "table lookup input %" + t.x();
      } else if (n.type().encrypted()
          && (n.op() instanceof Op.MatMul
              || n.op() instanceof Op.Binary
              || n.op() instanceof Op.Reduce)
          && needsBootstraps(p, n)) {
        int operand = n.op().operands().get(0);
        w = ((ElementType.IntType) p.type(operand).element()).width();
        what = "operand %" + operand + " (its lowering bootstraps at that width)";
      } else {
        continue;
      }
      if (w > max) {
        throw PassErrors.at(
            NAME,
            n,
            what
                + " needs "
                + w
                + " bits, above the "
                + max
                + "-bit limit of table lookups; round it first (--round-to=R) or quantize with"
                + " fewer bits");
      }
    }
  }

  private static boolean needsBootstraps(Program p, Node n) {
    return switch (n.op()) {
      case Op.MatMul m -> p.type(m.lhs()).encrypted() && p.type(m.rhs()).encrypted();
      case Op.Reduce r -> true;
      case Op.Binary b ->
          p.type(b.lhs()).encrypted()
              && p.type(b.rhs()).encrypted()
              && b.kind() != Op.BinaryKind.ADD
              && b.kind() != Op.BinaryKind.SUB;
      default -> false;
    };
  }

  /**
   * "Circuit compiled with N bit-width": the largest bounds-derived width over all integer nodes,
   * clear constants included (Concrete's {@code maximum_integer_bit_width}, compiler.md §5).
   */
  public static int maximumIntegerBitWidth(Program p) {
    int max = 0;
    for (Node n : p.nodes()) {
      if (n.bounds().isPresent()) {
        max = Math.max(max, n.bounds().get().bitWidth());
      }
    }
    return max;
  }
}
