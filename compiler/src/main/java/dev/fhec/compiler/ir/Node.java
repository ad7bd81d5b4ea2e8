package dev.fhec.compiler.ir;

import java.util.Objects;
import java.util.Optional;

/**
 * One SSA value of a {@link Program}: {@code %id = op(...) # type ∈ bounds}.
 *
 * @param id its index in the program's node list
 * @param op what computes it
 * @param type its tensor type
 * @param bounds integer range once analysed (empty before {@code bounds} or for floats)
 * @param location where it came from in the user's source
 */
public record Node(int id, Op op, TensorType type, Optional<Bounds> bounds, Location location) {
  public Node {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(bounds, "bounds");
    Objects.requireNonNull(location, "location");
    for (int operand : op.operands()) {
      if (operand < 0 || operand >= id) {
        throw new IllegalArgumentException(
            "%" + id + ": operand %" + operand + " is not defined before it");
      }
    }
  }

  public Node withType(TensorType t) {
    return new Node(id, op, t, bounds, location);
  }

  public Node withBounds(Bounds b) {
    return new Node(id, op, type, Optional.of(b), location);
  }

  public Node withOp(Op o) {
    return new Node(id, o, type, bounds, location);
  }
}
