package dev.fhec.compiler.frontend.lang;

import dev.fhec.grammar.ast.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Attributes and methods: {@code np.<name>}, and on tensors {@code .T}, {@code .shape}, {@code
 * .ndim}, {@code .size} and the methods that mirror numpy functions ({@code x.reshape(...)}, {@code
 * x.astype(int)}, {@code x.sum(axis=...)}, ...).
 */
final class Attributes {
  private static final Map<String, Value.DType> DTYPES = new LinkedHashMap<>();

  static {
    for (String n :
        List.of("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "int_")) {
      DTYPES.put(n, new Value.DType(false, n));
    }
    for (String n : List.of("float16", "float32", "float64", "float_")) {
      DTYPES.put(n, new Value.DType(true, n));
    }
  }

  /** Methods of tensors, each the numpy function of the same name with the tensor first. */
  private static final Set<String> METHODS =
      new TreeSet<>(
          List.of(
              "reshape",
              "transpose",
              "astype",
              "sum",
              "max",
              "min",
              "clip",
              "round",
              "flatten",
              "squeeze",
              "copy"));

  private final Tracer t;
  private final NumpyFunctions numpy;

  Attributes(Tracer tracer, NumpyFunctions numpy) {
    this.t = tracer;
    this.numpy = numpy;
  }

  Value get(Value target, String name, Span span) {
    return switch (target) {
      case Value.NumpyModule m -> numpyAttribute(name, span);
      case Value.Traced x -> tensorAttribute(target, name, span);
      case Value.Array x -> tensorAttribute(target, name, span);
      default ->
          throw Tracer.error(span, Value.describe(target) + " has no attribute '" + name + "'");
    };
  }

  private Value numpyAttribute(String name, Span span) {
    if (numpy.has(name)) {
      return new Value.NumpyFunction(name);
    }
    Value.DType d = DTYPES.get(name);
    if (d != null) {
      return d;
    }
    return switch (name) {
      case "newaxis" -> new Value.None();
      case "pi" -> new Value.Float(Math.PI);
      case "e" -> new Value.Float(Math.E);
      default ->
          throw Tracer.error(
              span,
              "unsupported numpy attribute np."
                  + name
                  + "; supported functions: "
                  + numpy.supported()
                  + "; dtypes: "
                  + String.join(", ", DTYPES.keySet())
                  + "; constants: newaxis, pi, e");
    };
  }

  private Value tensorAttribute(Value x, String name, Span span) {
    int[] shape = t.shape(x, span);
    switch (name) {
      case "T":
        return numpy.call("transpose", args("transpose", List.of(x), span));
      case "shape":
        List<Value> dims = new ArrayList<>();
        for (int d : shape) {
          dims.add(new Value.Int(d));
        }
        return new Value.Tuple(dims);
      case "ndim":
        return new Value.Int(shape.length);
      case "size":
        return new Value.Int(ConstArrays.size(shape));
      default:
        if (METHODS.contains(name)) {
          return new Value.BoundMethod(x, name, span);
        }
        throw Tracer.error(
            span,
            "tensors have no attribute '"
                + name
                + "'; supported: T, shape, ndim, size, "
                + String.join(", ", METHODS));
    }
  }

  /** Calls a bound method with its arguments. */
  Value call(Value.BoundMethod m, Args a) {
    Value self = m.self();
    Span span = a.span();
    switch (m.name()) {
      case "reshape", "transpose" -> {
        // x.reshape(2, 3) and x.reshape((2, 3)) are both accepted, as in numpy.
        List<Value> pos = a.positional();
        Value shape = pos.size() == 1 ? pos.get(0) : new Value.Tuple(pos);
        if (pos.isEmpty()) {
          if (m.name().equals("reshape")) {
            throw Tracer.error(span, "reshape needs a shape");
          }
          return numpy.call("transpose", args("transpose", List.of(self), span));
        }
        return numpy.call(m.name(), args(m.name(), List.of(self, shape), span));
      }
      case "astype" -> {
        Args.Bound p = a.bind(1, "dtype");
        return numpy.astype(self, p.get("dtype"), m.span(), p.spanOf("dtype"), span);
      }
      case "flatten" -> {
        a.bind(0);
        return numpy.call("reshape", args("reshape", List.of(self, new Value.Int(-1)), span));
      }
      case "copy" -> {
        a.bind(0);
        return self;
      }
      default -> {
        List<Value> pos = new ArrayList<>();
        pos.add(self);
        pos.addAll(a.positional());
        List<Span> spans = new ArrayList<>();
        spans.add(m.span());
        spans.addAll(a.positionalSpans());
        return numpy.call(
            m.name(), new Args(a.function(), pos, spans, a.keywords(), a.keywordSpans(), span));
      }
    }
  }

  private static Args args(String fn, List<Value> positional, Span span) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < positional.size(); i++) {
      spans.add(span);
    }
    return new Args(fn, positional, spans, Map.of(), Map.of(), span);
  }
}
