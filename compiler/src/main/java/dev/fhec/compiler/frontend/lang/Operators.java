package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Op.BinaryKind;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.grammar.ast.BinaryOp;
import dev.fhec.grammar.ast.CompareOp;
import dev.fhec.grammar.ast.Span;
import dev.fhec.grammar.ast.UnaryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Python operators: folded at compile time on Python numbers (and tuples, for shape arithmetic),
 * emitted as IR ops with numpy semantics on tensors. Operators with no IR op of their own are
 * spelled with float ops that fusing turns into one table lookup: {@code a // b} is {@code floor(a
 * / b)}, {@code a % b} is {@code a - floor(a / b) * b}, both cast back to int when both operands
 * are integers.
 */
final class Operators {
  private final Tracer t;

  Operators(Tracer tracer) {
    this.t = tracer;
  }

  Value unary(UnaryOp op, Value v, Span span) {
    if (op == UnaryOp.PLUS) {
      return v;
    }
    return switch (v) {
      case Value.Int i -> new Value.Int(Math.negateExact(i.value()));
      case Value.Float f -> new Value.Float(-f.value());
      case Value.Bool b -> new Value.Int(b.value() ? -1 : 0);
      default -> new Value.Traced(t.at(span).neg(t.node(v, span)));
    };
  }

  Value binary(BinaryOp op, Value l, Value r, Span span) {
    if (isScalar(l) && isScalar(r)) {
      return Scalars.binary(op, l, r, span);
    }
    if (op == BinaryOp.ADD
        && Args.sequence(l) != null
        && Args.sequence(r) != null
        && l.getClass() == r.getClass()) {
      List<Value> all = new ArrayList<>(Args.sequence(l));
      all.addAll(Args.sequence(r));
      return l instanceof Value.Tuple ? new Value.Tuple(all) : new Value.PyList(all);
    }
    requireTensorLike(l, span, op.symbol());
    requireTensorLike(r, span, op.symbol());
    ProgramBuilder b = t.at(span);
    int a = t.node(l, span);
    int c = t.node(r, span);
    boolean ints = !b.type(a).isFloat() && !b.type(c).isFloat();
    if ((op == BinaryOp.DIV || op == BinaryOp.FLOOR_DIV || op == BinaryOp.MOD)
        && b.node(c).op() instanceof dev.fhec.compiler.ir.Op.Constant k) {
      for (int i = 0; i < k.value().size(); i++) {
        if (k.value().asDouble(i) == 0) {
          throw Tracer.error(
              span,
              "division by zero: the divisor of '"
                  + op.symbol()
                  + "' is 0"
                  + (k.value().size() > 1 ? " at element " + i : "")
                  + "; a circuit cannot represent the result (inf or an error in Python)");
        }
      }
    }
    return new Value.Traced(
        switch (op) {
          case ADD -> b.add(a, c);
          case SUB -> b.sub(a, c);
          case MUL -> b.mul(a, c);
          case DIV -> b.div(a, c);
          case MATMUL -> b.matmul(a, c);
          case POW -> power(b, a, r, c);
          case FLOOR_DIV -> {
            int q = b.unary(UnaryFn.Simple.FLOOR, b.div(a, c));
            yield ints ? b.cast(q, new ElementType.IntType(true, 0)) : q;
          }
          case MOD -> {
            int q = b.unary(UnaryFn.Simple.FLOOR, b.div(a, c));
            int m = b.sub(a, b.mul(q, c));
            yield ints ? b.cast(m, new ElementType.IntType(true, 0)) : m;
          }
        });
  }

  /** x ** constant becomes the univariate Power (integer exponents keep integers integer). */
  private static int power(ProgramBuilder b, int base, Value exponent, int exponentNode) {
    return switch (exponent) {
      case Value.Int i -> b.unary(new UnaryFn.Power(i.value()), base);
      case Value.Float f -> b.unary(new UnaryFn.Power(f.value()), base);
      default -> b.binary(BinaryKind.POW, base, exponentNode);
    };
  }

  Value compare(CompareOp op, Value l, Value r, Span span) {
    if (isScalar(l) && isScalar(r)) {
      return Scalars.compare(op, l, r);
    }
    requireTensorLike(l, span, op.symbol());
    requireTensorLike(r, span, op.symbol());
    BinaryKind kind =
        switch (op) {
          case LT -> BinaryKind.LESS;
          case LE -> BinaryKind.LESS_EQUAL;
          case GT -> BinaryKind.GREATER;
          case GE -> BinaryKind.GREATER_EQUAL;
          case EQ -> BinaryKind.EQUAL;
          case NE -> BinaryKind.NOT_EQUAL;
        };
    return new Value.Traced(t.at(span).binary(kind, t.node(l, span), t.node(r, span)));
  }

  static boolean isScalar(Value v) {
    return v instanceof Value.Int || v instanceof Value.Float || v instanceof Value.Bool;
  }

  private static void requireTensorLike(Value v, Span span, String op) {
    if (!Tracer.isTensorLike(v)) {
      throw Tracer.error(span, "operator " + op + " does not apply to " + Value.describe(v));
    }
  }
}
