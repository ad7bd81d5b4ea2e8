package dev.fhec.compiler.frontend.lang;

import dev.fhec.grammar.ast.Expr;
import dev.fhec.grammar.ast.Keyword;
import dev.fhec.grammar.ast.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Evaluates expressions: folds what is known at compile time, emits IR for the rest. */
final class ExpressionEvaluator {
  private final Tracer t;
  private final Operators operators;
  private final Subscripts subscripts;
  private final NumpyFunctions numpy;
  private final Attributes attributes;
  private final Builtins builtins;
  private StatementExecutor statements;

  ExpressionEvaluator(Tracer tracer) {
    this.t = tracer;
    this.operators = new Operators(tracer);
    this.subscripts = new Subscripts(tracer);
    this.numpy = new NumpyFunctions(tracer);
    this.attributes = new Attributes(tracer, numpy);
    this.builtins = new Builtins(tracer, numpy);
  }

  /** Connects the statement executor, which inlines user function calls. */
  void setStatements(StatementExecutor statements) {
    this.statements = statements;
  }

  Value eval(Expr e, Scope scope) {
    return switch (e) {
      case Expr.Name n -> lookup(n, scope);
      case Expr.IntLiteral i -> new Value.Int(i.value());
      case Expr.FloatLiteral f -> new Value.Float(f.value());
      case Expr.StringLiteral s -> new Value.Str(s.value());
      case Expr.BoolLiteral b -> new Value.Bool(b.value());
      case Expr.NoneLiteral n -> new Value.None();
      case Expr.EllipsisLiteral el ->
          throw Tracer.error(el.span(), "'...' is only allowed inside [...]");
      case Expr.Unary u -> operators.unary(u.op(), eval(u.operand(), scope), u.span());
      case Expr.Binary b ->
          operators.binary(b.op(), eval(b.left(), scope), eval(b.right(), scope), b.span());
      case Expr.Compare c ->
          operators.compare(c.op(), eval(c.left(), scope), eval(c.right(), scope), c.span());
      case Expr.Call c -> call(c, scope);
      case Expr.Attribute a -> attributes.get(eval(a.value(), scope), a.name(), a.span());
      case Expr.Subscript s -> {
        Value target = eval(s.value(), scope);
        List<Index> indices = new ArrayList<>();
        for (Expr ix : s.indices()) {
          indices.add(index(ix, scope));
        }
        yield subscripts.apply(target, indices, s.span());
      }
      case Expr.Slice s -> throw Tracer.error(s.span(), "a slice is only allowed inside [...]");
      case Expr.TupleExpr tu -> new Value.Tuple(evalAll(tu.elements(), scope));
      case Expr.ListExpr l -> new Value.PyList(evalAll(l.elements(), scope));
    };
  }

  private List<Value> evalAll(List<Expr> es, Scope scope) {
    List<Value> out = new ArrayList<>();
    for (Expr e : es) {
      out.add(eval(e, scope));
    }
    return out;
  }

  private Value lookup(Expr.Name n, Scope scope) {
    Optional<Value> v = scope.lookup(n.id());
    if (v.isPresent()) {
      return v.get();
    }
    Optional<Value> b = builtins.lookup(n.id());
    if (b.isPresent()) {
      return b.get();
    }
    String hint =
        Suggestions.closest(n.id(), scope.names())
            .map(s -> "; did you mean '" + s + "'?")
            .orElse("");
    throw Tracer.error(n.span(), "unknown name '" + n.id() + "'" + hint);
  }

  private Index index(Expr ix, Scope scope) {
    if (ix instanceof Expr.EllipsisLiteral el) {
      return new Index.Ellipsis(el.span());
    }
    if (ix instanceof Expr.Slice s) {
      return new Index.Range(
          bound(s.lower(), scope), bound(s.upper(), scope), bound(s.step(), scope), s.span());
    }
    Value v = eval(ix, scope);
    return switch (v) {
      case Value.Int i -> new Index.At(i.value(), ix.span());
      case Value.None n -> new Index.NewAxis(ix.span());
      case Value.Str s -> new Index.Key(s.value(), ix.span());
      default ->
          throw Tracer.error(
              ix.span(),
              "indices must be constant integers, slices or None; got "
                  + Value.describe(v)
                  + " (indexing by a computed tensor is not supported)");
    };
  }

  private Integer bound(Optional<Expr> e, Scope scope) {
    if (e.isEmpty()) {
      return null;
    }
    Value v = eval(e.get(), scope);
    if (v instanceof Value.None) {
      return null;
    }
    return Args.toInt(v, e.get().span(), "a slice bound");
  }

  private Value call(Expr.Call c, Scope scope) {
    Value fn = eval(c.function(), scope);
    List<Value> args = new ArrayList<>();
    List<Span> argSpans = new ArrayList<>();
    for (Expr a : c.args()) {
      args.add(eval(a, scope));
      argSpans.add(a.span());
    }
    LinkedHashMap<String, Value> kws = new LinkedHashMap<>();
    Map<String, Span> kwSpans = new HashMap<>();
    for (Keyword k : c.keywords()) {
      kws.put(k.name(), eval(k.value(), scope));
      kwSpans.put(k.name(), k.span());
    }
    String name = calleeName(c.function());
    Args a = Args.of(name, args, argSpans, kws, kwSpans, c.span());
    try {
      return switch (fn) {
        case Value.Function f -> statements.inline(f, a);
        case Value.NumpyFunction f -> numpy.call(f.name(), a);
        case Value.BoundMethod m -> attributes.call(m, a);
        case Value.Builtin b -> builtins.call(b.name(), a);
        case Value.DType d -> builtins.convert(d, a);
        default -> throw Tracer.error(c.function().span(), Value.describe(fn) + " is not callable");
      };
    } catch (IllegalArgumentException | ArithmeticException e) {
      // Values the IR records reject, such as np.ones((0, 2)): report them at the call.
      throw Tracer.error(c.span(), name + "(): " + e.getMessage());
    }
  }

  private static String calleeName(Expr f) {
    return switch (f) {
      case Expr.Name n -> n.id();
      case Expr.Attribute a -> calleeName(a.value()) + "." + a.name();
      default -> "function";
    };
  }
}
