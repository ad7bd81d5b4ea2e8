package dev.fhec.compiler.frontend.lang;

import dev.fhec.grammar.ast.Expr;
import dev.fhec.grammar.ast.Param;
import dev.fhec.grammar.ast.Span;
import dev.fhec.grammar.ast.Stmt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Runs statements symbolically: assignments bind values, {@code for} loops over constant ranges are
 * unrolled (within a budget for the whole program), {@code if} and {@code while} on compile-time
 * conditions run at compile time (on encrypted ones they are refused), helper functions are inlined
 * at each call (recursion is rejected), {@code return} ends the current function.
 */
final class StatementExecutor {
  /** Most iterations one loop may unroll to, so that a typo cannot build a huge program. */
  static final long MAX_UNROLL = 1 << 16;

  /**
   * Most loop-body runs in one compilation, all loops together: nested loops multiply (60000 ×
   * 60000 passes the per-loop limit but would never finish), so the product of the enclosing loops'
   * sizes is checked when a loop starts, and every body run is counted.
   */
  static final long MAX_TOTAL_UNROLL = 1 << 20;

  private long unrolled;
  private long enclosing = 1;

  /** Deepest helper nesting. */
  static final int MAX_CALL_DEPTH = 64;

  private final Tracer t;
  private final ExpressionEvaluator exprs;
  private final Subscripts subscripts;
  private final Deque<String> callStack = new ArrayDeque<>();

  StatementExecutor(Tracer tracer, ExpressionEvaluator exprs) {
    this.t = tracer;
    this.exprs = exprs;
    this.subscripts = new Subscripts(tracer);
  }

  /** Runs {@code body}; a present result means a {@code return} was executed. */
  Optional<Value> run(List<Stmt> body, Scope scope) {
    for (Stmt s : body) {
      Optional<Value> r = run(s, scope);
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  private Optional<Value> run(Stmt s, Scope scope) {
    switch (s) {
      case Stmt.Assign a -> {
        Value v = exprs.eval(a.value(), scope);
        for (Expr target : a.targets()) {
          bind(target, v, scope, a.value().span());
        }
      }
      case Stmt.AugAssign a -> {
        if (!(a.target() instanceof Expr.Name)) {
          throw Tracer.error(
              a.target().span(), "augmented assignment needs a plain name on the left");
        }
        Value v =
            new Operators(t)
                .binary(
                    a.op(), exprs.eval(a.target(), scope), exprs.eval(a.value(), scope), a.span());
        bind(a.target(), v, scope, a.span());
      }
      case Stmt.ExprStmt e -> {
        if (!(e.value() instanceof Expr.StringLiteral)) {
          throw Tracer.error(
              e.span(), "this expression's value is not used; assign it to a name or return it");
        }
      }
      case Stmt.Return r -> {
        return Optional.of(r.value().map(v -> exprs.eval(v, scope)).orElse(new Value.None()));
      }
      case Stmt.For f -> {
        return loop(f, scope);
      }
      case Stmt.If i -> {
        return run(truth(i.condition(), scope, "if") ? i.body() : i.orElse(), scope);
      }
      case Stmt.While w -> {
        return whileLoop(w, scope);
      }
      case Stmt.Pass p -> {
        // nothing to do
      }
      case Stmt.Import i -> {
        if (!i.module().equals("numpy")) {
          throw Tracer.error(i.span(), "only numpy can be imported, not '" + i.module() + "'");
        }
        scope.set(i.alias().orElse("numpy"), new Value.NumpyModule());
      }
      case Stmt.FromImport f -> {
        if (!f.module().equals("numpy")) {
          throw Tracer.error(f.span(), "only numpy can be imported, not '" + f.module() + "'");
        }
        NumpyFunctions np = new NumpyFunctions(t);
        for (var alias : f.names()) {
          if (!np.has(alias.name())) {
            throw Tracer.error(
                alias.span(),
                "unsupported function numpy." + alias.name() + "; supported: " + np.supported());
          }
          scope.set(alias.alias().orElse(alias.name()), new Value.NumpyFunction(alias.name()));
        }
      }
      case Stmt.FunctionDef d -> scope.set(d.name(), new Value.Function(d, scope));
    }
    return Optional.empty();
  }

  private Optional<Value> loop(Stmt.For f, Scope scope) {
    Value it = exprs.eval(f.iterable(), scope);
    List<Value> items = new ArrayList<>();
    switch (it) {
      case Value.Range r -> {
        long n = r.length();
        if (n > MAX_UNROLL) {
          throw Tracer.error(
              f.iterable().span(),
              "this loop would unroll to " + n + " iterations; the limit is " + MAX_UNROLL);
        }
        for (long i = 0; i < n; i++) {
          items.add(new Value.Int(r.start() + i * r.step()));
        }
      }
      case Value.Tuple tu -> items.addAll(tu.items());
      case Value.PyList l -> items.addAll(l.items());
      case Value.Traced tr -> items.addAll(rows(it, f.iterable().span()));
      case Value.Array a -> items.addAll(rows(it, f.iterable().span()));
      default ->
          throw Tracer.error(
              f.iterable().span(),
              "for loops are unrolled at compile time: iterate over range(...) with constant bounds, "
                  + "a tuple, a list or the rows of a tensor, not "
                  + Value.describe(it));
    }
    long outer = enclosing;
    if (outer * items.size() > MAX_TOTAL_UNROLL) {
      throw Tracer.error(
          f.iterable().span(),
          "nested loops would unroll to "
              + outer * items.size()
              + " iterations (this loop's "
              + items.size()
              + " times "
              + outer
              + " from the loops around it); the budget for a whole program is "
              + MAX_TOTAL_UNROLL
              + ". Loops are unrolled at compile time: use tensor operations (@, np.sum, slicing)"
              + " instead of element loops");
    }
    enclosing = outer * Math.max(1, items.size());
    try {
      for (Value item : items) {
        count(f.iterable().span());
        bind(f.target(), item, scope, f.iterable().span());
        Optional<Value> r = run(f.body(), scope);
        if (r.isPresent()) {
          return r;
        }
      }
    } finally {
      enclosing = outer;
    }
    return Optional.empty();
  }

  /** Counts one loop-body run against {@link #MAX_TOTAL_UNROLL}. */
  private void count(Span loop) {
    if (++unrolled > MAX_TOTAL_UNROLL) {
      throw Tracer.error(
          loop,
          "the program unrolls more than "
              + MAX_TOTAL_UNROLL
              + " loop iterations in all; use tensor operations instead of element loops");
    }
  }

  /** A while loop runs at compile time, on a condition that must not depend on encrypted data. */
  private Optional<Value> whileLoop(Stmt.While w, Scope scope) {
    while (truth(w.condition(), scope, "while")) {
      count(w.condition().span());
      Optional<Value> r = run(w.body(), scope);
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  /**
   * The truth of a condition known at compile time. An encrypted condition cannot steer control
   * flow: the server evaluates a fixed circuit on ciphertexts and never learns the condition.
   */
  private boolean truth(Expr condition, Scope scope, String keyword) {
    Value v = exprs.eval(condition, scope);
    return switch (v) {
      case Value.Bool b -> b.value();
      case Value.Int i -> i.value() != 0;
      case Value.Float f -> f.value() != 0;
      case Value.None n -> false;
      case Value.Str str -> !str.value().isEmpty();
      case Value.Tuple tu -> !tu.items().isEmpty();
      case Value.PyList l -> !l.items().isEmpty();
      case Value.Traced tr ->
          throw Tracer.error(
              condition.span(),
              keyword.equals("if")
                  ? "'if' on an encrypted value is not supported: the server computes on"
                      + " ciphertexts and cannot see the condition to choose a branch; compute"
                      + " both branches and select with np.where(condition, a, b)"
                  : "'while' on an encrypted condition is not supported: the number of"
                      + " iterations would depend on encrypted data the server cannot see; loop"
                      + " over range(n) with a constant n and select with np.where");
      default ->
          throw Tracer.error(
              condition.span(),
              "the condition of '"
                  + keyword
                  + "' must be a compile-time bool or number, not "
                  + Value.describe(v));
    };
  }

  /** The rows x[0], x[1], ... of a tensor (Python iteration over an array). */
  private List<Value> rows(Value x, Span span) {
    int[] shape = t.shape(x, span);
    if (shape.length == 0) {
      throw Tracer.error(span, "cannot iterate over a scalar");
    }
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < shape[0]; i++) {
      out.add(subscripts.apply(x, List.of(new Index.At(i, span)), span));
    }
    return out;
  }

  private void bind(Expr target, Value v, Scope scope, Span valueSpan) {
    switch (target) {
      case Expr.Name n -> scope.set(n.id(), v);
      case Expr.TupleExpr tu -> unpack(tu.elements(), v, scope, target.span(), valueSpan);
      case Expr.ListExpr l -> unpack(l.elements(), v, scope, target.span(), valueSpan);
      default ->
          throw Tracer.error(
              target.span(),
              "cannot assign to this expression; tensors are immutable, assign to a name instead");
    }
  }

  private void unpack(List<Expr> targets, Value v, Scope scope, Span targetSpan, Span valueSpan) {
    List<Value> items = Args.sequence(v);
    if (items == null && Tracer.isTensorLike(v) && !Operators.isScalar(v)) {
      items = rows(v, valueSpan);
    }
    if (items == null) {
      throw Tracer.error(
          valueSpan, "cannot unpack " + Value.describe(v) + " into " + targets.size() + " names");
    }
    if (items.size() != targets.size()) {
      throw Tracer.error(
          targetSpan,
          "cannot unpack " + items.size() + " values into " + targets.size() + " names");
    }
    for (int i = 0; i < targets.size(); i++) {
      bind(targets.get(i), items.get(i), scope, valueSpan);
    }
  }

  /** Inlines a call of a user function: binds its parameters, runs its body, yields its return. */
  Value inline(Value.Function f, Args a) {
    Stmt.FunctionDef d = f.def();
    if (callStack.contains(d.name())) {
      List<String> chain = new ArrayList<>(callStack.reversed());
      chain.add(d.name());
      throw Tracer.error(
          a.span(),
          "recursive call of '"
              + d.name()
              + "' ("
              + String.join(" -> ", chain)
              + "); helpers are inlined, so recursion is not supported");
    }
    if (callStack.size() >= MAX_CALL_DEPTH) {
      throw Tracer.error(a.span(), "helper calls nested deeper than " + MAX_CALL_DEPTH);
    }
    String[] names = d.params().stream().map(Param::name).toArray(String[]::new);
    int required = 0;
    while (required < names.length && d.params().get(required).defaultValue().isEmpty()) {
      required++;
    }
    Args.Bound bound = a.bind(required, names);
    Scope local = new Scope(f.closure());
    for (int i = 0; i < names.length; i++) {
      Value v = bound.get(names[i]);
      if (v == null) {
        v = exprs.eval(d.params().get(i).defaultValue().orElseThrow(), f.closure());
      }
      local.set(names[i], v);
    }
    callStack.push(d.name());
    try {
      return run(d.body(), local).orElse(new Value.None());
    } finally {
      callStack.pop();
    }
  }
}
