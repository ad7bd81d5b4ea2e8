package dev.fhec.compiler.passes;

import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/** Structural helpers shared by rewriting passes: operand renumbering and dead-node removal. */
public final class Rewrites {
  private Rewrites() {}

  /** {@code op} with every operand id passed through {@code f}. */
  public static Op remap(Op op, IntUnaryOperator f) {
    return switch (op) {
      case Op.Input in -> in;
      case Op.Constant c -> c;
      case Op.Binary b -> new Op.Binary(b.kind(), f.applyAsInt(b.lhs()), f.applyAsInt(b.rhs()));
      case Op.Neg n -> new Op.Neg(f.applyAsInt(n.x()));
      case Op.MatMul m -> new Op.MatMul(f.applyAsInt(m.lhs()), f.applyAsInt(m.rhs()));
      case Op.Sum s -> new Op.Sum(f.applyAsInt(s.x()), s.axes(), s.keepDims());
      case Op.Reduce r -> new Op.Reduce(r.kind(), f.applyAsInt(r.x()), r.axis(), r.keepDims());
      case Op.Unary u -> new Op.Unary(u.fn(), f.applyAsInt(u.x()));
      case Op.Cast c -> new Op.Cast(f.applyAsInt(c.x()), c.to());
      case Op.Where w ->
          new Op.Where(f.applyAsInt(w.cond()), f.applyAsInt(w.ifTrue()), f.applyAsInt(w.ifFalse()));
      case Op.RoundBits r -> new Op.RoundBits(f.applyAsInt(r.x()), r.lsbs(), r.exact());
      case Op.Reshape r -> new Op.Reshape(f.applyAsInt(r.x()), r.shape());
      case Op.Transpose t -> new Op.Transpose(f.applyAsInt(t.x()), t.permutation());
      case Op.Slice s -> new Op.Slice(f.applyAsInt(s.x()), s.starts(), s.stops(), s.steps());
      case Op.Concat c -> new Op.Concat(c.xs().stream().map(f::applyAsInt).toList(), c.axis());
      case Op.Broadcast b -> new Op.Broadcast(f.applyAsInt(b.x()), b.shape());
      case Op.Gather g -> new Op.Gather(f.applyAsInt(g.x()), g.indices(), g.axis());
      case Op.TableLookup t -> new Op.TableLookup(f.applyAsInt(t.x()), t.function());
    };
  }

  /** Removes nodes no output depends on (inputs are kept) and renumbers the rest densely. */
  public static Program removeDeadNodes(Program p) {
    int n = p.nodes().size();
    boolean[] live = new boolean[n];
    for (int o : p.outputs()) {
      live[o] = true;
    }
    for (int i = n - 1; i >= 0; i--) {
      Node node = p.node(i);
      if (node.op() instanceof Op.Input) {
        live[i] = true;
      }
      if (live[i]) {
        for (int operand : node.op().operands()) {
          live[operand] = true;
        }
      }
    }
    int[] newId = new int[n];
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!live[i]) {
        newId[i] = -1;
        continue;
      }
      newId[i] = out.size();
      Node node = p.node(i);
      out.add(
          new Node(
              out.size(),
              remap(node.op(), x -> newId[x]),
              node.type(),
              node.bounds(),
              node.location()));
    }
    return new Program(p.name(), out, p.outputs().stream().map(o -> newId[o]).toList());
  }
}
