package dev.fhec.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable IR program: nodes in SSA order (node i has id i and reads only earlier nodes) and
 * the ids returned, in order. Passes return new programs.
 */
public record Program(String name, List<Node> nodes, List<Integer> outputs) {
  public Program {
    Objects.requireNonNull(name, "name");
    nodes = List.copyOf(nodes);
    outputs = List.copyOf(outputs);
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).id() != i) {
        throw new IllegalArgumentException(
            "node at position " + i + " has id " + nodes.get(i).id());
      }
    }
    for (int o : outputs) {
      if (o < 0 || o >= nodes.size()) {
        throw new IllegalArgumentException("output %" + o + " is not a node");
      }
    }
  }

  public Node node(int id) {
    return nodes.get(id);
  }

  public TensorType type(int id) {
    return nodes.get(id).type();
  }

  /** Input nodes ordered by their {@link Op.Input#index()}. */
  public List<Node> inputs() {
    List<Node> in = new ArrayList<>();
    for (Node n : nodes) {
      if (n.op() instanceof Op.Input) {
        in.add(n);
      }
    }
    in.sort((a, b) -> Integer.compare(((Op.Input) a.op()).index(), ((Op.Input) b.op()).index()));
    return in;
  }
}
