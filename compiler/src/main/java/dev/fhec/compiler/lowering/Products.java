package dev.fhec.compiler.lowering;

import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.runtime.exec.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The encrypted × encrypted products of a program and what each lowering of them costs in lookups
 * (reference/compiler.md §8.10), for {@link Lowering} and the choice between quarter and shared
 * squares.
 */
public final class Products {
  private Products() {}

  /** How one product is lowered. */
  public enum Kind {
    /** ⌊(x+y)²/4⌋ − ⌊(x−y)²/4⌋: two lookups per scalar product. */
    QUARTER,
    /** ((x+y)² − x² − y²)/2, each operand element's square looked up once. */
    SHARED
  }

  /** Ids of the nodes that multiply two encrypted values (elementwise or matmul), in order. */
  public static List<Integer> of(Program p) {
    List<Integer> out = new ArrayList<>();
    for (Node n : p.nodes()) {
      if (n.type().encrypted() && isProduct(p, n.op())) {
        out.add(n.id());
      }
    }
    return out;
  }

  private static boolean isProduct(Program p, Op op) {
    if (op instanceof Op.MatMul m) {
      return p.type(m.lhs()).encrypted() && p.type(m.rhs()).encrypted();
    }
    return op instanceof Op.Binary b
        && b.kind() == Op.BinaryKind.MUL
        && p.type(b.lhs()).encrypted()
        && p.type(b.rhs()).encrypted();
  }

  /**
   * Whether only table lookups read node {@code id} (and it is no output): then a doubled product
   * needs no halving lookup, the consumers read its most significant bits.
   */
  public static boolean onlyLookupsRead(Program p, int id) {
    if (p.outputs().contains(id)) {
      return false;
    }
    boolean any = false;
    for (Node n : p.nodes()) {
      if (n.op().operands().contains(id)) {
        if (!(n.op() instanceof Op.TableLookup)) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  /** Bootstraps of product {@code id} under {@code kind}. */
  public static long lookups(Program p, int id, Kind kind) {
    Node n = p.node(id);
    long out = Shapes.size(n.type().shape());
    List<Integer> ops = n.op().operands();
    int[] xs = p.type(ops.get(0)).shape();
    int[] ys = p.type(ops.get(1)).shape();
    long terms;
    if (n.op() instanceof Op.MatMul) {
      int k = xs[xs.length - 1];
      int[] batch =
          Shapes.broadcast(
              xs.length > 2 ? Arrays.copyOf(xs, xs.length - 2) : new int[0],
              ys.length > 2 ? Arrays.copyOf(ys, ys.length - 2) : new int[0]);
      long m = xs.length == 1 ? 1 : xs[xs.length - 2];
      long nn = ys.length == 1 ? 1 : ys[ys.length - 1];
      terms = (long) Shapes.size(batch) * m * k * nn;
    } else {
      terms = out;
    }
    return switch (kind) {
      case QUARTER -> 2 * terms;
      // The ½ is a reinterpretation (no bootstrap) unless HalvingLookups refreshes it.
      case SHARED -> terms + Shapes.size(xs) + Shapes.size(ys);
    };
  }
}
