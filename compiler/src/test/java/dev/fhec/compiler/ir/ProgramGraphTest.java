package dev.fhec.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fhec.compiler.ir.ElementType.IntType;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jgrapht.traverse.TopologicalOrderIterator;
import org.junit.jupiter.api.Test;

class ProgramGraphTest {
  @Test
  void oneEdgePerOperandUseAndReadOnly() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {2}, new IntType(true, 0), true);
    int sq = b.mul(x, x);
    int n = b.neg(x);
    int dead = b.add(n, n);
    Program p = b.output(b.add(sq, n)).build();
    ProgramGraph g = ProgramGraph.of(p);

    assertEquals(5, g.graph().vertexSet().size());
    // mul(x, x) and add(n, n) each read one node twice: 2 + 1 + 2 + 2 uses.
    assertEquals(7, g.graph().edgeSet().size());
    assertEquals(
        Set.of(new ProgramGraph.Use(x, sq, 0), new ProgramGraph.Use(x, sq, 1)),
        g.graph().getAllEdges(x, sq));
    assertEquals(List.of(sq, n), g.users(x));
    assertEquals(List.of(dead, 4), g.users(n));
    BitSet live = g.liveFromOutputs();
    assertEquals(Set.of(0, 1, 2, 4), live.stream().boxed().collect(Collectors.toSet()));
    assertThrows(UnsupportedOperationException.class, () -> g.graph().addVertex(99));
    // Node order is a topological order of the DAG.
    TopologicalOrderIterator<Integer, ProgramGraph.Use> it =
        new TopologicalOrderIterator<>(g.graph());
    int[] position = new int[5];
    for (int i = 0; it.hasNext(); i++) {
      position[it.next()] = i;
    }
    for (ProgramGraph.Use u : g.graph().edgeSet()) {
      assertEquals(true, position[u.from()] < position[u.to()], u.toString());
    }
  }
}
