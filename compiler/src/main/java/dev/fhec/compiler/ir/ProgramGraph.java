package dev.fhec.compiler.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import org.jgrapht.Graph;
import org.jgrapht.graph.AsUnmodifiableGraph;
import org.jgrapht.graph.DirectedAcyclicGraph;

/**
 * The data-flow DAG of a {@link Program}, derived from its SSA list: one vertex per node id, one
 * edge per operand use (so {@code add(%1, %1)} has two edges). Read-only: passes rewrite the
 * program, never the graph. Vertices are node ids rather than {@link Node}s so that lookups do not
 * hash constant tensors.
 */
public final class ProgramGraph {
  /**
   * One use of node {@code from} as operand number {@code position} of node {@code to}.
   *
   * @param from the producing node id
   * @param to the consuming node id
   * @param position operand index in {@code to}'s op
   */
  public record Use(int from, int to, int position) {}

  private final Program program;
  private final Graph<Integer, Use> graph;

  private ProgramGraph(Program program) {
    this.program = program;
    DirectedAcyclicGraph<Integer, Use> dag = new DirectedAcyclicGraph<>(null, null, false, true);
    for (Node n : program.nodes()) {
      dag.addVertex(n.id());
    }
    for (Node n : program.nodes()) {
      List<Integer> operands = n.op().operands();
      for (int i = 0; i < operands.size(); i++) {
        dag.addEdge(operands.get(i), n.id(), new Use(operands.get(i), n.id(), i));
      }
    }
    this.graph = new AsUnmodifiableGraph<>(dag);
  }

  public static ProgramGraph of(Program program) {
    return new ProgramGraph(program);
  }

  public Program program() {
    return program;
  }

  /** The unmodifiable JGraphT view. */
  public Graph<Integer, Use> graph() {
    return graph;
  }

  /** Ids of the nodes reading {@code id}, in increasing order, each once. */
  public List<Integer> users(int id) {
    List<Integer> out = new ArrayList<>();
    for (Use u : graph.outgoingEdgesOf(id)) {
      if (!out.contains(u.to())) {
        out.add(u.to());
      }
    }
    out.sort(null);
    return out;
  }

  /** Nodes on which some output depends (the outputs included). */
  public BitSet liveFromOutputs() {
    BitSet live = new BitSet(program.nodes().size());
    Deque<Integer> work = new ArrayDeque<>(program.outputs());
    while (!work.isEmpty()) {
      int id = work.pop();
      if (!live.get(id)) {
        live.set(id);
        work.addAll(program.node(id).op().operands());
      }
    }
    return live;
  }
}
