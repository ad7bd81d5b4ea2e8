package dev.fhec.compiler.passes;

import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Ops;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code eliminate-common-subexpressions}: merges nodes that compute the same op on the same
 * operands with the same type, keeping the first one (its location and bounds).
 *
 * <p>Why: frontends that spell a computation twice (the seed's JSON head quantizes the attention
 * scores and takes their exp once for the max and once for the softmax) would otherwise pay every
 * table lookup twice, 2·n² bootstraps in the head. Ops are records, so equality is structural;
 * table-lookup functions compare by their program with names and locations erased (two lookups with
 * the same function text are the same function). Inputs are never merged.
 *
 * <p>Example: {@code src/test/resources/passes/eliminate-common-subexpressions/doctest.fhe}.
 */
public final class EliminateCommonSubexpressions implements Pass {
  public static final String NAME = "eliminate-common-subexpressions";

  EliminateCommonSubexpressions() {}

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
    return Set.of();
  }

  private record Key(Op op, TensorType type) {}

  @Override
  public Program run(Program program, PassContext context) {
    int n = program.nodes().size();
    int[] canon = new int[n];
    Map<Key, Integer> seen = new HashMap<>();
    List<Node> out = new ArrayList<>();
    boolean changed = false;
    for (Node node : program.nodes()) {
      Op op = Ops.mapOperands(node.op(), o -> canon[o]);
      if (!(op instanceof Op.Input)) {
        Integer first = seen.putIfAbsent(new Key(normalize(op), node.type()), node.id());
        if (first != null) {
          canon[node.id()] = first;
          changed = true;
        } else {
          canon[node.id()] = node.id();
        }
      } else {
        canon[node.id()] = node.id();
      }
      out.add(node.withOp(op));
    }
    if (!changed) {
      return program;
    }
    List<Integer> outputs = program.outputs().stream().map(o -> canon[o]).toList();
    return Passes.DEAD_CODE_ELIMINATION.run(new Program(program.name(), out, outputs), context);
  }

  /** The op with table functions' names and locations erased, for structural comparison. */
  private static Op normalize(Op op) {
    if (op instanceof Op.TableLookup t) {
      return new Op.TableLookup(t.x(), normalize(t.function()));
    }
    return op;
  }

  private static Program normalize(Program p) {
    List<Node> nodes = new ArrayList<>();
    for (Node node : p.nodes()) {
      nodes.add(
          new Node(
              node.id(), normalize(node.op()), node.type(), Optional.empty(), Location.UNKNOWN));
    }
    return new Program("", nodes, p.outputs());
  }
}
