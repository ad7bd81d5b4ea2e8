package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Op.BinaryKind;
import dev.fhec.compiler.ir.Op.ReduceKind;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.grammar.ast.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The numpy functions the language supports, as one table from name to lowering (the frontend is a
 * table, like Concrete-ML's ONNX_OPS_TO_NUMPY_IMPL). Semantics are numpy's; an unknown name fails
 * with the list of supported ones.
 */
final class NumpyFunctions {
  private final Tracer t;
  private final Map<String, Function<Args, Value>> table = new TreeMap<>();

  NumpyFunctions(Tracer tracer) {
    this.t = tracer;
    for (var e :
        Map.of(
                "exp", UnaryFn.Simple.EXP,
                "log", UnaryFn.Simple.LOG,
                "sqrt", UnaryFn.Simple.SQRT,
                "tanh", UnaryFn.Simple.TANH,
                "abs", UnaryFn.Simple.ABS,
                "absolute", UnaryFn.Simple.ABS,
                "rint", UnaryFn.Simple.RINT,
                "floor", UnaryFn.Simple.FLOOR,
                "ceil", UnaryFn.Simple.CEIL,
                "sign", UnaryFn.Simple.SIGN)
            .entrySet()) {
      table.put(e.getKey(), a -> unary(a, e.getValue()));
    }
    table.put("reciprocal", a -> unary(a, UnaryFn.Simple.RECIPROCAL));
    table.put("round", this::round);
    table.put("around", this::round);
    table.put("maximum", a -> binary(a, BinaryKind.MAXIMUM));
    table.put("minimum", a -> binary(a, BinaryKind.MINIMUM));
    table.put("add", a -> binary(a, BinaryKind.ADD));
    table.put("subtract", a -> binary(a, BinaryKind.SUB));
    table.put("multiply", a -> binary(a, BinaryKind.MUL));
    table.put("divide", a -> binary(a, BinaryKind.DIV));
    table.put("true_divide", a -> binary(a, BinaryKind.DIV));
    table.put("power", a -> binary(a, BinaryKind.POW));
    table.put("negative", a -> traced(b(a).neg(x(a.bind(1, "x")))));
    table.put("sum", this::sum);
    table.put("max", a -> reduce(a, ReduceKind.MAX));
    table.put("amax", a -> reduce(a, ReduceKind.MAX));
    table.put("min", a -> reduce(a, ReduceKind.MIN));
    table.put("amin", a -> reduce(a, ReduceKind.MIN));
    table.put("matmul", this::matmul);
    table.put("dot", this::matmul);
    table.put("transpose", this::transpose);
    table.put("reshape", this::reshape);
    table.put("expand_dims", this::expandDims);
    table.put("squeeze", this::squeeze);
    table.put("concatenate", this::concatenate);
    table.put("split", this::split);
    table.put("where", this::where);
    table.put("clip", this::clip);
    table.put("broadcast_to", this::broadcastTo);
    table.put("load", this::load);
    table.put("array", this::array);
    table.put("asarray", this::array);
    table.put("ones", a -> filled(a, new Value.Int(1)));
    table.put("zeros", a -> filled(a, new Value.Int(0)));
    table.put("full", this::full);
    table.put("tril", a -> triangle(a, true));
    table.put("triu", a -> triangle(a, false));
    table.put("arange", this::arange);
  }

  /** Whether {@code np.name} is supported. */
  boolean has(String name) {
    return table.containsKey(name);
  }

  /** The supported names, sorted, for error messages. */
  String supported() {
    return String.join(", ", table.keySet());
  }

  Value call(String name, Args args) {
    Function<Args, Value> f = table.get(name);
    if (f == null) {
      throw Tracer.error(
          args.span(), "unsupported function np." + name + "; supported: " + supported());
    }
    return f.apply(args);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private ProgramBuilder b(Args a) {
    return t.at(a.span());
  }

  private int x(Args.Bound bound) {
    return node(bound, "x");
  }

  private int node(Args.Bound bound, String name) {
    return t.node(bound.get(name), bound.spanOf(name));
  }

  private static Value traced(int id) {
    return new Value.Traced(id);
  }

  private Value unary(Args a, UnaryFn fn) {
    Args.Bound p = a.bind(1, "x");
    if (p.get("x") instanceof Value.Float || p.get("x") instanceof Value.Int) {
      Value folded = Scalars.unary((UnaryFn.Simple) fn, p.get("x"));
      if (folded != null) {
        return folded;
      }
    }
    return traced(b(a).unary(fn, x(p)));
  }

  private Value round(Args a) {
    Args.Bound p = a.bind(1, "x", "decimals");
    if (p.has("decimals")
        && Args.toLong(p.get("decimals"), p.spanOf("decimals"), "decimals") != 0) {
      throw Tracer.error(p.spanOf("decimals"), "np.round supports decimals=0 only");
    }
    return traced(b(a).unary(UnaryFn.Simple.RINT, x(p)));
  }

  private Value binary(Args a, BinaryKind kind) {
    Args.Bound p = a.bind(2, "x1", "x2");
    return traced(b(a).binary(kind, node(p, "x1"), node(p, "x2")));
  }

  private Value sum(Args a) {
    Args.Bound p = a.bind(1, "x", "axis", "keepdims");
    List<Integer> axes = axes(p);
    boolean keep =
        p.has("keepdims") && Args.toBool(p.get("keepdims"), p.spanOf("keepdims"), "keepdims");
    return traced(b(a).sum(x(p), axes, keep));
  }

  private List<Integer> axes(Args.Bound p) {
    Value v = p.get("axis");
    List<Integer> axes = new ArrayList<>();
    if (v != null && !(v instanceof Value.None)) {
      for (int ax : Args.toInts(v, p.spanOf("axis"), "axis")) {
        axes.add(ax);
      }
    }
    return axes;
  }

  private Value reduce(Args a, ReduceKind kind) {
    Args.Bound p = a.bind(1, "x", "axis", "keepdims");
    boolean keep =
        p.has("keepdims") && Args.toBool(p.get("keepdims"), p.spanOf("keepdims"), "keepdims");
    ProgramBuilder b = b(a);
    int x = x(p);
    List<Integer> axes = axes(p);
    if (axes.isEmpty()) {
      // Over all axes: flatten, reduce the only axis, restore the rank when keepdims.
      int rank = b.type(x).rank();
      int r = b.reduce(kind, b.reshape(x, -1), 0, false);
      if (keep) {
        int[] ones = new int[rank];
        java.util.Arrays.fill(ones, 1);
        r = b.reshape(r, ones);
      }
      return traced(r);
    }
    if (axes.size() != 1) {
      throw Tracer.error(
          p.spanOf("axis"),
          "np." + kind.name().toLowerCase(java.util.Locale.ROOT) + " supports one axis at a time");
    }
    return traced(b.reduce(kind, x, axes.get(0), keep));
  }

  private Value matmul(Args a) {
    Args.Bound p = a.bind(2, "x1", "x2");
    return traced(b(a).matmul(node(p, "x1"), node(p, "x2")));
  }

  private Value transpose(Args a) {
    Args.Bound p = a.bind(1, "x", "axes");
    int[] perm =
        p.has("axes") && !(p.get("axes") instanceof Value.None)
            ? Args.toInts(p.get("axes"), p.spanOf("axes"), "axes")
            : new int[0];
    return traced(b(a).transpose(x(p), perm));
  }

  private Value reshape(Args a) {
    Args.Bound p = a.bind(2, "x", "shape");
    return traced(b(a).reshape(x(p), Args.toInts(p.get("shape"), p.spanOf("shape"), "shape")));
  }

  private Value expandDims(Args a) {
    Args.Bound p = a.bind(2, "x", "axis");
    return traced(b(a).expandDims(x(p), Args.toInt(p.get("axis"), p.spanOf("axis"), "axis")));
  }

  private Value squeeze(Args a) {
    Args.Bound p = a.bind(1, "x", "axis");
    ProgramBuilder b = b(a);
    int x = x(p);
    int[] shape = b.type(x).shape();
    List<Integer> axes = axes(p);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      final int axis = i;
      boolean named = axes.stream().anyMatch(ax -> ax == axis || ax + shape.length == axis);
      boolean drop = axes.isEmpty() ? shape[i] == 1 : named;
      if (drop && shape[i] != 1) {
        throw Tracer.error(p.spanOf("axis"), "cannot squeeze axis " + i + " of size " + shape[i]);
      }
      if (!drop) {
        out.add(shape[i]);
      }
    }
    return traced(b.reshape(x, out.stream().mapToInt(Integer::intValue).toArray()));
  }

  private Value concatenate(Args a) {
    Args.Bound p = a.bind(1, "arrays", "axis");
    List<Value> parts = Args.toList(p.get("arrays"), p.spanOf("arrays"), "np.concatenate's arrays");
    int axis = p.has("axis") ? Args.toInt(p.get("axis"), p.spanOf("axis"), "axis") : 0;
    return traced(b(a).concat(t.nodes(parts, p.spanOf("arrays")), axis));
  }

  private Value split(Args a) {
    Args.Bound p = a.bind(2, "x", "indices_or_sections", "axis");
    ProgramBuilder b = b(a);
    int x = x(p);
    int[] shape = b.type(x).shape();
    int axis = p.has("axis") ? Args.toInt(p.get("axis"), p.spanOf("axis"), "axis") : 0;
    if (axis < -shape.length || axis >= shape.length) {
      throw Tracer.error(
          p.spanOf("axis"), "axis " + axis + " out of range for rank " + shape.length);
    }
    int ax = axis < 0 ? axis + shape.length : axis;
    Value how = p.get("indices_or_sections");
    List<Integer> cuts = new ArrayList<>();
    if (how instanceof Value.Int n) {
      if (n.value() < 1 || shape[ax] % n.value() != 0) {
        throw Tracer.error(
            p.spanOf("indices_or_sections"),
            "np.split: axis "
                + ax
                + " of size "
                + shape[ax]
                + " cannot be split into "
                + n.value()
                + " equal parts");
      }
      for (long i = 1; i < n.value(); i++) {
        cuts.add((int) (i * shape[ax] / n.value()));
      }
    } else {
      for (int c : Args.toInts(how, p.spanOf("indices_or_sections"), "split indices")) {
        cuts.add(c);
      }
    }
    List<Value> parts = new ArrayList<>();
    int start = 0;
    cuts.add(shape[ax]);
    for (int stop : cuts) {
      List<Integer> starts = new ArrayList<>();
      List<Integer> stops = new ArrayList<>();
      for (int i = 0; i <= ax; i++) {
        starts.add(i == ax ? start : null);
        stops.add(i == ax ? stop : null);
      }
      parts.add(traced(b.slice(x, starts, stops, List.of())));
      start = stop;
    }
    return new Value.Tuple(parts);
  }

  private Value where(Args a) {
    Args.Bound p = a.bind(3, "condition", "x", "y");
    int cond = node(p, "condition");
    if (t.builder.type(cond).encrypted()) {
      throw Tracer.error(
          p.spanOf("condition"),
          "np.where needs a clear (constant) condition; an encrypted condition is not supported");
    }
    return traced(b(a).where(cond, node(p, "x"), node(p, "y")));
  }

  private Value clip(Args a) {
    Args.Bound p = a.bind(3, "x", "a_min", "a_max");
    double lo = Args.toDouble(p.get("a_min"), p.spanOf("a_min"), "np.clip's a_min");
    double hi = Args.toDouble(p.get("a_max"), p.spanOf("a_max"), "np.clip's a_max");
    if (lo > hi) {
      throw Tracer.error(a.span(), "np.clip: a_min " + lo + " > a_max " + hi);
    }
    return traced(b(a).unary(new UnaryFn.Clip(lo, hi), x(p)));
  }

  private Value broadcastTo(Args a) {
    Args.Bound p = a.bind(2, "x", "shape");
    return traced(b(a).broadcastTo(x(p), Args.toInts(p.get("shape"), p.spanOf("shape"), "shape")));
  }

  private Value load(Args a) {
    Args.Bound p = a.bind(1, "file");
    if (!(p.get("file") instanceof Value.Str s)) {
      throw Tracer.error(p.spanOf("file"), "np.load needs a file name string");
    }
    return t.files.load(s.value(), p.spanOf("file"));
  }

  private Value array(Args a) {
    Args.Bound p = a.bind(1, "object", "dtype");
    Value v = p.get("object");
    Tensor tensor =
        switch (v) {
          case Value.Array arr -> arr.tensor();
          case Value.Traced tr ->
              throw Tracer.error(
                  p.spanOf("object"),
                  "np.array of a computed tensor is not needed; use it directly");
          default -> ConstArrays.fromNested(v, p.spanOf("object"));
        };
    if (p.has("dtype")) {
      tensor = convert(tensor, p.get("dtype"), p.spanOf("dtype"));
    }
    return new Value.Array(tensor);
  }

  private static Tensor convert(Tensor tensor, Value dtype, Span span) {
    if (!(dtype instanceof Value.DType d)) {
      throw Tracer.error(
          span, "dtype must be int, float or a numpy dtype, got " + Value.describe(dtype));
    }
    double[] vals = new double[tensor.size()];
    for (int i = 0; i < vals.length; i++) {
      vals[i] = tensor.asDouble(i);
    }
    if (d.isFloat()) {
      return new Tensor.Floats(tensor.shape(), vals);
    }
    long[] ints = new long[vals.length];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = (long) vals[i];
    }
    return new Tensor.Ints(tensor.shape(), ints);
  }

  private Value filled(Args a, Value fill) {
    Args.Bound p = a.bind(1, "shape", "dtype");
    Tensor tensor =
        ConstArrays.full(Args.toInts(p.get("shape"), p.spanOf("shape"), "shape"), fill, a.span());
    if (p.has("dtype")) {
      tensor = convert(tensor, p.get("dtype"), p.spanOf("dtype"));
    }
    return new Value.Array(tensor);
  }

  private Value full(Args a) {
    Args.Bound p = a.bind(2, "shape", "fill_value");
    return new Value.Array(
        ConstArrays.full(
            Args.toInts(p.get("shape"), p.spanOf("shape"), "shape"),
            p.get("fill_value"),
            a.span()));
  }

  private Value triangle(Args a, boolean lower) {
    Args.Bound p = a.bind(1, "m", "k");
    if (!(p.get("m") instanceof Value.Array arr)) {
      throw Tracer.error(
          p.spanOf("m"),
          "np.tril/np.triu build constant masks: their argument must be a constant array");
    }
    long k = p.has("k") ? Args.toLong(p.get("k"), p.spanOf("k"), "k") : 0;
    return new Value.Array(ConstArrays.triangle(arr.tensor(), k, lower, a.span()));
  }

  private Value arange(Args a) {
    Args.Bound p = a.bind(1, "start", "stop", "step");
    long first = Args.toLong(p.get("start"), p.spanOf("start"), "arange bound");
    long start = p.has("stop") ? first : 0;
    long stop =
        p.has("stop") ? Args.toLong(p.get("stop"), p.spanOf("stop"), "arange bound") : first;
    long step = p.has("step") ? Args.toLong(p.get("step"), p.spanOf("step"), "arange step") : 1;
    if (step == 0) {
      throw Tracer.error(p.spanOf("step"), "arange step must not be zero");
    }
    return new Value.Array(ConstArrays.arange(start, stop, step, a.span()));
  }

  /** {@code x.astype(dtype)}: a cast node (float to int truncates toward zero, as numpy). */
  Value astype(Value x, Value dtype, Span xSpan, Span dtypeSpan, Span span) {
    if (!(dtype instanceof Value.DType d)) {
      throw Tracer.error(
          dtypeSpan, "astype needs int, float or a numpy dtype, got " + Value.describe(dtype));
    }
    if (x instanceof Value.Array arr) {
      return new Value.Array(convert(arr.tensor(), d, dtypeSpan));
    }
    ElementType to = d.isFloat() ? new ElementType.FloatType() : new ElementType.IntType(true, 0);
    return traced(t.at(span).cast(t.node(x, xSpan), to));
  }
}
