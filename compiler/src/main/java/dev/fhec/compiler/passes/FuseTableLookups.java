package dev.fhec.compiler.passes;

import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code fuse-table-lookups}: turns every elementwise computation that needs a bootstrap and
 * depends on one encrypted integer value into one {@link Op.TableLookup} on that value.
 *
 * <p>Why: a float chain "integer → dequantize → exp → quantize → integer" (Concrete-ML's requant
 * pattern, reference/compiler.md §2) and integer univariate ops (relu, clip, abs, comparisons with
 * constants, x*x, integer pow) cost one PBS per element if evaluated as one table, whatever their
 * length. The function program of the lookup recomputes the chain from the value it depends on,
 * with clear operands folded into constants; per-element constants make per-element tables.
 *
 * <p>The value a node depends on ("origin") is traced through elementwise ops whose encrypted
 * operands share one origin and the node's shape, including leveled ones ({@code relu(3x+5)}
 * becomes one lookup on x, which is never wider than 3x+5). Leveled integer ops are left alone
 * unless a lookup absorbs them; dead nodes are removed.
 *
 * <p>Declines (with a located error): a float value that depends on two independent encrypted
 * values ({@code round(sin(x) + cos(y))}), a float value that reaches a non-elementwise op or an
 * output, a float chain reading a clear input.
 *
 * <p>Example: {@code compiler/src/test/resources/passes/fuse-table-lookups/}.
 */
public final class FuseTableLookups implements Pass {
  public static final String NAME = "fuse-table-lookups";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Property> requires() {
    return Set.of();
  }

  @Override
  public Set<Property> establishes() {
    return Set.of(Property.FUSED);
  }

  @Override
  public Program run(Program program, PassContext context) {
    int n = program.nodes().size();
    int[] origin = new int[n];
    for (Node node : program.nodes()) {
      origin[node.id()] = originOf(program, node, origin);
    }
    Map<Integer, Tensor> clear = new HashMap<>();
    List<Node> out = new ArrayList<>();
    for (Node node : program.nodes()) {
      Node result = node;
      if (node.type().encrypted() && !node.type().isFloat() && needsTable(program, node, origin)) {
        int r = origin[node.id()];
        if (r == node.id()) {
          throw PassErrors.at(
              NAME,
              node,
              "needs a table lookup but depends on several encrypted values: "
                  + describe(program, node, origin));
        }
        Program fn = extract(program, r, node.id(), origin, clear);
        result = node.withOp(new Op.TableLookup(r, fn));
      } else if (node.type().encrypted()
          && node.type().isFloat()
          && origin[node.id()] == node.id()) {
        throw PassErrors.at(
            NAME,
            node,
            "float value cannot be fused into a table lookup: "
                + (isElementwise(node.op())
                    ? "it depends on independent encrypted values "
                        + describe(program, node, origin)
                    : "float values must be converted back to integers before "
                        + node.op().getClass().getSimpleName().toLowerCase()));
      }
      out.add(result);
    }
    Program fused = Rewrites.removeDeadNodes(new Program(program.name(), out, program.outputs()));
    for (int o : fused.outputs()) {
      Node node = fused.node(o);
      if (node.type().isFloat() && node.type().encrypted()) {
        throw PassErrors.at(NAME, node, "an encrypted float value cannot be an output");
      }
    }
    for (Node node : fused.nodes()) {
      if (node.type().isFloat() && node.type().encrypted()) {
        throw PassErrors.at(NAME, node, "float value left after fusing");
      }
    }
    return fused;
  }

  private static String describe(Program p, Node node, int[] origin) {
    List<String> roots = new ArrayList<>();
    for (int o : node.op().operands()) {
      if (p.type(o).encrypted()) {
        String s = "%" + origin[o];
        if (!roots.contains(s)) {
          roots.add(s);
        }
      }
    }
    return String.join(" and ", roots);
  }

  static boolean isElementwise(Op op) {
    return switch (op) {
      case Op.Binary b -> true;
      case Op.Neg ng -> true;
      case Op.Unary u -> true;
      case Op.Cast c -> true;
      case Op.Where w -> true;
      case Op.Input in -> false;
      case Op.Constant c -> false;
      case Op.MatMul m -> false;
      case Op.Sum s -> false;
      case Op.Reduce r -> false;
      case Op.RoundBits r -> false;
      case Op.Reshape r -> false;
      case Op.Transpose t -> false;
      case Op.Slice s -> false;
      case Op.Concat c -> false;
      case Op.Broadcast b -> false;
      case Op.Gather g -> false;
      case Op.TableLookup t -> false;
    };
  }

  /** The single encrypted value an elementwise node is a function of, or the node itself. */
  private static int originOf(Program p, Node node, int[] origin) {
    if (!node.type().encrypted() || !isElementwise(node.op())) {
      return node.id();
    }
    int r = -1;
    for (int o : node.op().operands()) {
      TensorType t = p.type(o);
      if (!t.encrypted()) {
        continue;
      }
      if (!Arrays.equals(t.shape(), node.type().shape())) {
        return node.id();
      }
      if (r == -1) {
        r = origin[o];
      } else if (r != origin[o]) {
        return node.id();
      }
    }
    if (r == -1 || !Arrays.equals(p.type(r).shape(), node.type().shape())) {
      return node.id();
    }
    return r;
  }

  /** Whether an encrypted integer node needs a bootstrap of its own (one table lookup). */
  private static boolean needsTable(Program p, Node node, int[] origin) {
    for (int o : node.op().operands()) {
      if (p.type(o).isFloat() && p.type(o).encrypted()) {
        return true;
      }
    }
    return switch (node.op()) {
      case Op.Unary u -> true;
      case Op.Binary b -> {
        boolean lEnc = p.type(b.lhs()).encrypted();
        boolean rEnc = p.type(b.rhs()).encrypted();
        yield switch (b.kind()) {
          case ADD, SUB -> false;
          case MUL -> lEnc && rEnc && sameOrigin(p, b, origin);
          case DIV, POW -> true;
          case MAXIMUM, MINIMUM, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL ->
              !(lEnc && rEnc) || sameOrigin(p, b, origin);
        };
      }
      case Op.Input in -> false;
      case Op.Constant c -> false;
      case Op.Neg ng -> false;
      case Op.MatMul m -> false;
      case Op.Sum s -> false;
      case Op.Reduce r -> false;
      case Op.Cast c -> false;
      case Op.Where w -> false;
      case Op.RoundBits r -> false;
      case Op.Reshape r -> false;
      case Op.Transpose t -> false;
      case Op.Slice s -> false;
      case Op.Concat c -> false;
      case Op.Broadcast b -> false;
      case Op.Gather g -> false;
      case Op.TableLookup t -> false;
    };
  }

  /** Two encrypted operands: a table only if they are functions of one value (x*x, max(x, x+1)). */
  private static boolean sameOrigin(Program p, Op.Binary b, int[] origin) {
    return origin[b.lhs()] == origin[b.rhs()]
        && Arrays.equals(p.type(b.lhs()).shape(), p.type(b.rhs()).shape());
  }

  /** The function program computing node {@code target} from the value of node {@code root}. */
  private static Program extract(
      Program p, int root, int target, int[] origin, Map<Integer, Tensor> clear) {
    List<Node> nodes = new ArrayList<>();
    Map<Integer, Integer> map = new HashMap<>();
    Node rootNode = p.node(root);
    nodes.add(
        new Node(0, new Op.Input(0, "x"), rootNode.type(), Optional.empty(), Location.UNKNOWN));
    map.put(root, 0);
    int result = copy(p, target, root, origin, clear, nodes, map);
    return new Program("f" + target, nodes, List.of(result));
  }

  private static int copy(
      Program p,
      int id,
      int root,
      int[] origin,
      Map<Integer, Tensor> clear,
      List<Node> nodes,
      Map<Integer, Integer> map) {
    Integer done = map.get(id);
    if (done != null) {
      return done;
    }
    Node node = p.node(id);
    Op op;
    if (!node.type().encrypted()) {
      op = new Op.Constant(clearValue(p, id, clear));
    } else {
      if (origin[id] != root) {
        throw new IllegalStateException("%" + id + " is not a function of %" + root);
      }
      for (int o : node.op().operands()) {
        copy(p, o, root, origin, clear, nodes, map);
      }
      op = Rewrites.remap(node.op(), map::get);
    }
    int newId = nodes.size();
    nodes.add(new Node(newId, op, node.type(), Optional.empty(), node.location()));
    map.put(id, newId);
    return newId;
  }

  /** Folds a clear subgraph to its value (clear inputs cannot be folded into a table). */
  static Tensor clearValue(Program p, int id, Map<Integer, Tensor> clear) {
    Tensor known = clear.get(id);
    if (known != null) {
      return known;
    }
    Node node = p.node(id);
    if (node.op() instanceof Op.Input) {
      throw PassErrors.at(
          NAME, node, "a clear input cannot be folded into a table lookup; make it a constant");
    }
    List<Integer> ops = node.op().operands();
    List<Node> sub = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Tensor v = clearValue(p, ops.get(i), clear);
      sub.add(
          new Node(i, new Op.Constant(v), p.type(ops.get(i)), Optional.empty(), Location.UNKNOWN));
    }
    final List<Integer> operandList = ops;
    Op op = Rewrites.remap(node.op(), x -> operandList.indexOf(x));
    sub.add(new Node(sub.size(), op, node.type(), Optional.empty(), node.location()));
    Tensor v =
        ReferenceEvaluator.evaluate(new Program("fold", sub, List.of(sub.size() - 1)), List.of())
            .get(0);
    clear.put(id, v);
    return v;
  }
}
