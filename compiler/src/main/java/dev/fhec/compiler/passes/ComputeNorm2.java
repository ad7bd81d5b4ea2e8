package dev.fhec.compiler.passes;

import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import java.util.Locale;
import java.util.Set;

/**
 * {@code compute-norm2}: the squared 2-norm ν² (Concrete's MANP, reference/compiler.md §7) of every
 * encrypted node and of every bootstrap input, computed on the IR before lowering, so the noise
 * constraint of each table lookup is known from the source program. Analysis only: the program is
 * returned unchanged; {@link #analyze} gives the {@link Norm2s} result.
 *
 * <p>Rules: an input or table-lookup output has ν² = 1; add/sub sum the operands' ν² (clear
 * operands count 0); negation, casts, data movement and approximate rounding keep it; a
 * multiplication by a clear constant c scales it by max c² over the elements; a clear matmul by the
 * largest Σ w² along the contracted axis over the outputs; a sum by the number of summed terms. The
 * constructs that the lowering builds from bootstraps are accounted as it builds them: an enc×enc
 * product x·y = ⌊(x+y)²/4⌋ − ⌊(x−y)²/4⌋ enters both lookups with ν²(x) + ν²(y) (2 for fresh
 * operands, as Concrete, §7) and leaves with 2 (2k for a matmul's sum over k); a max/min of two
 * values reads their difference and leaves with ν²(x) + 1; a comparison leaves with 1; a max/min
 * along an axis of length n runs ⌈log₂ n⌉ levels, level j reading 2·(ν² + j); an exact rounding of
 * l bits reads ν² + i at step i and leaves with ν² + l. A clear operand that is not a literal
 * constant (a folded clear expression) is bounded by its bounds, max(min², max²) per element, so ν²
 * stays an upper bound. The result matches {@link dev.fhec.compiler.stats.Norm2Analysis} on the
 * lowered circuit (see {@code Norm2ConsistencyTest}).
 *
 * <p>Example: {@code compiler/src/test/resources/passes/compute-norm2/doctest.fhe}.
 */
public final class ComputeNorm2 implements Pass {
  public static final String NAME = "compute-norm2";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Property> requires() {
    return Set.of(Property.FUSED, Property.BOUNDED);
  }

  @Override
  public Set<Property> establishes() {
    return Set.of();
  }

  @Override
  public Program run(Program program, PassContext context) {
    analyze(program);
    return program;
  }

  /**
   * ν² per node.
   *
   * @param value ν² of each node's value (0 for clear nodes)
   * @param bootstrapInput largest ν² entering one of the bootstraps the node's lowering performs (0
   *     for nodes lowered without bootstraps); for a table lookup, the ν² of its input
   */
  public record Norm2s(double[] value, double[] bootstrapInput) {
    public Norm2s {
      value = value.clone();
      bootstrapInput = bootstrapInput.clone();
    }

    @Override
    public double[] value() {
      return value.clone();
    }

    @Override
    public double[] bootstrapInput() {
      return bootstrapInput.clone();
    }

    /** One line per node with bootstraps: {@code %id: nu2 = V}, for golden files and reports. */
    public String format() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < bootstrapInput.length; i++) {
        if (bootstrapInput[i] > 0) {
          sb.append(String.format(Locale.ROOT, "%%%d: nu2 = %s%n", i, num(bootstrapInput[i])));
        }
      }
      return sb.toString();
    }

    private static String num(double d) {
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
  }

  /** ν² of every node of a fused, bounded program. */
  public static Norm2s analyze(Program p) {
    int n = p.nodes().size();
    double[] nu = new double[n];
    double[] boot = new double[n];
    for (Node node : p.nodes()) {
      if (!node.type().encrypted()) {
        continue;
      }
      int id = node.id();
      try {
        nu[id] =
            switch (node.op()) {
              case Op.Input in -> 1;
              case Op.Constant c -> 0;
              case Op.TableLookup t -> {
                boot[id] = nu[t.x()];
                yield 1;
              }
              case Op.Binary b -> binary(p, b, nu, boot, id);
              case Op.Neg ng -> nu[ng.x()];
              case Op.Cast c -> nu[c.x()];
              case Op.Unary u ->
                  throw PassErrors.at(NAME, node, "encrypted " + u.fn() + " was not fused");
              case Op.MatMul m -> matmul(p, m, nu, boot, id);
              case Op.Sum s -> nu[s.x()] * (p.type(s.x()).size() / Math.max(1, node.type().size()));
              case Op.Reduce r -> {
                int[] shape = p.type(r.x()).shape();
                int axis = r.axis() < 0 ? r.axis() + shape.length : r.axis();
                double v = nu[r.x()];
                for (int len = shape[axis]; len > 1; len = (len + 1) / 2) {
                  boot[id] = Math.max(boot[id], 2 * v);
                  v += 1;
                }
                yield v;
              }
              case Op.Where w -> {
                double t = nu[w.ifTrue()] * selects(p, w.cond(), true);
                double f = nu[w.ifFalse()] * selects(p, w.cond(), false);
                yield t + f;
              }
              case Op.RoundBits r -> {
                if (!r.exact()) {
                  yield nu[r.x()];
                }
                if (r.lsbs() > 0) {
                  boot[id] = nu[r.x()] + r.lsbs() - 1;
                }
                yield nu[r.x()] + r.lsbs();
              }
              case Op.Reshape r -> nu[r.x()];
              case Op.Transpose t -> nu[t.x()];
              case Op.Slice s -> nu[s.x()];
              case Op.Broadcast b -> nu[b.x()];
              case Op.Gather g -> nu[g.x()];
              case Op.Concat c -> {
                double m = 0;
                for (int x : c.xs()) {
                  m = Math.max(m, nu[x]);
                }
                yield m;
              }
            };
      } catch (IllegalArgumentException e) {
        throw PassErrors.at(NAME, node, e.getMessage());
      }
    }
    return new Norm2s(nu, boot);
  }

  private static double binary(Program p, Op.Binary b, double[] nu, double[] boot, int id) {
    boolean lEnc = p.type(b.lhs()).encrypted();
    boolean rEnc = p.type(b.rhs()).encrypted();
    double both = nu[b.lhs()] + nu[b.rhs()];
    return switch (b.kind()) {
      case ADD, SUB -> both;
      case MUL -> {
        if (lEnc && rEnc) {
          boot[id] = both;
          yield 2;
        }
        int clear = lEnc ? b.rhs() : b.lhs();
        yield maxSquare(p, clear) * nu[lEnc ? b.lhs() : b.rhs()];
      }
      case MAXIMUM, MINIMUM -> {
        boot[id] = both;
        yield nu[b.lhs()] + 1;
      }
      case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL -> {
        boot[id] = both;
        yield 1;
      }
      case DIV, POW ->
          throw new IllegalArgumentException(
              b.kind() + " on an encrypted value should have been fused into a table lookup");
    };
  }

  private static double matmul(Program p, Op.MatMul m, double[] nu, double[] boot, int id) {
    boolean lEnc = p.type(m.lhs()).encrypted();
    boolean rEnc = p.type(m.rhs()).encrypted();
    int[] ls = p.type(m.lhs()).shape();
    int k = ls[ls.length - 1];
    if (lEnc && rEnc) {
      boot[id] = nu[m.lhs()] + nu[m.rhs()];
      return 2.0 * k;
    }
    int clear = lEnc ? m.rhs() : m.lhs();
    return contractedSquares(p, clear, lEnc) * nu[lEnc ? m.lhs() : m.rhs()];
  }

  /** max c² over the elements of clear node {@code c}. */
  private static double maxSquare(Program p, int c) {
    if (p.node(c).op() instanceof Op.Constant k && k.value() instanceof Tensor.Ints t) {
      double m = 0;
      for (int i = 0; i < t.size(); i++) {
        m = Math.max(m, (double) t.at(i) * t.at(i));
      }
      return m;
    }
    return boundSquare(p, c);
  }

  private static double boundSquare(Program p, int c) {
    Bounds b =
        p.node(c)
            .bounds()
            .orElseThrow(() -> PassErrors.at(NAME, p.node(c), "clear operand has no bounds"));
    double a = Math.max(Math.abs((double) b.min()), Math.abs((double) b.max()));
    return a * a;
  }

  /**
   * Largest Σ w² along the contracted axis over the outputs of a matmul by clear {@code w} (its
   * rows' axis when on the right, its columns' axis when on the left; a vector is contracted
   * whole).
   */
  private static double contractedSquares(Program p, int w, boolean clearOnRight) {
    int[] s = p.type(w).shape();
    if (!(p.node(w).op() instanceof Op.Constant k && k.value() instanceof Tensor.Ints t)) {
      int inner = s.length == 1 ? s[0] : clearOnRight ? s[s.length - 2] : s[s.length - 1];
      return inner * boundSquare(p, w);
    }
    if (s.length == 1) {
      double sum = 0;
      for (int i = 0; i < t.size(); i++) {
        sum += (double) t.at(i) * t.at(i);
      }
      return sum;
    }
    int rows = s[s.length - 2];
    int cols = s[s.length - 1];
    int batches = t.size() / (rows * cols);
    int outer = clearOnRight ? cols : rows;
    int inner = clearOnRight ? rows : cols;
    double best = 0;
    for (int bt = 0; bt < batches; bt++) {
      for (int o = 0; o < outer; o++) {
        double sum = 0;
        for (int i = 0; i < inner; i++) {
          long v =
              clearOnRight
                  ? t.at(bt * rows * cols + i * cols + o)
                  : t.at(bt * rows * cols + o * cols + i);
          sum += (double) v * v;
        }
        best = Math.max(best, sum);
      }
    }
    return best;
  }

  /** 1 if the clear mask selects some element for this branch (or is not a literal), else 0. */
  private static double selects(Program p, int cond, boolean branch) {
    if (p.node(cond).op() instanceof Op.Constant k && k.value() instanceof Tensor.Ints t) {
      for (int i = 0; i < t.size(); i++) {
        if ((t.at(i) != 0) == branch) {
          return 1;
        }
      }
      return 0;
    }
    return 1;
  }
}
