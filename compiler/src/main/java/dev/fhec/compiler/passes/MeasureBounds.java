package dev.fhec.compiler.passes;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompileOptions.BoundsPolicy;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.eval.TableFunctions;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code measure-bounds}: gives every integer node its value range, under the policy of {@link
 * CompileOptions#bounds()}.
 *
 * <p>Sound ranges come from interval analysis of the declared input ranges (an input's {@code
 * range}, else its declared width): they hold for every input the bundle accepts. Calibrated ranges
 * are what the program computes on the inputset (the reference evaluator runs every sample), as
 * Concrete does (reference/compiler.md §3): they hold for inputs that behave like the calibration
 * data. The default policy ({@code AUTO}) takes, node by node, the sound range joined with the
 * calibrated one whenever it fits the table-lookup limit, and the calibrated range (widened by
 * {@link CompileOptions#calibrationMargin()}, clipped to the sound range) only where it does not —
 * e.g. a 768-term accumulator that is 17 bits sound and 9 bits calibrated. Downstream nodes are
 * analysed from the chosen operand ranges, so a table lookup's output is sound again (its image is
 * enumerated). {@link BoundsAudit} names the nodes that rely on calibration. Clear values get the
 * range of their actual (folded) value.
 *
 * <p>Example: {@code compiler/src/test/resources/passes/measure-bounds/doctest.fhe}.
 */
public final class MeasureBounds implements Pass {
  public static final String NAME = "measure-bounds";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Property> requires() {
    return Set.of(Property.FUSED);
  }

  @Override
  public Set<Property> establishes() {
    return Set.of(Property.BOUNDED);
  }

  @Override
  public Program run(Program program, PassContext context) {
    Bounds[] b = bounds(program, context);
    List<Node> out = new ArrayList<>();
    for (Node n : program.nodes()) {
      out.add(b[n.id()] == null ? n : n.withBounds(b[n.id()]));
    }
    return new Program(program.name(), out, program.outputs());
  }

  private static Bounds[] bounds(Program p, PassContext context) {
    CompileOptions o = context.options();
    Bounds[] cal = context.inputset().isEmpty() ? null : measured(p, context.inputset());
    BoundsPolicy policy = cal == null ? BoundsPolicy.SOUND : o.bounds();
    boolean[] bootstrapped = bootstrappedOperands(p);
    Bounds[] b = new Bounds[p.nodes().size()];
    Map<Integer, Tensor> clear = new HashMap<>();
    for (Node n : p.nodes()) {
      if (n.type().isFloat()) {
        continue;
      }
      if (!n.type().encrypted() && !(n.op() instanceof Op.Input)) {
        if (FuseTableLookups.clearValue(p, n.id(), clear) instanceof Tensor.Ints t) {
          b[n.id()] = range(t);
        }
        continue;
      }
      Bounds c = cal == null ? null : cal[n.id()];
      Bounds s;
      if (policy == BoundsPolicy.SOUND && !(n.op() instanceof Op.Input && c != null)) {
        s = sound(p, n, b, clear); // fails, naming the node, when no sound range exists
      } else {
        s = soundOrNull(p, n, b, clear);
      }
      if (s == null
          && n.op() instanceof Op.TableLookup t
          && cal != null
          && policy != BoundsPolicy.CALIBRATED) {
        // The table is undefined (e.g. 1/0) or too wide on its input's sound range: the input
        // relies on calibration, and the lookup is sound again from the narrowed range.
        Bounds wide = b[t.x()];
        b[t.x()] = widen(cal[t.x()], o.calibrationMargin(), wide);
        s = soundOrNull(p, n, b, clear);
        if (s == null) {
          b[t.x()] = cal[t.x()];
          s = soundOrNull(p, n, b, clear);
        }
      }
      Bounds joined = s == null ? c : c == null ? s : s.union(c);
      int limit = o.maxTluWidth() - (bootstrapped[n.id()] ? 1 : 0);
      // A declared input range is the client's contract: kept under every policy that can.
      boolean declaredInput = n.op() instanceof Op.Input && s != null;
      boolean calibrate =
          c != null
              && ((policy == BoundsPolicy.CALIBRATED && !declaredInput)
                  || (policy == BoundsPolicy.AUTO && joined.bitWidth() > limit));
      b[n.id()] = calibrate ? widen(c, o.calibrationMargin(), s) : joined;
    }
    return b;
  }

  /**
   * Operands whose lowering bootstraps at their own width and also needs a sum or difference (one
   * more bit): enc×enc products, encrypted max/min/comparisons and reductions, exact rounding.
   */
  private static boolean[] bootstrappedOperands(Program p) {
    boolean[] r = new boolean[p.nodes().size()];
    for (Node n : p.nodes()) {
      if (!n.type().encrypted()) {
        continue;
      }
      boolean mark;
      if (n.op() instanceof Op.MatMul m) {
        mark = p.type(m.lhs()).encrypted() && p.type(m.rhs()).encrypted();
      } else if (n.op() instanceof Op.Binary bin) {
        mark =
            p.type(bin.lhs()).encrypted()
                && p.type(bin.rhs()).encrypted()
                && bin.kind() != Op.BinaryKind.ADD
                && bin.kind() != Op.BinaryKind.SUB;
      } else if (n.op() instanceof Op.RoundBits rb) {
        mark = rb.exact();
      } else {
        mark = n.op() instanceof Op.Reduce;
      }
      if (mark) {
        for (int x : n.op().operands()) {
          r[x] = true;
        }
      }
    }
    return r;
  }

  /**
   * The calibrated range widened by {@code margin} times its span on each side (at least one unit
   * when the margin is positive), clipped to {@code sound} when known.
   */
  static Bounds widen(Bounds c, double margin, Bounds sound) {
    if (margin == 0) {
      return c;
    }
    double span = Math.max(1, (double) c.max() - c.min());
    long d = (long) Math.min(Math.ceil(margin * span), 1L << 62);
    Bounds w =
        new Bounds(
            Math.max(Long.MIN_VALUE / 4, c.min() - d), Math.min(Long.MAX_VALUE / 4, c.max() + d));
    if (sound != null) {
      w =
          new Bounds(
              Math.max(w.min(), Math.min(sound.min(), c.min())),
              Math.min(w.max(), Math.max(sound.max(), c.max())));
    }
    return w;
  }

  /** {@link #sound}, or null for an input without a declared range or a range not analysable. */
  private static Bounds soundOrNull(Program p, Node n, Bounds[] b, Map<Integer, Tensor> clear) {
    try {
      return sound(p, n, b, clear);
    } catch (CompileException e) {
      return null;
    }
  }

  /**
   * The sound range of {@code n} given its operands' ranges {@code b}: for an input, its declared
   * range (else its declared width's).
   *
   * @throws CompileException when there is none (an input with neither, a range too wide to
   *     tabulate, 64-bit overflow)
   */
  static Bounds sound(Program p, Node n, Bounds[] b, Map<Integer, Tensor> clear) {
    if (n.op() instanceof Op.Input) {
      return declared(n)
          .orElseThrow(
              () ->
                  PassErrors.at(
                      NAME,
                      n,
                      "input has no declared range or bit-width and no inputset was given"));
    }
    try {
      return interval(p, n, b, clear);
    } catch (ArithmeticException e) {
      throw PassErrors.at(
          NAME,
          n,
          "the declared input ranges do not bound this value (its range overflows 64 bits);"
              + " calibrate it (an inputset, --bounds auto) or declare narrower input ranges");
    }
  }

  /** The range an input declares: its {@code range}, else its declared width's full range. */
  public static Optional<Bounds> declared(Node input) {
    if (input.bounds().isPresent()) {
      return input.bounds();
    }
    if (!(input.type().element() instanceof ElementType.IntType t)
        || t.width() == ElementType.UNASSIGNED) {
      return Optional.empty();
    }
    return Optional.of(
        t.signed()
            ? new Bounds(-(1L << (t.width() - 1)), (1L << (t.width() - 1)) - 1)
            : new Bounds(0, (1L << t.width()) - 1));
  }

  static Bounds[] measured(Program p, List<List<Tensor>> inputset) {
    Bounds[] b = new Bounds[p.nodes().size()];
    for (List<Tensor> sample : inputset) {
      Tensor[] v = ReferenceEvaluator.evaluateAll(p, sample);
      for (int i = 0; i < v.length; i++) {
        if (v[i] instanceof Tensor.Ints t) {
          Bounds s = range(t);
          b[i] = b[i] == null ? s : b[i].union(s);
        }
      }
    }
    return b;
  }

  static Bounds range(Tensor.Ints t) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (int i = 0; i < t.size(); i++) {
      lo = Math.min(lo, t.at(i));
      hi = Math.max(hi, t.at(i));
    }
    return new Bounds(lo, hi);
  }

  /** One step of interval analysis: the range of {@code n} from its operands' ranges. */
  static Bounds interval(Program p, Node n, Bounds[] b, Map<Integer, Tensor> clear) {
    return switch (n.op()) {
      case Op.Input in -> declared(n).orElseThrow();
      case Op.Constant c -> range((Tensor.Ints) c.value());
      case Op.Binary bin -> {
        Bounds x = b[bin.lhs()];
        Bounds y = b[bin.rhs()];
        yield switch (bin.kind()) {
          case ADD -> new Bounds(Math.addExact(x.min(), y.min()), Math.addExact(x.max(), y.max()));
          case SUB ->
              new Bounds(
                  Math.subtractExact(x.min(), y.max()), Math.subtractExact(x.max(), y.min()));
          case MUL -> corners(x, y);
          case MAXIMUM -> new Bounds(Math.max(x.min(), y.min()), Math.max(x.max(), y.max()));
          case MINIMUM -> new Bounds(Math.min(x.min(), y.min()), Math.min(x.max(), y.max()));
          case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL -> new Bounds(0, 1);
          case DIV, POW -> throw PassErrors.at(NAME, n, bin.kind() + " was not fused");
        };
      }
      case Op.Neg ng ->
          new Bounds(Math.negateExact(b[ng.x()].max()), Math.negateExact(b[ng.x()].min()));
      case Op.MatMul m -> matmul(p, m, b, clear);
      case Op.Sum s -> {
        long count = p.type(s.x()).size() / Math.max(1, n.type().size());
        Bounds x = b[s.x()];
        yield new Bounds(Math.multiplyExact(x.min(), count), Math.multiplyExact(x.max(), count));
      }
      case Op.Reduce r -> b[r.x()];
      case Op.Unary u -> throw PassErrors.at(NAME, n, "unary " + u.fn() + " was not fused");
      case Op.Cast c -> b[c.x()];
      case Op.Where w -> b[w.ifTrue()].union(b[w.ifFalse()]);
      case Op.RoundBits r ->
          new Bounds(
              ReferenceEvaluator.roundBits(b[r.x()].min(), r.lsbs()),
              ReferenceEvaluator.roundBits(b[r.x()].max(), r.lsbs()));
      case Op.Reshape r -> b[r.x()];
      case Op.Transpose t -> b[t.x()];
      case Op.Slice s -> b[s.x()];
      case Op.Broadcast br -> b[br.x()];
      case Op.Gather g -> b[g.x()];
      case Op.Concat c -> {
        Bounds u = b[c.xs().get(0)];
        for (int x : c.xs()) {
          u = u.union(b[x]);
        }
        yield u;
      }
      case Op.TableLookup t -> {
        Bounds x = b[t.x()];
        if (x.max() - x.min() + 1 > TableFunctions.MAX_RANGE) {
          throw PassErrors.at(
              NAME, n, "table lookup input %" + t.x() + " spans " + x + ", too wide to tabulate");
        }
        TableFunctions.Tabulation tab;
        try {
          tab = TableFunctions.tabulate(t.function(), p.type(t.x()).shape(), x.min(), x.max());
        } catch (ReferenceEvaluator.EvaluationException | ArithmeticException e) {
          // E.g. a reciprocal whose input range includes 0: no sound range exists.
          throw PassErrors.at(
              NAME,
              n,
              "table lookup is undefined on part of its input range "
                  + x
                  + " ("
                  + e.getMessage()
                  + "); calibrate it (an inputset, --bounds auto) or declare narrower input ranges");
        }
        yield new Bounds(tab.min(), tab.max());
      }
    };
  }

  static Bounds corners(Bounds x, Bounds y) {
    long a = Math.multiplyExact(x.min(), y.min());
    long c = Math.multiplyExact(x.min(), y.max());
    long d = Math.multiplyExact(x.max(), y.min());
    long e = Math.multiplyExact(x.max(), y.max());
    return new Bounds(
        Math.min(Math.min(a, c), Math.min(d, e)), Math.max(Math.max(a, c), Math.max(d, e)));
  }

  /** Per output column (or row) sums of the worst-case products with the clear matrix. */
  private static Bounds matmul(Program p, Op.MatMul m, Bounds[] b, Map<Integer, Tensor> clear) {
    boolean lEnc = p.type(m.lhs()).encrypted();
    boolean rEnc = p.type(m.rhs()).encrypted();
    int[] ls = p.type(m.lhs()).shape();
    int k = ls[ls.length - 1];
    if (lEnc && rEnc) {
      Bounds c = corners(b[m.lhs()], b[m.rhs()]);
      return new Bounds(Math.multiplyExact(c.min(), k), Math.multiplyExact(c.max(), k));
    }
    Tensor.Ints c = (Tensor.Ints) FuseTableLookups.clearValue(p, lEnc ? m.rhs() : m.lhs(), clear);
    Bounds x = b[lEnc ? m.lhs() : m.rhs()];
    int[] cs = c.shape();
    // Clear operand [.., k, n] (enc @ C) or [.., m, k] (C @ enc): group by the output index.
    int rank = cs.length;
    int rows = rank == 1 ? cs[0] : cs[rank - 2];
    int cols = rank == 1 ? 1 : cs[rank - 1];
    int batches = c.size() / (rows * cols);
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    int outer = lEnc ? cols : rows;
    int inner = lEnc ? rows : cols;
    for (int bt = 0; bt < batches; bt++) {
      for (int o = 0; o < outer; o++) {
        long sLo = 0;
        long sHi = 0;
        for (int i = 0; i < inner; i++) {
          long cv =
              lEnc ? c.at(bt * rows * cols + i * cols + o) : c.at(bt * rows * cols + o * cols + i);
          long p1 = Math.multiplyExact(cv, x.min());
          long p2 = Math.multiplyExact(cv, x.max());
          sLo = Math.addExact(sLo, Math.min(p1, p2));
          sHi = Math.addExact(sHi, Math.max(p1, p2));
        }
        lo = Math.min(lo, sLo);
        hi = Math.max(hi, sHi);
      }
    }
    return new Bounds(lo, hi);
  }
}
