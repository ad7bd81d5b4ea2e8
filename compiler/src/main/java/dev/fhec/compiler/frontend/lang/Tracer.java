package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.TensorType;
import dev.fhec.grammar.ast.Span;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * State shared by the evaluators while one program is traced: the IR builder, the directory that
 * constant files are resolved against, and the helpers that turn compile-time values into nodes.
 */
final class Tracer {
  final ProgramBuilder builder;
  final ConstantFiles files;
  private final Map<Tensor, Integer> materialized = new IdentityHashMap<>();

  Tracer(ProgramBuilder builder, ConstantFiles files) {
    this.builder = builder;
    this.files = files;
  }

  /** The IR location of a source span. */
  static Location location(Span s) {
    return new Location.Source(s.file(), s.line(), s.col(), s.endLine(), s.endCol());
  }

  /** A located error; thrown by the caller. */
  static CompileException error(Span span, String message) {
    return new CompileException(Diagnostic.error(message, location(span)));
  }

  /** Sets the location of the next nodes to {@code span} and returns the builder. */
  ProgramBuilder at(Span span) {
    return builder.at(location(span));
  }

  /** Whether {@code v} can take part in tensor arithmetic. */
  static boolean isTensorLike(Value v) {
    return switch (v) {
      case Value.Int i -> true;
      case Value.Float f -> true;
      case Value.Bool b -> true;
      case Value.Array a -> true;
      case Value.Traced t -> true;
      case Value.Tuple t -> true;
      case Value.PyList l -> true;
      default -> false;
    };
  }

  /**
   * The node holding {@code v}: an existing node, or a new clear constant for numbers, arrays and
   * (numeric, rectangular) tuples and lists. Each constant array becomes one node however often it
   * is used.
   */
  int node(Value v, Span span) {
    return switch (v) {
      case Value.Traced t -> t.node();
      case Value.Int i -> at(span).constant(i.value());
      case Value.Bool b -> at(span).constant(b.value() ? 1L : 0L);
      case Value.Float f -> at(span).constant(f.value());
      case Value.Array a -> {
        Integer id = materialized.get(a.tensor());
        if (id == null) {
          id = at(span).constant(a.tensor());
          materialized.put(a.tensor(), id);
        }
        yield id;
      }
      case Value.Tuple t -> node(new Value.Array(ConstArrays.fromNested(v, span)), span);
      case Value.PyList l -> node(new Value.Array(ConstArrays.fromNested(v, span)), span);
      default -> throw error(span, "expected a number or a tensor, got " + Value.describe(v));
    };
  }

  /** The type {@code v} has or would have as a node (without creating one). */
  TensorType typeOf(Value v, Span span) {
    return switch (v) {
      case Value.Traced t -> builder.type(t.node());
      case Value.Array a -> dev.fhec.compiler.ir.TypeRules.constantType(a.tensor());
      case Value.Float f -> new TensorType(new int[0], new ElementType.FloatType(), false);
      case Value.Int i ->
          new TensorType(new int[0], new ElementType.IntType(i.value() < 0, 0), false);
      case Value.Bool b -> new TensorType(new int[0], new ElementType.IntType(false, 0), false);
      case Value.Tuple t ->
          dev.fhec.compiler.ir.TypeRules.constantType(ConstArrays.fromNested(v, span));
      case Value.PyList l ->
          dev.fhec.compiler.ir.TypeRules.constantType(ConstArrays.fromNested(v, span));
      default -> throw error(span, "expected a number or a tensor, got " + Value.describe(v));
    };
  }

  /** Shape of a tensor-like value. */
  int[] shape(Value v, Span span) {
    return typeOf(v, span).shape();
  }

  /** Node ids of several values. */
  List<Integer> nodes(List<Value> vs, Span span) {
    List<Integer> out = new ArrayList<>();
    for (Value v : vs) {
      out.add(node(v, span));
    }
    return out;
  }
}
