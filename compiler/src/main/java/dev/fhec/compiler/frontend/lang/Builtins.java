package dev.fhec.compiler.frontend.lang;

import dev.fhec.grammar.ast.Span;
import java.util.List;
import java.util.Optional;

/** Python built-ins usable in programs: range, len, int, float, abs, min, max. */
final class Builtins {
  private static final List<String> NAMES = List.of("range", "len", "abs", "min", "max");

  private final Tracer t;
  private final NumpyFunctions numpy;

  Builtins(Tracer tracer, NumpyFunctions numpy) {
    this.t = tracer;
    this.numpy = numpy;
  }

  Optional<Value> lookup(String name) {
    if (NAMES.contains(name)) {
      return Optional.of(new Value.Builtin(name));
    }
    return switch (name) {
      case "int" -> Optional.of(new Value.DType(false, "int"));
      case "float" -> Optional.of(new Value.DType(true, "float"));
      default -> Optional.empty();
    };
  }

  Value call(String name, Args a) {
    return switch (name) {
      case "range" -> range(a);
      case "len" -> {
        Args.Bound p = a.bind(1, "obj");
        Value v = p.get("obj");
        List<Value> seq = Args.sequence(v);
        if (seq != null) {
          yield new Value.Int(seq.size());
        }
        int[] shape = t.shape(v, p.spanOf("obj"));
        if (shape.length == 0) {
          throw Tracer.error(p.spanOf("obj"), "len() of a scalar");
        }
        yield new Value.Int(shape[0]);
      }
      case "abs" -> {
        Args.Bound p = a.bind(1, "x");
        yield switch (p.get("x")) {
          case Value.Int i -> new Value.Int(Math.absExact(i.value()));
          case Value.Float f -> new Value.Float(Math.abs(f.value()));
          default -> numpy.call("abs", a);
        };
      }
      case "min", "max" -> {
        List<Value> items =
            a.positional().size() == 1 ? Args.sequence(a.positional().get(0)) : a.positional();
        if (items == null || items.isEmpty() || !items.stream().allMatch(Operators::isScalar)) {
          throw Tracer.error(
              a.span(),
              name
                  + "() works on constant numbers; use np."
                  + name
                  + " or np."
                  + (name.equals("max") ? "maximum" : "minimum")
                  + " for tensors");
        }
        Value best = items.get(0);
        for (Value v : items) {
          double x = Args.toDouble(v, a.span(), name + " argument");
          double y = Args.toDouble(best, a.span(), name + " argument");
          if (name.equals("max") ? x > y : x < y) {
            best = v;
          }
        }
        yield best;
      }
      default -> throw new IllegalStateException("unknown builtin " + name);
    };
  }

  private Value range(Args a) {
    Args.Bound p = a.bind(1, "start", "stop", "step");
    long first = Args.toLong(p.get("start"), p.spanOf("start"), "range() bound");
    long start = p.has("stop") ? first : 0;
    long stop =
        p.has("stop") ? Args.toLong(p.get("stop"), p.spanOf("stop"), "range() bound") : first;
    long step = p.has("step") ? Args.toLong(p.get("step"), p.spanOf("step"), "range() step") : 1;
    if (step == 0) {
      throw Tracer.error(p.spanOf("step"), "range() step must not be zero");
    }
    return new Value.Range(start, stop, step);
  }

  /** int(x) / float(x) on numbers, x.astype on tensors. */
  Value convert(Value.DType d, Args a) {
    Args.Bound p = a.bind(1, "x");
    Value x = p.get("x");
    Span s = p.spanOf("x");
    return switch (x) {
      case Value.Int i -> d.isFloat() ? new Value.Float(i.value()) : i;
      case Value.Bool b ->
          d.isFloat() ? new Value.Float(b.value() ? 1 : 0) : new Value.Int(b.value() ? 1 : 0);
      case Value.Float f -> {
        if (d.isFloat()) {
          yield f;
        }
        if (!Double.isFinite(f.value()) || Math.abs(f.value()) >= 9.2e18) {
          throw Tracer.error(s, "cannot convert " + f.value() + " to int");
        }
        yield new Value.Int((long) f.value());
      }
      default -> numpy.astype(x, d, s, a.span(), a.span());
    };
  }
}
