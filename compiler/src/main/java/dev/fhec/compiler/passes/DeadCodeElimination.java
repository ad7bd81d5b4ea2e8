package dev.fhec.compiler.passes;

import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Ops;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * Removes the nodes no output depends on and renumbers the rest densely, keeping their order,
 * types, bounds and locations. Inputs are always kept: they are the program's calling convention.
 * Declines (returns the program unchanged) when every node is live.
 *
 * <p>Example: {@code src/test/resources/passes/dead-code-elimination/doctest.fhe}.
 */
public final class DeadCodeElimination implements Pass {
  DeadCodeElimination() {}

  @Override
  public String name() {
    return "dead-code-elimination";
  }

  @Override
  public Set<Property> requires() {
    return Set.of();
  }

  @Override
  public Set<Property> establishes() {
    return Set.of();
  }

  @Override
  public Program run(Program program, PassContext context) {
    BitSet live = ProgramGraph.of(program).liveFromOutputs();
    for (Node n : program.nodes()) {
      if (n.op() instanceof Op.Input) {
        live.set(n.id());
      }
    }
    if (live.cardinality() == program.nodes().size()) {
      return program;
    }
    int[] newId = new int[program.nodes().size()];
    Arrays.fill(newId, -1);
    List<Node> kept = new ArrayList<>();
    for (Node n : program.nodes()) {
      if (live.get(n.id())) {
        newId[n.id()] = kept.size();
        Op op = Ops.mapOperands(n.op(), old -> newId[old]);
        kept.add(new Node(kept.size(), op, n.type(), n.bounds(), n.location()));
      }
    }
    List<Integer> outputs = program.outputs().stream().map(o -> newId[o]).toList();
    return new Program(program.name(), kept, outputs);
  }
}
