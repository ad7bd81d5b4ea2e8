package dev.fhec.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/** Generic operations over {@link Op}s that passes need, written once with exhaustive switches. */
public final class Ops {
  private Ops() {}

  /**
   * The same op reading {@code f.applyAsInt(old)} instead of each operand {@code old}; used by
   * passes that renumber nodes (dead-code elimination, rewrites that insert nodes).
   */
  public static Op mapOperands(Op op, IntUnaryOperator f) {
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
      case Op.Concat c -> {
        List<Integer> xs = new ArrayList<>();
        for (int x : c.xs()) {
          xs.add(f.applyAsInt(x));
        }
        yield new Op.Concat(xs, c.axis());
      }
      case Op.Broadcast b -> new Op.Broadcast(f.applyAsInt(b.x()), b.shape());
      case Op.Gather g -> new Op.Gather(f.applyAsInt(g.x()), g.indices(), g.axis());
      case Op.TableLookup t -> new Op.TableLookup(f.applyAsInt(t.x()), t.function());
    };
  }
}
