package dev.fhec.compiler.quant;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a float program into an integer one, post-training, with the seed's quantizer ({@code
 * shared/reference/attention.md} §3): symmetric per-tensor scales {@code s = max|x| / (2^(n−1) −
 * 1)}, zero point 0, {@code q = rint(x / s)}, calibrated by evaluating the float program on an
 * inputset with the {@link ReferenceEvaluator}.
 *
 * <p>Every encrypted float value becomes one of two representations in the integer program: an
 * integer {@code q} with a scale (x ≈ q·s), or a float chain that depends on a single encrypted
 * integer (its root). Float chains are what the fusing pass turns into one table lookup each
 * ("dequantize → float ops → quantize"). The rules:
 *
 * <ul>
 *   <li>matmul with a clear weight: integer matmul of q(x) by rint(W / s_w), scale s_x·s_w
 *       (per-channel weights: the per-column rescale becomes a float chain);
 *   <li>matmul or product of two encrypted values: integer enc×enc on both operands quantized at
 *       their calibrated scales; division a / b = a × q(1/b), 1/b a float chain on b;
 *   <li>add/sub/max/min/where/concat and comparisons of encrypted values with different roots: all
 *       requantized to one common scale, then the integer op (no table when they already share it,
 *       as x − max x); a comparison's 0/1 result has scale 1;
 *   <li>elementwise float ops with a clear operand, and anything on values with the same root:
 *       float chains;
 *   <li>sums, max/min reductions and data movement: on integers, scale unchanged.
 * </ul>
 *
 * <p>Values produced by a QDQ pair (DequantizeLinear) use the graph's own scale instead of a
 * calibrated one.
 */
public final class PostTrainingQuantizer {
  private static final ElementType FLOAT = new ElementType.FloatType();
  private static final ElementType INT = new ElementType.IntType(true, 0);

  private final Program source;
  private final QuantizationOptions options;
  private final Map<Integer, Double> fixedScales;
  private final double[] maxAbs;
  private final double[] minAbs;
  private final Tensor[] clearValues;
  private final long qmax;
  private final ProgramBuilder nb;
  private final Rep[] reps;
  private final Map<Integer, Rep.Quant> quantized = new HashMap<>();
  private final Map<Integer, Rep.Quant> narrowed = new HashMap<>();

  /** How a source value is represented in the integer program. */
  private sealed interface Rep {
    /** A clear value (constant). */
    record Clear(int id) implements Rep {}

    /** An encrypted integer q with x ≈ q · scale. */
    record Quant(int id, double scale) implements Rep {}

    /** An encrypted float computed from the single encrypted integer {@code root}. */
    record Flt(int id, int root) implements Rep {}
  }

  private PostTrainingQuantizer(
      Program source,
      List<List<Tensor>> inputset,
      Map<Integer, Double> fixedScales,
      QuantizationOptions options) {
    this.source = source;
    this.options = options;
    this.fixedScales = fixedScales;
    this.qmax = QuantizationOptions.qmax(options.nBits());
    int size = source.nodes().size();
    this.maxAbs = new double[size];
    this.minAbs = new double[size];
    java.util.Arrays.fill(minAbs, Double.POSITIVE_INFINITY);
    this.clearValues = new Tensor[size];
    this.reps = new Rep[size];
    this.nb = new ProgramBuilder(source.name());
    calibrate(inputset);
  }

  /**
   * Quantizes {@code floatProgram} (float encrypted inputs) calibrated on {@code inputset} (one
   * list of input tensors per sample).
   *
   * @param fixedScales node id → scale for values already on a quantization grid (QDQ)
   * @throws CompileException naming the node when a construct cannot be quantized
   */
  public static QuantizedProgram quantize(
      Program floatProgram,
      List<List<Tensor>> inputset,
      Map<Integer, Double> fixedScales,
      QuantizationOptions options) {
    if (inputset.isEmpty()) {
      throw new CompileException(
          Diagnostic.error(
              "post-training quantization needs a non-empty calibration inputset",
              Location.UNKNOWN));
    }
    return new PostTrainingQuantizer(floatProgram, inputset, fixedScales, options).run();
  }

  private void calibrate(List<List<Tensor>> inputset) {
    for (int k = 0; k < inputset.size(); k++) {
      List<Tensor> sample = inputset.get(k);
      for (int i = 0; i < sample.size() && i < source.inputs().size(); i++) {
        Tensor t = sample.get(i);
        for (int j = 0; j < t.size(); j++) {
          if (!Double.isFinite(t.asDouble(j))) {
            throw inputsetError(
                i,
                "sample "
                    + k
                    + " holds "
                    + t.asDouble(j)
                    + " at element "
                    + j
                    + "; calibration needs finite values");
          }
        }
      }
    }
    for (List<Tensor> sample : inputset) {
      Tensor[] all;
      try {
        all = ReferenceEvaluator.evaluateAll(source, sample);
      } catch (ReferenceEvaluator.EvaluationException e) {
        throw new CompileException(
            Diagnostic.error(
                "calibration failed on the float model: " + e.getMessage(), Location.UNKNOWN));
      }
      for (Node n : source.nodes()) {
        Tensor t = all[n.id()];
        if (!n.type().encrypted()) {
          clearValues[n.id()] = t;
          continue;
        }
        for (int i = 0; i < t.size(); i++) {
          double a = Math.abs(t.asDouble(i));
          maxAbs[n.id()] = Math.max(maxAbs[n.id()], a);
          minAbs[n.id()] = Math.min(minAbs[n.id()], a);
        }
      }
    }
  }

  private CompileException inputsetError(int input, String what) {
    Node n = source.inputs().get(input);
    return new CompileException(
        Diagnostic.error(
            "inputset for input '" + ((Op.Input) n.op()).name() + "': " + what,
            n.location(),
            n.id()));
  }

  private QuantizedProgram run() {
    for (int i = 0; i < source.inputs().size(); i++) {
      Node in = source.inputs().get(i);
      if (in.type().encrypted() && maxAbs[in.id()] == 0 && !fixedScales.containsKey(in.id())) {
        // a zero range gives a scale on which every real input rounds to 0
        throw inputsetError(
            i,
            "every value is 0, so calibration finds no range (the circuit could only take 0);"
                + " give samples of real inputs");
      }
    }
    List<Double> inScales = new ArrayList<>();
    for (Node n : source.nodes()) {
      nb.at(n.location());
      reps[n.id()] = n.type().encrypted() ? encrypted(n, inScales) : clear(n);
    }
    List<Double> outScales = new ArrayList<>();
    for (int o : source.outputs()) {
      Rep.Quant q = quant(o);
      nb.output(q.id());
      outScales.add(q.scale());
    }
    return new QuantizedProgram(nb.build(), inScales, outScales, options.nBits());
  }

  private Rep clear(Node n) {
    return new Rep.Clear(nb.constant(clearValues[n.id()]));
  }

  private Rep encrypted(Node n, List<Double> inScales) {
    return switch (n.op()) {
      case Op.Input in -> {
        double s = scaleOf(n.id());
        inScales.add(s);
        // The client quantizer clips to ±qmax: that is the input's declared range.
        yield new Rep.Quant(
            nb.input(
                in.name(),
                n.type().shape(),
                INT,
                true,
                java.util.Optional.of(new dev.fhec.compiler.ir.Bounds(-qmax, qmax))),
            s);
      }
      case Op.Constant c -> throw unsupported(n, "an encrypted constant");
      case Op.Unary u -> new Rep.Flt(nb.unary(u.fn(), flt(u.x())), root(u.x()));
      case Op.Neg ng ->
          switch (reps[ng.x()]) {
            case Rep.Quant q -> new Rep.Quant(nb.neg(q.id()), q.scale());
            case Rep.Flt f -> new Rep.Flt(nb.neg(f.id()), f.root());
            case Rep.Clear c -> throw unsupported(n, "neg of a clear value");
          };
      case Op.Cast c -> {
        if (c.to() instanceof ElementType.FloatType) {
          yield reps[c.x()];
        }
        yield new Rep.Flt(nb.cast(flt(c.x()), c.to()), root(c.x()));
      }
      case Op.Binary b -> binary(n, b);
      case Op.MatMul m -> matmul(n, m);
      case Op.Sum s -> {
        Rep.Quant q = quant(s.x());
        yield new Rep.Quant(nb.node(new Op.Sum(q.id(), s.axes(), s.keepDims())), q.scale());
      }
      case Op.Reduce r -> {
        Rep.Quant q = narrow(r.x());
        yield new Rep.Quant(
            nb.node(new Op.Reduce(r.kind(), q.id(), r.axis(), r.keepDims())), q.scale());
      }
      case Op.Where w -> where(n, w);
      case Op.RoundBits r -> throw unsupported(n, "round_bits in a float program");
      case Op.TableLookup t -> throw unsupported(n, "a table lookup in a float program");
      case Op.Reshape r -> move(r.x(), id -> new Op.Reshape(id, r.shape()));
      case Op.Transpose t -> move(t.x(), id -> new Op.Transpose(id, t.permutation()));
      case Op.Slice s -> move(s.x(), id -> new Op.Slice(id, s.starts(), s.stops(), s.steps()));
      case Op.Broadcast b -> move(b.x(), id -> new Op.Broadcast(id, b.shape()));
      case Op.Gather g -> move(g.x(), id -> new Op.Gather(id, g.indices(), g.axis()));
      case Op.Concat c -> concat(n, c);
    };
  }

  private Rep move(int x, java.util.function.IntFunction<Op> op) {
    Rep.Quant q = quant(x);
    return new Rep.Quant(nb.node(op.apply(q.id())), q.scale());
  }

  private Rep concat(Node n, Op.Concat c) {
    double range = maxAbs[n.id()];
    for (int x : c.xs()) {
      range = Math.max(range, rangeOf(x));
    }
    double s = scaleFor(range);
    List<Integer> ids = new ArrayList<>();
    for (int x : c.xs()) {
      ids.add(onScale(x, s));
    }
    return new Rep.Quant(nb.node(new Op.Concat(ids, c.axis())), s);
  }

  private Rep binary(Node n, Op.Binary b) {
    Rep l = reps[b.lhs()];
    Rep r = reps[b.rhs()];
    boolean bothEncrypted = !(l instanceof Rep.Clear) && !(r instanceof Rep.Clear);
    if (!bothEncrypted || root(b.lhs()) == root(b.rhs())) {
      int root = l instanceof Rep.Clear ? root(b.rhs()) : root(b.lhs());
      return new Rep.Flt(nb.binary(b.kind(), flt(b.lhs()), flt(b.rhs())), root);
    }
    return switch (b.kind()) {
      case ADD, SUB, MAXIMUM, MINIMUM -> {
        double s = commonScale(n, b.lhs(), b.rhs());
        yield new Rep.Quant(nb.binary(b.kind(), onScale(b.lhs(), s), onScale(b.rhs(), s)), s);
      }
      case MUL -> {
        Rep.Quant a = narrow(b.lhs());
        Rep.Quant c = narrow(b.rhs());
        yield new Rep.Quant(nb.mul(a.id(), c.id()), a.scale() * c.scale());
      }
      case DIV -> {
        Rep.Quant a = narrow(b.lhs());
        if (minAbs[b.rhs()] == 0) {
          throw unsupported(n, "a division by an encrypted value that is 0 on the inputset");
        }
        double sr = (1 / minAbs[b.rhs()]) / qmax;
        int recip = nb.unary(UnaryFn.Simple.RECIPROCAL, flt(b.rhs()));
        Rep.Quant inv = quantizeFloat(recip, sr);
        yield new Rep.Quant(nb.mul(a.id(), inv.id()), a.scale() * sr);
      }
      case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL -> {
        // compare on one scale (never the raw integers of two scales); the 0/1 result has scale 1
        double s = commonScale(null, b.lhs(), b.rhs());
        yield new Rep.Quant(nb.binary(b.kind(), onScale(b.lhs(), s), onScale(b.rhs(), s)), 1.0);
      }
      case POW ->
          throw unsupported(
              n,
              b.kind().name().toLowerCase(java.util.Locale.ROOT)
                  + " of two independent encrypted values");
    };
  }

  private Rep matmul(Node n, Op.MatMul m) {
    Rep l = reps[m.lhs()];
    Rep r = reps[m.rhs()];
    if (r instanceof Rep.Clear w) {
      Rep.Quant a = narrow(m.lhs());
      return weightMatmul(a, clearValues[m.rhs()], true);
    }
    if (l instanceof Rep.Clear w) {
      Rep.Quant b = narrow(m.rhs());
      return weightMatmul(b, clearValues[m.lhs()], false);
    }
    Rep.Quant a = narrow(m.lhs());
    Rep.Quant b = narrow(m.rhs());
    return new Rep.Quant(nb.matmul(a.id(), b.id()), a.scale() * b.scale());
  }

  private Rep weightMatmul(Rep.Quant x, Tensor w, boolean weightOnRight) {
    long wmax = QuantizationOptions.qmax(options.weightBits());
    int[] shape = w.shape();
    boolean perChannel = options.perChannelWeights() && weightOnRight && shape.length >= 1;
    int cols = perChannel ? shape[shape.length - 1] : 1;
    double[] colMax = new double[cols];
    for (int i = 0; i < w.size(); i++) {
      int col = perChannel ? i % cols : 0;
      colMax[col] = Math.max(colMax[col], Math.abs(w.asDouble(i)));
    }
    double[] sw = new double[cols];
    for (int j = 0; j < cols; j++) {
      sw[j] = colMax[j] == 0 ? 1 : colMax[j] / wmax;
    }
    long[] q = new long[w.size()];
    for (int i = 0; i < q.length; i++) {
      q[i] = (long) Math.rint(w.asDouble(i) / sw[perChannel ? i % cols : 0]);
    }
    int wq = nb.constant(new Tensor.Ints(shape, q));
    int acc = weightOnRight ? nb.matmul(x.id(), wq) : nb.matmul(wq, x.id());
    if (!perChannel) {
      return new Rep.Quant(acc, x.scale() * sw[0]);
    }
    double[] rescale = new double[cols];
    for (int j = 0; j < cols; j++) {
      rescale[j] = x.scale() * sw[j];
    }
    int f = nb.mul(nb.cast(acc, FLOAT), nb.constant(new Tensor.Floats(new int[] {cols}, rescale)));
    return new Rep.Flt(f, acc);
  }

  private Rep where(Node n, Op.Where w) {
    int cond = ((Rep.Clear) reps[w.cond()]).id();
    Rep a = reps[w.ifTrue()];
    Rep b = reps[w.ifFalse()];
    if (a instanceof Rep.Clear || b instanceof Rep.Clear || root(w.ifTrue()) == root(w.ifFalse())) {
      int root = a instanceof Rep.Clear ? root(w.ifFalse()) : root(w.ifTrue());
      return new Rep.Flt(nb.where(cond, flt(w.ifTrue()), flt(w.ifFalse())), root);
    }
    double s = commonScale(n, w.ifTrue(), w.ifFalse());
    return new Rep.Quant(nb.where(cond, onScale(w.ifTrue(), s), onScale(w.ifFalse(), s)), s);
  }

  // ---- representation changes ----------------------------------------------------------------

  /** The root integer node of an encrypted source value (−1 for clear values). */
  private int root(int x) {
    return switch (reps[x]) {
      case Rep.Clear c -> -1;
      case Rep.Quant q -> q.id();
      case Rep.Flt f -> f.root();
    };
  }

  /** The value of source node {@code x} as a float in the new program. */
  private int flt(int x) {
    return switch (reps[x]) {
      case Rep.Clear c -> c.id();
      case Rep.Quant q -> nb.mul(nb.cast(q.id(), FLOAT), nb.constant(q.scale()));
      case Rep.Flt f -> f.id();
    };
  }

  /** Source node {@code x} as an integer: as it is, or its float chain quantized. */
  private Rep.Quant quant(int x) {
    return switch (reps[x]) {
      case Rep.Quant q -> q;
      case Rep.Flt f -> quantized.computeIfAbsent(x, k -> quantizeFloat(f.id(), scaleOf(x)));
      case Rep.Clear c ->
          throw unsupported(source.node(x), "a clear value where an encrypted one is needed");
    };
  }

  /**
   * Source node {@code x} as an integer on its own calibrated n-bit scale: a wide integer (a matmul
   * accumulator) is requantized first, so that products and lookups stay small.
   */
  private Rep.Quant narrow(int x) {
    Rep.Quant q = quant(x);
    double s = scaleOf(x);
    if (q.scale() >= s * (1 - 1e-12)) {
      return q;
    }
    return narrowed.computeIfAbsent(x, k -> quantizeFloat(flt(x), s));
  }

  /** The integer already computed for source node {@code x}, if any (no new table). */
  private Rep.Quant existingQuant(int x) {
    return reps[x] instanceof Rep.Quant q ? q : quantized.get(x);
  }

  /** Source node {@code x} as an integer on scale {@code s} (requantized unless it already is). */
  private int onScale(int x, double s) {
    if (reps[x] instanceof Rep.Clear c) {
      Tensor v = clearValues[x];
      long[] q = new long[v.size()];
      for (int i = 0; i < q.length; i++) {
        q[i] = (long) Math.rint(v.asDouble(i) / s);
      }
      return nb.constant(new Tensor.Ints(v.shape(), q));
    }
    Rep.Quant q = existingQuant(x);
    if (q != null && q.scale() == s) {
      return q.id();
    }
    return quantizeFloat(flt(x), s).id();
  }

  /** cast(clip(rint(f / s), −qmax, qmax)): one fused table with the chain computing f. */
  private Rep.Quant quantizeFloat(int f, double s) {
    int scaled = nb.div(f, nb.constant(s));
    int rounded = nb.unary(UnaryFn.Simple.RINT, scaled);
    int clipped = nb.unary(new UnaryFn.Clip(-qmax, qmax), rounded);
    return new Rep.Quant(nb.cast(clipped, INT), s);
  }

  /**
   * One scale for combining {@code a} and {@code b} (and holding the result {@code n}; null when
   * the result is not on that scale, as for comparisons).
   */
  private double commonScale(Node n, int a, int b) {
    Rep.Quant qa = existingQuant(a);
    Rep.Quant qb = existingQuant(b);
    if (qa != null && qb != null && qa.scale() == qb.scale()) {
      return qa.scale(); // e.g. x − max(x): both already integers on one scale, no table
    }
    double result = n == null ? 0 : maxAbs[n.id()];
    return scaleFor(Math.max(result, Math.max(rangeOf(a), rangeOf(b))));
  }

  private double rangeOf(int x) {
    if (reps[x] instanceof Rep.Clear) {
      Tensor v = clearValues[x];
      double m = 0;
      for (int i = 0; i < v.size(); i++) {
        m = Math.max(m, Math.abs(v.asDouble(i)));
      }
      return m;
    }
    return maxAbs[x];
  }

  /** The scale of source node {@code x}: fixed by QDQ, else max|x| / qmax from calibration. */
  private double scaleOf(int x) {
    Double fixed = fixedScales.get(x);
    return fixed != null ? fixed : scaleFor(maxAbs[x]);
  }

  private double scaleFor(double range) {
    return range > 0 ? range / qmax : 1.0 / qmax;
  }

  private CompileException unsupported(Node n, String what) {
    return new CompileException(
        Diagnostic.error(
            "%" + n.id() + ": cannot quantize " + what + " (post-training quantization)",
            n.location(),
            n.id()));
  }
}
