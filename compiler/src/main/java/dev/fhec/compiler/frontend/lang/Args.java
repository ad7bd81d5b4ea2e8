package dev.fhec.compiler.frontend.lang;

import dev.fhec.grammar.ast.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluated arguments of one call, with helpers that bind them to a parameter list the way
 * Python does and convert them to the compile-time numbers numpy expects (axes, shapes).
 *
 * @param function the callee's name as the user wrote it, for messages
 * @param positional positional argument values
 * @param positionalSpans their spans
 * @param keywords keyword argument values, in source order
 * @param keywordSpans their spans
 * @param span the whole call
 */
record Args(
    String function,
    List<Value> positional,
    List<Span> positionalSpans,
    Map<String, Value> keywords,
    Map<String, Span> keywordSpans,
    Span span) {

  /** Parameters bound to values (null where absent), with their spans. */
  record Bound(Args args, List<String> names, Value[] values, Span[] spans) {
    Value get(String name) {
      return values[names.indexOf(name)];
    }

    boolean has(String name) {
      return get(name) != null;
    }

    Span spanOf(String name) {
      Span s = spans[names.indexOf(name)];
      return s != null ? s : args.span();
    }
  }

  /**
   * Binds to parameters {@code names}, of which the first {@code required} must be given.
   *
   * @throws dev.fhec.compiler.diag.CompileException naming the unexpected or missing argument
   */
  Bound bind(int required, String... names) {
    List<String> list = List.of(names);
    Value[] values = new Value[names.length];
    Span[] spans = new Span[names.length];
    if (positional.size() > names.length) {
      throw Tracer.error(
          positionalSpans.get(names.length),
          function
              + "() takes at most "
              + names.length
              + " positional arguments ("
              + String.join(", ", list)
              + "), got "
              + positional.size());
    }
    for (int i = 0; i < positional.size(); i++) {
      values[i] = positional.get(i);
      spans[i] = positionalSpans.get(i);
    }
    for (Map.Entry<String, Value> kw : keywords.entrySet()) {
      int i = list.indexOf(kw.getKey());
      Span ks = keywordSpans.get(kw.getKey());
      if (i < 0) {
        throw Tracer.error(
            ks,
            function
                + "() got an unexpected keyword argument '"
                + kw.getKey()
                + "'; it accepts "
                + String.join(", ", list));
      }
      if (values[i] != null) {
        throw Tracer.error(
            ks, function + "() got multiple values for argument '" + kw.getKey() + "'");
      }
      values[i] = kw.getValue();
      spans[i] = ks;
    }
    for (int i = 0; i < required; i++) {
      if (values[i] == null) {
        throw Tracer.error(span, function + "() is missing its argument '" + names[i] + "'");
      }
    }
    return new Bound(this, list, values, spans);
  }

  /** Builds the record, keeping keyword order. */
  static Args of(
      String function,
      List<Value> positional,
      List<Span> positionalSpans,
      LinkedHashMap<String, Value> keywords,
      Map<String, Span> keywordSpans,
      Span span) {
    return new Args(
        function,
        new ArrayList<>(positional),
        new ArrayList<>(positionalSpans),
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keywords)),
        Map.copyOf(keywordSpans),
        span);
  }

  // ---- conversions ---------------------------------------------------------------------------

  static long toLong(Value v, Span span, String what) {
    return switch (v) {
      case Value.Int i -> i.value();
      case Value.Bool b -> b.value() ? 1 : 0;
      default ->
          throw Tracer.error(span, what + " must be a constant integer, got " + Value.describe(v));
    };
  }

  static int toInt(Value v, Span span, String what) {
    long l = toLong(v, span, what);
    if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
      throw Tracer.error(span, what + " " + l + " is out of range");
    }
    return (int) l;
  }

  static double toDouble(Value v, Span span, String what) {
    return switch (v) {
      case Value.Int i -> i.value();
      case Value.Float f -> f.value();
      case Value.Bool b -> b.value() ? 1 : 0;
      default ->
          throw Tracer.error(span, what + " must be a constant number, got " + Value.describe(v));
    };
  }

  static boolean toBool(Value v, Span span, String what) {
    return switch (v) {
      case Value.Bool b -> b.value();
      case Value.Int i -> i.value() != 0;
      default ->
          throw Tracer.error(span, what + " must be True or False, got " + Value.describe(v));
    };
  }

  /** An int or a tuple/list of ints (a shape or a list of axes). */
  static int[] toInts(Value v, Span span, String what) {
    List<Value> items = sequence(v);
    if (items != null) {
      int[] out = new int[items.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = toInt(items.get(i), span, what);
      }
      return out;
    }
    return new int[] {toInt(v, span, what)};
  }

  /** A list of values from a tuple or list argument. */
  static List<Value> toList(Value v, Span span, String what) {
    List<Value> items = sequence(v);
    if (items != null) {
      return items;
    }
    throw Tracer.error(span, what + " must be a list or tuple, got " + Value.describe(v));
  }

  /** The items of a tuple or list, or null for other values. */
  static List<Value> sequence(Value v) {
    return switch (v) {
      case Value.Tuple t -> t.items();
      case Value.PyList l -> l.items();
      default -> null;
    };
  }
}
