package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.Bounds;
import dev.fhec.grammar.ast.Expr;
import dev.fhec.grammar.ast.Param;
import dev.fhec.grammar.ast.Span;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parameter annotations of the entry function:
 *
 * <pre>
 * x: Encrypted[int4, (1, 6, 768)]            # encrypted signed 4-bit integers, values in [-8, 7]
 * m: Clear[uint8, (6, 6)]                    # a clear runtime argument, values in [0, 255]
 * y: Encrypted[int4, (6, 64), (-7, 7)]       # with a narrower value range
 * s: Encrypted[uint3]                        # a scalar
 * </pre>
 *
 * The element type is {@code intN} or {@code uintN} (1 ≤ N ≤ 32); the shape is a tuple of constant
 * integers (module-level constants may be used); the optional range bounds the values for bit-width
 * analysis when no calibration inputset is given.
 */
final class Annotations {
  private static final Pattern ELEMENT = Pattern.compile("(u?)int([0-9]+)");

  /** A parsed parameter type. */
  record ParamType(boolean encrypted, boolean signed, int[] shape, Bounds range) {}

  private Annotations() {}

  /** Whether {@code p} carries an {@code Encrypted[...]} or {@code Clear[...]} annotation. */
  static boolean isEntryAnnotation(Param p) {
    return p.annotation().isPresent()
        && p.annotation().get() instanceof Expr.Subscript s
        && s.value() instanceof Expr.Name n
        && (n.id().equals("Encrypted") || n.id().equals("Clear"));
  }

  static ParamType parse(Param p, ExpressionEvaluator exprs, Scope module) {
    Span span = p.annotation().map(Expr::span).orElse(p.span());
    if (!isEntryAnnotation(p)) {
      throw Tracer.error(
          span,
          "parameter '"
              + p.name()
              + "' of the entry function needs a type such as "
              + "Encrypted[int4, (6, 768)] or Clear[uint8, (6,)]");
    }
    Expr.Subscript s = (Expr.Subscript) p.annotation().orElseThrow();
    boolean encrypted = ((Expr.Name) s.value()).id().equals("Encrypted");
    List<Expr> parts = s.indices();
    if (parts.isEmpty() || parts.size() > 3) {
      throw Tracer.error(
          span, "expected [element type, shape] or [element type, shape, (min, max)]");
    }
    if (!(parts.get(0) instanceof Expr.Name elem)) {
      throw Tracer.error(parts.get(0).span(), "expected an element type such as int4 or uint8");
    }
    Matcher m = ELEMENT.matcher(elem.id());
    if (!m.matches()) {
      throw Tracer.error(
          elem.span(), "unknown element type '" + elem.id() + "'; use intN or uintN");
    }
    boolean signed = m.group(1).isEmpty();
    int bits = Integer.parseInt(m.group(2));
    if (bits < 1 || bits > 32 || (signed && bits < 2)) {
      throw Tracer.error(
          elem.span(),
          "element bit-width must be in " + (signed ? "2" : "1") + "..32, got " + bits);
    }
    int[] shape = new int[0];
    if (parts.size() >= 2) {
      Value v = exprs.eval(parts.get(1), module);
      shape = Args.toInts(v, parts.get(1).span(), "shape");
      for (int d : shape) {
        if (d < 1) {
          throw Tracer.error(parts.get(1).span(), "shape dimensions must be >= 1");
        }
      }
    }
    long lo = signed ? -(1L << (bits - 1)) : 0;
    long hi = signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
    Bounds range = new Bounds(lo, hi);
    if (parts.size() == 3) {
      int[] r = Args.toInts(exprs.eval(parts.get(2), module), parts.get(2).span(), "value range");
      if (r.length != 2 || r[0] > r[1] || r[0] < lo || r[1] > hi) {
        throw Tracer.error(
            parts.get(2).span(),
            "value range must be (min, max) within " + elem.id() + "'s [" + lo + ", " + hi + "]");
      }
      range = new Bounds(r[0], r[1]);
    }
    return new ParamType(encrypted, signed, shape, range);
  }
}
