package dev.fhec.compiler.frontend.onnx;

import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Op.BinaryKind;
import dev.fhec.compiler.ir.Op.ReduceKind;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ONNX operator table: one entry per supported operator, each citing the operator version of
 * the ONNX changelog it follows (https://github.com/onnx/onnx/blob/main/docs/Changelog.md, e.g.
 * {@code Relu-14}) and lowering the node to float IR. Adding an operator is adding an entry; an
 * operator that is not here fails with the list of the supported ones.
 *
 * <p>Everything is lowered in the float domain (the model's semantics); post-training quantization
 * turns the float program into integers afterwards.
 */
final class OnnxOps {
  private OnnxOps() {}

  /**
   * A table entry.
   *
   * @param version the operator version followed, as the ONNX changelog names it ({@code Relu-14})
   * @param minOpset the oldest default-domain opset whose semantics the lowering also handles
   *     (older spellings such as axes as an attribute included); older models are rejected
   * @param lowering the lowering
   * @param attributes the attributes the lowering reads (of {@code version} and the older spellings
   *     it accepts); a node with any other attribute is refused, never half-honoured
   */
  record Entry(String version, int minOpset, OnnxOpLowering lowering, Set<String> attributes) {
    Entry {
      attributes = Set.copyOf(attributes);
    }

    Entry(String version, OnnxOpLowering lowering, String... attributes) {
      this(version, DEFAULT_MIN_OPSET, lowering, Set.of(attributes));
    }

    Entry(String version, int minOpset, OnnxOpLowering lowering, String... attributes) {
      this(version, minOpset, lowering, Set.of(attributes));
    }
  }

  /** Opset 11 changed many operators (negative axes, Slice inputs); older models are rejected. */
  static final int DEFAULT_MIN_OPSET = 11;

  private static final ElementType FLOAT = new ElementType.FloatType();
  private static final ElementType INT = new ElementType.IntType(true, 0);

  /** axes (an attribute before ReduceSum-13 / ReduceMax-18), keepdims, noop_with_empty_axes. */
  private static final String[] REDUCE_ATTRIBUTES = {"axes", "keepdims", "noop_with_empty_axes"};

  static final Map<String, Entry> TABLE = table();

  private static Map<String, Entry> table() {
    Map<String, Entry> t = new TreeMap<>();
    t.put("MatMul", new Entry("MatMul-13", (c, n, in) -> one(c.b().matmul(in.get(0), in.get(1)))));
    t.put("Gemm", new Entry("Gemm-13", OnnxOps::gemm, "alpha", "beta", "transA", "transB"));
    t.put("Add", new Entry("Add-14", binary(BinaryKind.ADD)));
    t.put("Sub", new Entry("Sub-14", binary(BinaryKind.SUB)));
    t.put("Mul", new Entry("Mul-14", binary(BinaryKind.MUL)));
    t.put("Div", new Entry("Div-14", OnnxOps::div));
    t.put("Pow", new Entry("Pow-15", OnnxOps::pow));
    t.put("Max", new Entry("Max-13", variadic(BinaryKind.MAXIMUM)));
    t.put("Min", new Entry("Min-13", variadic(BinaryKind.MINIMUM)));
    t.put("Sum", new Entry("Sum-13", variadic(BinaryKind.ADD)));
    t.put("Mean", new Entry("Mean-13", OnnxOps::mean));
    t.put("Equal", new Entry("Equal-13", binary(BinaryKind.EQUAL)));
    t.put("Less", new Entry("Less-13", binary(BinaryKind.LESS)));
    t.put("LessOrEqual", new Entry("LessOrEqual-16", 12, binary(BinaryKind.LESS_EQUAL)));
    t.put("Greater", new Entry("Greater-13", binary(BinaryKind.GREATER)));
    t.put("GreaterOrEqual", new Entry("GreaterOrEqual-16", 12, binary(BinaryKind.GREATER_EQUAL)));
    t.put("Neg", new Entry("Neg-13", (c, n, in) -> one(c.b().neg(in.get(0)))));
    t.put("Identity", new Entry("Identity-16", (c, n, in) -> one(in.get(0))));
    t.put("Exp", new Entry("Exp-13", unary(UnaryFn.Simple.EXP)));
    t.put("Log", new Entry("Log-13", unary(UnaryFn.Simple.LOG)));
    t.put("Sqrt", new Entry("Sqrt-13", unary(UnaryFn.Simple.SQRT)));
    t.put("Reciprocal", new Entry("Reciprocal-13", unary(UnaryFn.Simple.RECIPROCAL)));
    t.put("Tanh", new Entry("Tanh-13", unary(UnaryFn.Simple.TANH)));
    t.put("Sigmoid", new Entry("Sigmoid-13", unary(UnaryFn.Simple.SIGMOID)));
    t.put("Erf", new Entry("Erf-13", unary(UnaryFn.Simple.ERF)));
    t.put("Relu", new Entry("Relu-14", unary(UnaryFn.Simple.RELU)));
    t.put("Abs", new Entry("Abs-13", unary(UnaryFn.Simple.ABS)));
    t.put("Gelu", new Entry("Gelu-20", 20, OnnxOps::gelu, "approximate"));
    t.put("Transpose", new Entry("Transpose-13", OnnxOps::transpose, "perm"));
    t.put("Reshape", new Entry("Reshape-14", 5, OnnxOps::reshape, "allowzero"));
    t.put("Flatten", new Entry("Flatten-13", OnnxOps::flatten, "axis"));
    t.put("Split", new Entry("Split-18", OnnxOps::split, "axis", "split", "num_outputs"));
    t.put("Slice", new Entry("Slice-13", OnnxOps::slice));
    t.put("Gather", new Entry("Gather-13", OnnxOps::gather, "axis"));
    t.put("Concat", new Entry("Concat-13", OnnxOps::concat, "axis"));
    t.put("Unsqueeze", new Entry("Unsqueeze-13", OnnxOps::unsqueeze, "axes"));
    t.put("Squeeze", new Entry("Squeeze-13", OnnxOps::squeeze, "axes"));
    t.put("Expand", new Entry("Expand-13", OnnxOps::expand));
    t.put("Shape", new Entry("Shape-15", OnnxOps::shape, "start", "end"));
    t.put("Softmax", new Entry("Softmax-13", 13, OnnxOps::softmax, "axis"));
    t.put("ReduceMax", new Entry("ReduceMax-18", reduce(ReduceKind.MAX), REDUCE_ATTRIBUTES));
    t.put("ReduceMin", new Entry("ReduceMin-18", reduce(ReduceKind.MIN), REDUCE_ATTRIBUTES));
    t.put("ReduceSum", new Entry("ReduceSum-13", OnnxOps::reduceSum, REDUCE_ATTRIBUTES));
    t.put("ReduceMean", new Entry("ReduceMean-18", OnnxOps::reduceMean, REDUCE_ATTRIBUTES));
    t.put("Where", new Entry("Where-16", OnnxOps::where));
    t.put("Cast", new Entry("Cast-19", OnnxOps::cast, "to", "saturate"));
    t.put(
        "Constant",
        new Entry(
            "Constant-13",
            OnnxOps::constant,
            "value",
            "value_float",
            "value_floats",
            "value_int",
            "value_ints"));
    t.put(
        "LayerNormalization",
        new Entry(
            "LayerNormalization-17", 17, OnnxOps::layerNorm, "axis", "epsilon", "stash_type"));
    t.put("QuantizeLinear", new Entry("QuantizeLinear-13", OnnxOps::quantizeLinear, "axis"));
    t.put("DequantizeLinear", new Entry("DequantizeLinear-13", OnnxOps::dequantizeLinear, "axis"));
    return java.util.Collections.unmodifiableMap(t);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static List<Integer> one(int id) {
    return List.of(id);
  }

  private static OnnxOpLowering binary(BinaryKind kind) {
    return (c, n, in) -> one(c.b().binary(kind, in.get(0), in.get(1)));
  }

  /**
   * Max-13, Min-13, Sum-13: one or more inputs with multidirectional broadcasting, folded pairwise
   * (pairwise broadcasting reaches the same shape). The operands may be encrypted values on
   * different quantization scales: the quantizer brings each pair to a common scale.
   */
  private static OnnxOpLowering variadic(BinaryKind kind) {
    return (c, n, in) -> one(fold(c, kind, in));
  }

  private static int fold(OnnxLoweringContext c, BinaryKind kind, List<Integer> in) {
    List<Integer> xs = in.stream().filter(i -> i >= 0).toList();
    if (xs.isEmpty()) {
      throw c.error("needs at least one input");
    }
    int acc = xs.get(0);
    for (int i = 1; i < xs.size(); i++) {
      acc = c.b().binary(kind, acc, xs.get(i));
    }
    return acc;
  }

  /** Mean-13: the sum of the inputs divided by their count. */
  private static List<Integer> mean(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    int sum = fold(c, BinaryKind.ADD, in);
    long count = in.stream().filter(i -> i >= 0).count();
    return one(count == 1 ? sum : c.b().div(sum, c.b().constant((double) count)));
  }

  private static OnnxOpLowering unary(UnaryFn fn) {
    return (c, n, in) -> one(c.b().unary(fn, in.get(0)));
  }

  private static int rank(OnnxLoweringContext c, int id) {
    return c.b().type(id).rank();
  }

  private static int[] shapeOf(OnnxLoweringContext c, int id) {
    return c.b().type(id).shape();
  }

  private static List<Integer> axesOf(OnnxLoweringContext c, List<Long> axes, int rank) {
    List<Integer> out = new ArrayList<>();
    for (long a : axes) {
      out.add(c.axis(a, rank));
    }
    return out;
  }

  /** Axes from the input (newer opsets) or the attribute (older), or null when absent. */
  private static List<Long> axesInputOrAttr(OnnxLoweringContext c, List<Integer> in, int index) {
    if (in.size() > index && in.get(index) >= 0) {
      return c.longs(in.get(index), "input 'axes'");
    }
    return c.attrInts("axes");
  }

  // ---- lowerings -----------------------------------------------------------------------------

  /** Y = alpha·A'·B' + beta·C. */
  private static List<Integer> gemm(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    ProgramBuilder b = c.b();
    int a = c.attrInt("transA", 0) != 0 ? b.transpose(in.get(0), 1, 0) : in.get(0);
    int w = c.attrInt("transB", 0) != 0 ? b.transpose(in.get(1), 1, 0) : in.get(1);
    int y = b.matmul(a, w);
    double alpha = c.attrFloat("alpha", 1.0);
    if (alpha != 1.0) {
      y = b.mul(y, b.constant(alpha));
    }
    if (in.size() > 2 && in.get(2) >= 0) {
      int bias = in.get(2);
      double beta = c.attrFloat("beta", 1.0);
      if (beta != 1.0) {
        bias = b.mul(bias, b.constant(beta));
      }
      y = b.add(y, bias);
    }
    return one(y);
  }

  /** Float division; integer division truncates (Div-14 on integer tensors). */
  private static List<Integer> div(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    ProgramBuilder b = c.b();
    int q = b.div(in.get(0), in.get(1));
    boolean ints = !b.type(in.get(0)).isFloat() && !b.type(in.get(1)).isFloat();
    return one(ints ? b.cast(q, INT) : q);
  }

  /** A constant scalar exponent becomes a unary power (fusable); otherwise a binary POW. */
  private static List<Integer> pow(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    ProgramBuilder b = c.b();
    if (b.node(in.get(1)).op() instanceof dev.fhec.compiler.ir.Op.Constant k
        && k.value().size() == 1) {
      return one(b.unary(new UnaryFn.Power(k.value().asDouble(0)), in.get(0)));
    }
    return one(b.binary(BinaryKind.POW, in.get(0), in.get(1)));
  }

  /** approximate = "none": x·Φ(x) with erf; "tanh": the tanh approximation, spelled out. */
  private static List<Integer> gelu(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    ProgramBuilder b = c.b();
    String approx = c.attrString("approximate", "none");
    int x = in.get(0);
    return switch (approx) {
      case "none" -> one(b.unary(UnaryFn.Simple.GELU, x));
      case "tanh" -> {
        int x3 = b.unary(new UnaryFn.Power(3), x);
        int inner = b.add(x, b.mul(x3, b.constant(0.044715)));
        int t = b.unary(UnaryFn.Simple.TANH, b.mul(inner, b.constant(Math.sqrt(2 / Math.PI))));
        yield one(b.mul(b.mul(x, b.constant(0.5)), b.add(t, b.constant(1.0))));
      }
      default -> throw c.error("approximate must be 'none' or 'tanh', got '" + approx + "'");
    };
  }

  private static List<Integer> transpose(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    List<Long> perm = c.attrInts("perm");
    if (perm == null) {
      return one(c.b().transpose(in.get(0)));
    }
    int[] p = new int[perm.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = c.axis(perm.get(i), rank(c, in.get(0)));
    }
    return one(c.b().transpose(in.get(0), p));
  }

  /** 0 copies the input dimension (allowzero = 0), -1 is inferred. */
  private static List<Integer> reshape(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    List<Long> s = c.longs(in.get(1), "input 'shape'");
    int[] from = shapeOf(c, in.get(0));
    if (c.attrInt("allowzero", 0) != 0) {
      throw c.error("allowzero = 1 is not supported (empty tensors do not exist in the IR)");
    }
    int[] to = new int[s.size()];
    for (int i = 0; i < to.length; i++) {
      long d = s.get(i);
      if (d == 0) {
        if (i >= from.length) {
          throw c.error("shape " + s + " copies dimension " + i + " the input does not have");
        }
        to[i] = from[i];
      } else {
        to[i] = (int) d;
      }
    }
    return one(c.b().reshape(in.get(0), to));
  }

  private static List<Integer> flatten(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    int[] s = shapeOf(c, in.get(0));
    long ax = c.attrInt("axis", 1);
    int a = ax == s.length ? s.length : c.axis(ax, s.length);
    int outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= s[i];
    }
    return one(c.b().reshape(in.get(0), outer, -1));
  }

  private static List<Integer> split(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    int x = in.get(0);
    int[] s = shapeOf(c, x);
    int a = c.axis(c.attrInt("axis", 0), s.length);
    List<Long> sizes = in.size() > 1 && in.get(1) >= 0 ? c.longs(in.get(1), "input 'split'") : null;
    if (sizes == null) {
      sizes = c.attrInts("split");
    }
    int parts = n.outputs().size();
    if (sizes == null) {
      long k = c.attrInt("num_outputs", parts);
      long chunk = (s[a] + k - 1) / k;
      sizes = new ArrayList<>();
      for (long left = s[a]; left > 0; left -= chunk) {
        sizes.add(Math.min(chunk, left));
      }
    }
    long total = sizes.stream().mapToLong(Long::longValue).sum();
    if (sizes.size() != parts || total != s[a]) {
      throw c.error(
          "split sizes " + sizes + " do not cut axis " + a + " (" + s[a] + ") into " + parts);
    }
    List<Integer> out = new ArrayList<>();
    int start = 0;
    for (long size : sizes) {
      List<Integer> starts = new ArrayList<>(java.util.Collections.nCopies(s.length, null));
      List<Integer> stops = new ArrayList<>(java.util.Collections.nCopies(s.length, null));
      starts.set(a, start);
      stops.set(a, start + (int) size);
      out.add(c.b().slice(x, starts, stops, List.of()));
      start += (int) size;
    }
    return out;
  }

  private static List<Integer> slice(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    int x = in.get(0);
    int[] s = shapeOf(c, x);
    List<Long> starts = c.longs(in.get(1), "input 'starts'");
    List<Long> ends = c.longs(in.get(2), "input 'ends'");
    List<Long> axes = in.size() > 3 && in.get(3) >= 0 ? c.longs(in.get(3), "input 'axes'") : null;
    List<Long> steps = in.size() > 4 && in.get(4) >= 0 ? c.longs(in.get(4), "input 'steps'") : null;
    List<Integer> st = new ArrayList<>(java.util.Collections.nCopies(s.length, null));
    List<Integer> sp = new ArrayList<>(java.util.Collections.nCopies(s.length, null));
    List<Integer> se = new ArrayList<>(java.util.Collections.nCopies(s.length, null));
    for (int i = 0; i < starts.size(); i++) {
      int a = c.axis(axes == null ? i : axes.get(i), s.length);
      long step = steps == null ? 1 : steps.get(i);
      if (step < 1) {
        throw c.error("step " + step + " on axis " + a + " is not supported (steps must be > 0)");
      }
      st.set(a, clampToInt(starts.get(i), s[a]));
      sp.set(a, clampToInt(ends.get(i), s[a]));
      se.set(a, (int) step);
    }
    return one(c.b().slice(x, st, sp, se));
  }

  private static int clampToInt(long v, int dim) {
    return (int) Math.max(-(long) dim - 1, Math.min((long) dim + 1, v));
  }

  /** numpy take; the output shape is data[:axis] + indices.shape + data[axis+1:]. */
  private static List<Integer> gather(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    int x = in.get(0);
    int[] s = shapeOf(c, x);
    int a = c.axis(c.attrInt("axis", 0), s.length);
    Tensor idx = c.constant(in.get(1), "input 'indices'");
    List<Integer> flat = new ArrayList<>();
    for (int i = 0; i < idx.size(); i++) {
      long v = (long) idx.asDouble(i);
      if (v < -s[a] || v >= s[a]) {
        throw c.error("index " + v + " is out of range for axis " + a + " of size " + s[a]);
      }
      flat.add((int) v);
    }
    int g = c.b().gather(x, flat, a);
    int[] is = idx.shape();
    int[] out = new int[s.length - 1 + is.length];
    int k = 0;
    for (int i = 0; i < a; i++) {
      out[k++] = s[i];
    }
    for (int d : is) {
      out[k++] = d;
    }
    for (int i = a + 1; i < s.length; i++) {
      out[k++] = s[i];
    }
    if (Arrays.equals(out, c.b().type(g).shape())) {
      return one(g);
    }
    return one(c.b().reshape(g, out));
  }

  private static List<Integer> concat(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    List<Integer> xs = in.stream().filter(i -> i >= 0).toList();
    long axis = c.attrInt("axis", Long.MIN_VALUE);
    if (axis == Long.MIN_VALUE) {
      throw c.error("attribute 'axis' is required");
    }
    return one(c.b().concat(xs, c.axis(axis, rank(c, xs.get(0)))));
  }

  private static List<Integer> unsqueeze(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    int[] s = shapeOf(c, in.get(0));
    List<Long> axes = axesInputOrAttr(c, in, 1);
    if (axes == null) {
      throw c.error("axes are required");
    }
    int r = s.length + axes.size();
    boolean[] added = new boolean[r];
    for (int a : axesOf(c, axes, r)) {
      added[a] = true;
    }
    int[] out = new int[r];
    for (int i = 0, j = 0; i < r; i++) {
      out[i] = added[i] ? 1 : s[j++];
    }
    return one(c.b().reshape(in.get(0), out));
  }

  private static List<Integer> squeeze(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    int[] s = shapeOf(c, in.get(0));
    List<Long> axes = axesInputOrAttr(c, in, 1);
    boolean[] drop = new boolean[s.length];
    if (axes == null) {
      for (int i = 0; i < s.length; i++) {
        drop[i] = s[i] == 1;
      }
    } else {
      for (int a : axesOf(c, axes, s.length)) {
        if (s[a] != 1) {
          throw c.error("cannot squeeze axis " + a + " of size " + s[a]);
        }
        drop[a] = true;
      }
    }
    int[] out = new int[s.length];
    int k = 0;
    for (int i = 0; i < s.length; i++) {
      if (!drop[i]) {
        out[k++] = s[i];
      }
    }
    return one(c.b().reshape(in.get(0), Arrays.copyOf(out, k)));
  }

  private static List<Integer> expand(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    List<Long> shape = c.longs(in.get(1), "input 'shape'");
    int[] s = shapeOf(c, in.get(0));
    int r = Math.max(s.length, shape.size());
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int si = i - (r - s.length);
      int ti = i - (r - shape.size());
      long a = si >= 0 ? s[si] : 1;
      long t = ti >= 0 ? shape.get(ti) : 1;
      out[i] = (int) Math.max(a, t);
    }
    return one(c.b().broadcastTo(in.get(0), out));
  }

  /** The static shape as a constant (Shape-15, with start and end). */
  private static List<Integer> shape(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    int[] s = shapeOf(c, in.get(0));
    int start = (int) clampAxis(c.attrInt("start", 0), s.length);
    int end = (int) clampAxis(c.attrInt("end", s.length), s.length);
    long[] v = new long[Math.max(0, end - start)];
    for (int i = start; i < end; i++) {
      v[i - start] = s[i];
    }
    if (v.length == 0) {
      throw c.error("an empty shape slice cannot be represented");
    }
    return one(c.b().constant(new Tensor.Ints(new int[] {v.length}, v)));
  }

  private static long clampAxis(long a, int rank) {
    long x = a < 0 ? a + rank : a;
    return Math.max(0, Math.min(rank, x));
  }

  /** exp(x − max) / sum(exp(x − max)) along one axis (Softmax-13). */
  private static List<Integer> softmax(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    ProgramBuilder b = c.b();
    int x = in.get(0);
    int a = c.axis(c.attrInt("axis", -1), rank(c, x));
    int m = b.reduce(ReduceKind.MAX, x, a, true);
    int e = b.unary(UnaryFn.Simple.EXP, b.sub(x, m));
    int s = b.sum(e, List.of(a), true);
    return one(b.div(e, s));
  }

  private static OnnxOpLowering reduce(ReduceKind kind) {
    return (c, n, in) -> {
      int x = in.get(0);
      int r = rank(c, x);
      List<Long> axes = axesInputOrAttr(c, in, 1);
      List<Integer> ax = new ArrayList<>();
      if ((axes == null || axes.isEmpty()) && c.attrInt("noop_with_empty_axes", 0) != 0) {
        return one(x);
      }
      if (axes == null || axes.isEmpty()) {
        for (int i = 0; i < r; i++) {
          ax.add(i);
        }
      } else {
        ax.addAll(axesOf(c, axes, r));
      }
      boolean keep = c.attrInt("keepdims", 1) != 0;
      ax.sort(java.util.Comparator.reverseOrder());
      int y = x;
      for (int a : ax) {
        y = c.b().reduce(kind, y, a, keep);
      }
      return one(y);
    };
  }

  private static List<Integer> sumAxes(OnnxLoweringContext c, List<Integer> in) {
    int r = rank(c, in.get(0));
    List<Long> axes = axesInputOrAttr(c, in, 1);
    List<Integer> ax = new ArrayList<>();
    if (axes != null) {
      ax.addAll(axesOf(c, axes, r));
    }
    return ax;
  }

  private static List<Integer> reduceSum(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    List<Integer> ax = sumAxes(c, in);
    if (ax.isEmpty() && c.attrInt("noop_with_empty_axes", 0) != 0) {
      return one(in.get(0));
    }
    return one(c.b().sum(in.get(0), ax, c.attrInt("keepdims", 1) != 0));
  }

  private static List<Integer> reduceMean(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    List<Integer> ax = sumAxes(c, in);
    if (ax.isEmpty() && c.attrInt("noop_with_empty_axes", 0) != 0) {
      return one(in.get(0));
    }
    int[] s = shapeOf(c, in.get(0));
    long count = 1;
    if (ax.isEmpty()) {
      for (int d : s) {
        count *= d;
      }
    } else {
      for (int a : ax) {
        count *= s[a];
      }
    }
    int sum = c.b().sum(in.get(0), ax, c.attrInt("keepdims", 1) != 0);
    return one(c.b().div(sum, c.b().constant((double) count)));
  }

  private static List<Integer> where(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    c.constant(in.get(0), "input 'condition'");
    return one(c.b().where(in.get(0), in.get(1), in.get(2)));
  }

  /**
   * Cast-19 to the element types the IR represents exactly: FLOAT and DOUBLE (float), INT32 and
   * INT64 (truncation toward zero), BOOL (x ≠ 0). The narrow types (INT8/16, UINT8/16/32/64) wrap
   * and FLOAT16/BFLOAT16 round: both are computed exactly on constants and refused on values that
   * depend on the inputs. Every other type (STRING, COMPLEX, FLOAT8, INT4, FLOAT4…) is refused.
   */
  private static List<Integer> cast(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    long to = c.attrInt("to", Long.MIN_VALUE);
    if (to == Long.MIN_VALUE) {
      throw c.error("attribute 'to' is required");
    }
    ProgramBuilder b = c.b();
    int x = in.get(0);
    Tensor k = b.node(x).op() instanceof dev.fhec.compiler.ir.Op.Constant kc ? kc.value() : null;
    String name = OnnxReader.dataTypeName((int) to);
    return switch ((int) to) {
      case ONNX_FLOAT, ONNX_DOUBLE -> one(b.type(x).isFloat() ? x : b.cast(x, FLOAT));
      case ONNX_INT32, ONNX_INT64 -> one(b.type(x).isFloat() ? b.cast(x, INT) : x);
      case ONNX_BOOL -> one(b.binary(BinaryKind.NOT_EQUAL, x, b.constant(0L)));
      case ONNX_UINT8, ONNX_INT8, ONNX_UINT16, ONNX_INT16, ONNX_UINT32, ONNX_UINT64 -> {
        if (k == null) {
          throw c.error(
              "a Cast to "
                  + name
                  + " of a value computed from the inputs wraps values outside the type's range,"
                  + " which the compiler does not model; cast to INT64 (or INT32) instead");
        }
        yield one(b.constant(wrap(k, (int) to)));
      }
      case ONNX_FLOAT16, ONNX_BFLOAT16 -> {
        if (k == null) {
          throw c.error(
              "a Cast to "
                  + name
                  + " of a value computed from the inputs rounds to half precision, which the"
                  + " compiler does not model; keep the model in FLOAT");
        }
        yield one(b.constant(roundHalf(k, to == ONNX_BFLOAT16)));
      }
      default ->
          throw c.error(
              "Cast to "
                  + name
                  + " is not supported; the frontend casts to FLOAT, DOUBLE, INT32, INT64 and BOOL"
                  + " (and, on constants, the narrow integer and half-precision types)");
    };
  }

  // TensorProto.DataType numbers (onnx.proto); stable across ONNX versions.
  private static final int ONNX_FLOAT = 1;
  private static final int ONNX_UINT8 = 2;
  private static final int ONNX_INT8 = 3;
  private static final int ONNX_UINT16 = 4;
  private static final int ONNX_INT16 = 5;
  private static final int ONNX_INT32 = 6;
  private static final int ONNX_INT64 = 7;
  private static final int ONNX_BOOL = 9;
  private static final int ONNX_FLOAT16 = 10;
  private static final int ONNX_DOUBLE = 11;
  private static final int ONNX_UINT32 = 12;
  private static final int ONNX_UINT64 = 13;
  private static final int ONNX_BFLOAT16 = 16;

  /** Truncation toward zero, then two's-complement wrapping to the target width (as C casts). */
  private static Tensor wrap(Tensor k, int to) {
    long[] v = new long[k.size()];
    for (int i = 0; i < v.length; i++) {
      double d = k.asDouble(i);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("cannot cast " + d + " to an integer type");
      }
      long t = k instanceof Tensor.Ints ints ? ints.data()[i] : (long) d;
      v[i] =
          switch (to) {
            case ONNX_UINT8 -> t & 0xFF;
            case ONNX_INT8 -> (byte) t;
            case ONNX_UINT16 -> t & 0xFFFF;
            case ONNX_INT16 -> (short) t;
            case ONNX_UINT32 -> t & 0xFFFF_FFFFL;
            default -> t; // UINT64: the IR's integers are 64-bit
          };
    }
    return new Tensor.Ints(k.shape(), v);
  }

  /** Rounds to IEEE half (round to nearest even) or bfloat16 (the top 16 bits of a float32). */
  private static Tensor roundHalf(Tensor k, boolean bfloat) {
    double[] d = new double[k.size()];
    for (int i = 0; i < d.length; i++) {
      float f = (float) k.asDouble(i);
      if (bfloat) {
        int bits = Float.floatToRawIntBits(f);
        if (!Float.isNaN(f)) {
          bits += 0x7FFF + ((bits >>> 16) & 1); // round to nearest even on the dropped half
        }
        d[i] = Float.intBitsToFloat(bits & 0xFFFF0000);
      } else {
        d[i] = Float.float16ToFloat(Float.floatToFloat16(f));
      }
    }
    return new Tensor.Floats(k.shape(), d);
  }

  private static List<Integer> constant(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    OnnxAttribute value = c.attr("value");
    if (value == null) {
      value = c.attr("value_float");
    }
    if (value == null) {
      value = c.attr("value_int");
    }
    if (value == null) {
      value = c.attr("value_floats");
    }
    if (value == null) {
      value = c.attr("value_ints");
    }
    Tensor t =
        switch (value) {
          case OnnxAttribute.TensorValue v -> v.value();
          case OnnxAttribute.FloatValue v -> Tensor.Floats.scalar(v.value());
          case OnnxAttribute.IntValue v -> Tensor.Ints.scalar(v.value());
          case OnnxAttribute.FloatList v ->
              new Tensor.Floats(
                  new int[] {v.values().size()},
                  v.values().stream().mapToDouble(Double::doubleValue).toArray());
          case OnnxAttribute.IntList v ->
              new Tensor.Ints(
                  new int[] {v.values().size()},
                  v.values().stream().mapToLong(Long::longValue).toArray());
          case null, default -> throw c.error("needs one of value, value_float(s), value_int(s)");
        };
    return one(c.b().constant(t));
  }

  /** (x − mean)/sqrt(var + eps) · scale + bias over the axes from {@code axis} on. */
  private static List<Integer> layerNorm(OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    ProgramBuilder b = c.b();
    int x = in.get(0);
    int[] s = shapeOf(c, x);
    int a = c.axis(c.attrInt("axis", -1), s.length);
    double eps = c.attrFloat("epsilon", 1e-5);
    List<Integer> ax = new ArrayList<>();
    long count = 1;
    for (int i = a; i < s.length; i++) {
      ax.add(i);
      count *= s[i];
    }
    int mean = b.div(b.sum(x, ax, true), b.constant((double) count));
    int d = b.sub(x, mean);
    int var = b.div(b.sum(b.unary(new UnaryFn.Power(2), d), ax, true), b.constant((double) count));
    int inv = b.unary(UnaryFn.Simple.RSQRT, b.add(var, b.constant(eps)));
    int y = b.mul(b.mul(d, inv), in.get(1));
    if (in.size() > 2 && in.get(2) >= 0) {
      y = b.add(y, in.get(2));
    }
    return one(y);
  }

  /**
   * Fake quantization in float: clip(rint(x / s) + zp, lo, hi), lo/hi from the zero point's element
   * type: int8 or uint8 (QuantizeLinear-13), uint8 when the zero point is omitted. Any other type
   * (int16, int4, float8 of later versions) is refused.
   */
  private static List<Integer> quantizeLinear(
      OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    ProgramBuilder b = c.b();
    double scale = scalar(c, in.get(1), "input 'y_scale'");
    boolean hasZp = in.size() > 2 && in.get(2) >= 0;
    double zp = hasZp ? scalar(c, in.get(2), "input 'y_zero_point'") : 0;
    Integer type = hasZp ? c.inputDataType(2) : Integer.valueOf(ONNX_UINT8);
    if (type == null) {
      throw c.error(
          "the element type of input 'y_zero_point' is unknown (it is computed); give it as an"
              + " int8 or uint8 initializer or Constant");
    }
    if (type != ONNX_UINT8 && type != ONNX_INT8) {
      throw c.error(
          "QuantizeLinear-13 quantizes to INT8 or UINT8, but y_zero_point is "
              + OnnxReader.dataTypeName(type));
    }
    boolean unsigned = type == ONNX_UINT8;
    double lo = unsigned ? 0 : -128;
    double hi = unsigned ? 255 : 127;
    int q = b.unary(UnaryFn.Simple.RINT, b.div(in.get(0), b.constant(scale)));
    if (zp != 0) {
      q = b.add(q, b.constant(zp));
    }
    return one(b.unary(new UnaryFn.Clip(lo, hi), q));
  }

  /** (x − zp) · s; the result lies on the grid s·k, which quantization reuses as its scale. */
  private static List<Integer> dequantizeLinear(
      OnnxLoweringContext c, OnnxNodeSpec n, List<Integer> in) {
    ProgramBuilder b = c.b();
    double scale = scalar(c, in.get(1), "input 'x_scale'");
    double zp = in.size() > 2 && in.get(2) >= 0 ? scalar(c, in.get(2), "input 'x_zero_point'") : 0;
    int x = in.get(0);
    if (!b.type(x).isFloat()) {
      x = b.cast(x, FLOAT);
    }
    if (zp != 0) {
      x = b.sub(x, b.constant(zp));
    }
    int y = b.mul(x, b.constant(scale));
    c.qdqScale(y, scale);
    return one(y);
  }

  private static double scalar(OnnxLoweringContext c, int id, String what) {
    Tensor t = c.constant(id, what);
    if (t.size() != 1) {
      throw c.error(what + " must be a scalar (per-axis QDQ is not supported), got " + t);
    }
    return t.asDouble(0);
  }
}
