package dev.fhec.compiler.report;

import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.UnaryFn;
import java.util.Locale;

/**
 * Short names of IR operations as reports show them ({@code tlu}, {@code matmul}, {@code add}). One
 * place, so the node table, the graph and the "where the PBS go" chart agree on the spelling.
 */
public final class OpKinds {
  private OpKinds() {}

  /** The kind of {@code op}, lower-case, without operands. */
  public static String kind(Op op) {
    return switch (op) {
      case Op.Input in -> "input";
      case Op.Constant c -> "constant";
      case Op.Binary b -> b.kind().name().toLowerCase(Locale.ROOT);
      case Op.Neg n -> "neg";
      case Op.MatMul m -> "matmul";
      case Op.Sum s -> "sum";
      case Op.Reduce r -> r.kind().name().toLowerCase(Locale.ROOT);
      case Op.Unary u -> unary(u.fn());
      case Op.Cast c -> "cast";
      case Op.Where w -> "where";
      case Op.RoundBits r -> r.exact() ? "round_exact" : "round";
      case Op.Reshape r -> "reshape";
      case Op.Transpose t -> "transpose";
      case Op.Slice s -> "slice";
      case Op.Concat c -> "concat";
      case Op.Broadcast b -> "broadcast";
      case Op.Gather g -> "gather";
      case Op.TableLookup t -> "tlu";
    };
  }

  /** A one-line detail of {@code op}'s attributes (empty when it has none worth showing). */
  public static String detail(Op op) {
    return switch (op) {
      case Op.Input in -> in.name();
      case Op.Constant c -> "shape " + java.util.Arrays.toString(c.value().shape());
      case Op.Binary b -> "";
      case Op.Neg n -> "";
      case Op.MatMul m -> "";
      case Op.Sum s -> "axes=" + s.axes() + (s.keepDims() ? ", keepdims" : "");
      case Op.Reduce r -> "axis=" + r.axis() + (r.keepDims() ? ", keepdims" : "");
      case Op.Unary u -> "";
      case Op.Cast c -> "to " + c.to();
      case Op.Where w -> "";
      case Op.RoundBits r -> "lsbs=" + r.lsbs();
      case Op.Reshape r -> "shape=" + r.shape();
      case Op.Transpose t -> "perm=" + t.permutation();
      case Op.Slice s -> "starts=" + s.starts() + " stops=" + s.stops();
      case Op.Concat c -> "axis=" + c.axis();
      case Op.Broadcast b -> "shape=" + b.shape();
      case Op.Gather g -> "axis=" + g.axis() + ", " + g.indices().size() + " indices";
      case Op.TableLookup t -> t.function().nodes().size() + "-node function";
    };
  }

  private static String unary(UnaryFn fn) {
    return switch (fn) {
      case UnaryFn.Simple s -> s.name().toLowerCase(Locale.ROOT);
      case UnaryFn.Clip c -> "clip";
      case UnaryFn.Power p -> "power";
    };
  }
}
