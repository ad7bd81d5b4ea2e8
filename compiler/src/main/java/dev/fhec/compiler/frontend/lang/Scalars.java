package dev.fhec.compiler.frontend.lang;

import dev.fhec.grammar.ast.BinaryOp;
import dev.fhec.grammar.ast.CompareOp;
import dev.fhec.grammar.ast.Span;

/** Python arithmetic on compile-time numbers, with Python's rules (floor division, floor mod). */
final class Scalars {
  private Scalars() {}

  static Value binary(BinaryOp op, Value l, Value r, Span span) {
    if (op == BinaryOp.MATMUL) {
      throw Tracer.error(span, "operator @ needs tensors, got two numbers");
    }
    boolean floats = l instanceof Value.Float || r instanceof Value.Float;
    if (floats || op == BinaryOp.DIV) {
      double a = Args.toDouble(l, span, "operand");
      double b = Args.toDouble(r, span, "operand");
      if (b == 0 && (op == BinaryOp.DIV || op == BinaryOp.FLOOR_DIV || op == BinaryOp.MOD)) {
        throw Tracer.error(span, "division by zero");
      }
      return new Value.Float(
          switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case FLOOR_DIV -> Math.floor(a / b);
            case MOD -> a - Math.floor(a / b) * b;
            case POW -> Math.pow(a, b);
            case MATMUL -> throw new AssertionError("handled above");
          });
    }
    long a = Args.toLong(l, span, "operand");
    long b = Args.toLong(r, span, "operand");
    try {
      return switch (op) {
        case ADD -> new Value.Int(Math.addExact(a, b));
        case SUB -> new Value.Int(Math.subtractExact(a, b));
        case MUL -> new Value.Int(Math.multiplyExact(a, b));
        case FLOOR_DIV -> {
          if (b == 0) {
            throw Tracer.error(span, "division by zero");
          }
          yield new Value.Int(Math.floorDiv(a, b));
        }
        case MOD -> {
          if (b == 0) {
            throw Tracer.error(span, "division by zero");
          }
          yield new Value.Int(Math.floorMod(a, b));
        }
        case POW -> b < 0 ? new Value.Float(Math.pow(a, b)) : new Value.Int(pow(a, b));
        case DIV, MATMUL -> throw new AssertionError("handled above");
      };
    } catch (ArithmeticException e) {
      throw Tracer.error(span, "integer overflow in a constant expression");
    }
  }

  private static long pow(long a, long b) {
    // Exponentiation by squaring; overflow throws ArithmeticException.
    long result = 1;
    long base = a;
    long e = b;
    while (e > 0) {
      if ((e & 1) == 1) {
        result = Math.multiplyExact(result, base);
      }
      e >>= 1;
      if (e > 0) {
        base = Math.multiplyExact(base, base);
      }
    }
    return result;
  }

  static Value compare(CompareOp op, Value l, Value r) {
    double a = l instanceof Value.Float f ? f.value() : Args.toLong(l, null, "operand");
    double b = r instanceof Value.Float f ? f.value() : Args.toLong(r, null, "operand");
    return new Value.Bool(
        switch (op) {
          case LT -> a < b;
          case LE -> a <= b;
          case GT -> a > b;
          case GE -> a >= b;
          case EQ -> a == b;
          case NE -> a != b;
        });
  }

  /**
   * numpy's univariate functions on a compile-time number (np.sqrt(64) is the float 8.0), or null
   * where the result would not be a plain number.
   */
  static Value unary(dev.fhec.compiler.ir.UnaryFn.Simple fn, Value x) {
    double v = x instanceof Value.Float f ? f.value() : ((Value.Int) x).value();
    boolean isInt = x instanceof Value.Int;
    return switch (fn) {
      case EXP -> new Value.Float(Math.exp(v));
      case LOG -> v > 0 ? new Value.Float(Math.log(v)) : null;
      case SQRT -> v >= 0 ? new Value.Float(Math.sqrt(v)) : null;
      case TANH -> new Value.Float(Math.tanh(v));
      case RECIPROCAL -> v != 0 ? new Value.Float(1.0 / v) : null;
      case ABS -> isInt ? new Value.Int(Math.abs((long) v)) : new Value.Float(Math.abs(v));
      case SIGN -> isInt ? new Value.Int((long) Math.signum(v)) : new Value.Float(Math.signum(v));
      case RINT -> isInt ? x : new Value.Float(Math.rint(v));
      case FLOOR -> isInt ? x : new Value.Float(Math.floor(v));
      case CEIL -> isInt ? x : new Value.Float(Math.ceil(v));
      case RSQRT, SIGMOID, ERF, GELU, RELU -> null;
    };
  }
}
