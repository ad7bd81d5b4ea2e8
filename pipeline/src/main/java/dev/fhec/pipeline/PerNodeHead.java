package dev.fhec.pipeline;

import dev.fhec.compiler.frontend.onnx.OnnxFrontend;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Head 0 quantized post-training with one bit-width per lookup group ({@link HeadPlan}), written
 * directly as an integer program for {@code Fhec.compile}. What it does that the compiler's
 * quantizer (the seed's) does not:
 *
 * <ul>
 *   <li><b>per-channel input scales</b>: the client quantizes each of x's 384 channels on its own
 *       scale (LayerNorm output has a few outlier channels that otherwise take the whole 4-bit
 *       range); the scales are folded into the clear weights, W'[c][j] = s_c·W[c][j], so the
 *       circuit is the same matmul;
 *   <li><b>per-column weight scales</b> of W' (the rescale is part of the requantization lookup);
 *   <li><b>percentile clipping of Q, K and V</b> ({@code nodeClip}): their requantization range is
 *       a percentile of |value| on the calibration sentences instead of the maximum, so that a few
 *       outliers do not take the range of the 3–5-bit lookups;
 *   <li><b>rounding before wide lookups</b>: the Q/K/V and score accumulators keep their {@code
 *       accKeep}/{@code scoreKeep} most significant bits before their lookups, which keeps every
 *       n_bits under the 16-bit table limit. Approximate (no bootstrap; the lookup reads the narrow
 *       value, and a value within the noise of a tie rounds either way, so encrypted results differ
 *       from simulated ones) unless the plan asks for exact rounding (one bootstrap per removed
 *       bit; decrypted = simulated);
 *   <li><b>the softmax normalization on the client</b>: the circuit outputs the unnormalized
 *       numerators' product e·V and the row sums Σe (no reciprocal lookup, no encrypted e × (1/Σe)
 *       product, no attention requantization: n + 3n² fewer bootstraps); the client divides after
 *       decryption, exactly. MiniLM has no causal mask, so no mask value either.
 * </ul>
 *
 * <p>{@link #evaluate} computes the same integers in plain Java (the calibration of each scale uses
 * it); {@code PerNodeHeadTest} checks it against the compiler's reference evaluation of {@link
 * #program} and the simulated circuit.
 */
public final class PerNodeHead {
  private static final ElementType INT = new ElementType.IntType(true, 0);
  private static final ElementType FLOAT = new ElementType.FloatType();

  private final HeadPlan plan;
  private final int n;
  private final int hidden;
  private final int d;
  private final double[] sx;
  private final Proj[] proj = new Proj[3];
  private final int scoreLsbs;
  private final double scoreScale;
  private final long expMax;
  private final Program program;

  /** One of the Q/K/V projections: integer weights, their column scales, the lookup. */
  private record Proj(
      long[] w, double[] sw, double[] bias, int lsbs, double outScale, long outMax) {}

  /** Head 0's float weights as exported: W (hidden, d) and b (d) of Q, K, V. */
  public record Weights(double[][] w, double[][] b, int hidden, int d) {
    /** Reads them from the float ONNX graph of head 0 (constants in graph order q, k, v). */
    public static Weights of(MinilmArtifacts a) {
      Program p = OnnxFrontend.importFloat(a.head0Onnx()).program();
      List<Tensor> mats = new ArrayList<>();
      List<Tensor> vecs = new ArrayList<>();
      for (Node node : p.nodes()) {
        if (node.op() instanceof Op.Constant c && c.value().shape().length == 2) {
          mats.add(c.value());
        } else if (node.op() instanceof Op.Constant c && c.value().shape().length == 1) {
          vecs.add(c.value());
        }
      }
      if (mats.size() != 3 || vecs.size() != 3) {
        throw new IllegalStateException(
            "head0.onnx: expected 3 weight matrices and 3 biases, found "
                + mats.size()
                + " and "
                + vecs.size());
      }
      int hidden = mats.get(0).shape()[0];
      int d = mats.get(0).shape()[1];
      double[][] w = new double[3][];
      double[][] b = new double[3][];
      for (int i = 0; i < 3; i++) {
        w[i] = doubles(mats.get(i));
        b[i] = doubles(vecs.get(i));
      }
      return new Weights(w, b, hidden, d);
    }

    /**
     * Head {@code h} of layer 0 (0..11) from {@code layer0_qkv.npz}, the export's Q/K/V weights of
     * all heads.
     */
    public static Weights ofHead(MinilmArtifacts a, int h) {
      try {
        Map<String, NpyArray> z = Npz.read(a.dir().resolve("layer0_qkv.npz"));
        double[][] w = new double[3][];
        double[][] b = new double[3][];
        String[] names = {"q", "k", "v"};
        for (int p = 0; p < 3; p++) {
          NpyArray.Floats wm = (NpyArray.Floats) z.get("w" + names[p]);
          double[] wd = wm.data(); // data() copies: read each array once
          double[] bd = ((NpyArray.Floats) z.get("b" + names[p])).data();
          int hidden = wm.shape()[0];
          int cols = wm.shape()[1];
          int d = FloatParts.HEAD_DIM;
          w[p] = new double[hidden * d];
          b[p] = new double[d];
          for (int j = 0; j < d; j++) {
            for (int c = 0; c < hidden; c++) {
              w[p][c * d + j] = wd[c * cols + h * d + j];
            }
            b[p][j] = bd[h * d + j];
          }
        }
        return new Weights(w, b, w[0].length / FloatParts.HEAD_DIM, FloatParts.HEAD_DIM);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static double[] doubles(Tensor t) {
      double[] v = new double[t.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.asDouble(i);
      }
      return v;
    }

    /** The float head (softmax(Q·Kᵀ/√d)·V), the reference the circuit is measured against. */
    public double[] head(float[] x, int n) {
      double[][] qkv = new double[3][];
      for (int p = 0; p < 3; p++) {
        qkv[p] = new double[n * d];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < d; j++) {
            double s = b[p][j];
            for (int c = 0; c < hidden; c++) {
              s += x[i * hidden + c] * w[p][c * d + j];
            }
            qkv[p][i * d + j] = s;
          }
        }
      }
      double[] y = new double[n * d];
      for (int i = 0; i < n; i++) {
        double[] s = new double[n];
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
          for (int j = 0; j < d; j++) {
            s[k] += qkv[0][i * d + j] * qkv[1][k * d + j];
          }
          s[k] /= Math.sqrt(d);
          m = Math.max(m, s[k]);
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
          s[k] = Math.exp(s[k] - m);
          sum += s[k];
        }
        for (int k = 0; k < n; k++) {
          for (int j = 0; j < d; j++) {
            y[i * d + j] += s[k] / sum * qkv[2][k * d + j];
          }
        }
      }
      return y;
    }
  }

  /** The integers of one run: Q, K, V, the scores, the numerators and the circuit's outputs. */
  public record Trace(long[][] qkv, long[] scores, long[] exp, long[] num, long[] den) {}

  /**
   * Quantizes head 0 for {@code plan}, calibrating every scale on {@code calibration} (float x,
   * n·hidden values per sentence).
   */
  public PerNodeHead(HeadPlan plan, Weights weights, List<float[]> calibration, int n) {
    this.plan = plan;
    this.n = n;
    this.hidden = weights.hidden();
    this.d = weights.d();
    this.sx = inputScales(plan, calibration, hidden);
    List<long[]> xq = calibration.stream().map(this::encode).toList();
    double invSqrtD = 1 / Math.sqrt(d);
    long[][][] calQkv = new long[3][xq.size()][];
    for (int p = 0; p < 3; p++) {
      int bits = p == 2 ? plan.vBits() : plan.qkBits();
      double fold = p == 0 ? invSqrtD : 1; // 1/√d rides on Q's requantization
      double[] wp = new double[hidden * d];
      for (int c = 0; c < hidden; c++) {
        for (int j = 0; j < d; j++) {
          wp[c * d + j] = sx[c] * weights.w()[p][c * d + j] * fold;
        }
      }
      long wmax = QuantizationOptions.qmax(plan.weightBits());
      double[] sw = new double[d];
      for (int j = 0; j < d; j++) {
        double m = 0;
        for (int c = 0; c < hidden; c++) {
          m = Math.max(m, Math.abs(wp[c * d + j]));
        }
        sw[j] = m == 0 ? 1 : m / wmax;
      }
      long[] wi = new long[hidden * d];
      for (int i = 0; i < wi.length; i++) {
        wi[i] = (long) Math.rint(wp[i] / sw[i % d]);
      }
      double[] bias = new double[d];
      for (int j = 0; j < d; j++) {
        bias[j] = weights.b()[p][j] * fold;
      }
      long accMax = 0;
      List<long[]> accs = new ArrayList<>();
      for (long[] x : xq) {
        long[] acc = matmul(x, wi, n, hidden, d);
        accs.add(acc);
        accMax = Math.max(accMax, maxAbs(acc));
      }
      int lsbs = lsbs(accMax, plan.accKeep());
      // the requantization's range: the nodeClip-th percentile of |value| (as requant computes
      // it) over the calibration sentences; values beyond it saturate at ±qmax
      double[] mags = new double[accs.size() * n * d];
      int k = 0;
      for (long[] acc : accs) {
        for (int i = 0; i < acc.length; i++) {
          mags[k++] = Math.abs((double) roundBits(acc[i], lsbs) * sw[i % d] + bias[i % d]);
        }
      }
      double fMax = percentile(mags, plan.nodeClip());
      long outMax = QuantizationOptions.qmax(bits);
      proj[p] = new Proj(wi, sw, bias, lsbs, scale(fMax, outMax), outMax);
      for (int s = 0; s < xq.size(); s++) {
        calQkv[p][s] = requant(accs.get(s), proj[p]);
      }
    }
    long sMax = 0;
    List<long[]> raw = new ArrayList<>();
    for (int s = 0; s < xq.size(); s++) {
      long[] r = scores(calQkv[0][s], calQkv[1][s]);
      raw.add(r);
      sMax = Math.max(sMax, maxAbs(r));
    }
    this.scoreLsbs = lsbs(sMax, plan.scoreKeep());
    double qk = proj[0].outScale() * proj[1].outScale();
    this.scoreScale =
        scale((double) roundBits(sMax, scoreLsbs) * qk, QuantizationOptions.qmax(plan.scoreBits()));
    this.expMax = QuantizationOptions.qmax(plan.expBits());
    this.program = build();
  }

  private static double[] inputScales(HeadPlan plan, List<float[]> calibration, int hidden) {
    long qmax = QuantizationOptions.qmax(plan.inputBits());
    int per = calibration.get(0).length / hidden;
    double[] s = new double[hidden];
    double[] mag = new double[calibration.size() * per];
    for (int c = 0; c < hidden; c++) {
      int k = 0;
      for (float[] x : calibration) {
        for (int i = 0; i < per; i++) {
          mag[k++] = Math.abs(x[i * hidden + c]);
        }
      }
      Arrays.sort(mag);
      double bound =
          mag[(int) Math.max(0, Math.ceil(plan.clipPercentile() / 100 * mag.length) - 1)];
      s[c] = bound > 0 ? bound / qmax : 1.0 / qmax;
    }
    return s;
  }

  /** The p-th percentile of {@code v} (sorted in place); p = 100 is the maximum. */
  private static double percentile(double[] v, double p) {
    Arrays.sort(v);
    return v[(int) Math.max(0, Math.ceil(p / 100 * v.length) - 1)];
  }

  private static double scale(double range, long qmax) {
    return range > 0 ? range / qmax : 1.0 / qmax;
  }

  /** Bits to round away so that values up to {@code max} keep {@code keep} bits (sign included). */
  private static int lsbs(long max, int keep) {
    if (keep == 0) {
      return 0;
    }
    int width = 64 - Long.numberOfLeadingZeros(max) + 1;
    return Math.max(0, width - keep);
  }

  private static long roundBits(long x, int lsbs) {
    return lsbs == 0 ? x : ((x + (1L << (lsbs - 1))) >> lsbs) << lsbs;
  }

  private static long maxAbs(long[] v) {
    long m = 0;
    for (long x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  private static long[] matmul(long[] x, long[] w, int rows, int inner, int cols) {
    long[] out = new long[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < inner; c++) {
        long xv = x[i * inner + c];
        if (xv == 0) {
          continue;
        }
        for (int j = 0; j < cols; j++) {
          out[i * cols + j] += xv * w[c * cols + j];
        }
      }
    }
    return out;
  }

  private long[] requant(long[] acc, Proj p) {
    long[] q = new long[acc.length];
    for (int i = 0; i < acc.length; i++) {
      double f = (double) roundBits(acc[i], p.lsbs()) * p.sw()[i % d] + p.bias()[i % d];
      q[i] = Math.max(-p.outMax(), Math.min(p.outMax(), (long) Math.rint(f / p.outScale())));
    }
    return q;
  }

  private long[] scores(long[] q, long[] k) {
    long[] s = new long[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        long v = 0;
        for (int c = 0; c < d; c++) {
          v += q[i * d + c] * k[j * d + c];
        }
        s[i * n + j] = v;
      }
    }
    return s;
  }

  public HeadPlan plan() {
    return plan;
  }

  public Program program() {
    return program;
  }

  /** The client's encoding: per channel, q = clip(rint(x / s_c), ±qmax). */
  public long[] encode(float[] x) {
    long qmax = QuantizationOptions.qmax(plan.inputBits());
    long[] q = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      q[i] = Math.max(-qmax, Math.min(qmax, (long) Math.rint(x[i] / sx[i % hidden])));
    }
    return q;
  }

  /** The client's decoding: y = (e·V) / Σe · s_v, the softmax normalization done in the clear. */
  public float[] decode(List<long[]> outputs) {
    long[] num = outputs.get(0);
    long[] den = outputs.get(1);
    float[] y = new float[num.length];
    for (int i = 0; i < num.length; i++) {
      y[i] = (float) ((double) num[i] / den[i / d] * proj[2].outScale());
    }
    return y;
  }

  /** The circuit's integers for one input, computed in plain Java. */
  public Trace evaluate(long[] xq) {
    long[][] qkv = new long[3][];
    for (int p = 0; p < 3; p++) {
      qkv[p] = requant(matmul(xq, proj[p].w(), n, hidden, d), proj[p]);
    }
    long[] raw = scores(qkv[0], qkv[1]);
    double qk = proj[0].outScale() * proj[1].outScale();
    long sq = QuantizationOptions.qmax(plan.scoreBits());
    long[] s = new long[raw.length];
    for (int i = 0; i < s.length; i++) {
      s[i] =
          Math.max(
              -sq,
              Math.min(
                  sq, (long) Math.rint((double) roundBits(raw[i], scoreLsbs) * qk / scoreScale)));
    }
    long[] e = new long[s.length];
    long[] den = new long[n];
    for (int i = 0; i < n; i++) {
      long m = Long.MIN_VALUE;
      for (int j = 0; j < n; j++) {
        m = Math.max(m, s[i * n + j]);
      }
      for (int j = 0; j < n; j++) {
        e[i * n + j] = expLookup(s[i * n + j] - m);
        den[i] += e[i * n + j];
      }
    }
    long[] num = matmul(e, qkv[2], n, n, d);
    return new Trace(qkv, s, e, num, den);
  }

  private long expLookup(long t) {
    double v = Math.rint(Math.exp((double) t * scoreScale) * expMax);
    return (long) Math.max(0, Math.min(expMax, v));
  }

  /** The decoded head output for one float input, through {@link #evaluate}. */
  public float[] run(float[] x) {
    Trace t = evaluate(encode(x));
    return decode(List.of(t.num(), t.den()));
  }

  // ---- the integer program -------------------------------------------------------------------

  private Program build() {
    ProgramBuilder b = new ProgramBuilder("minilm_l0_head0_per_node");
    int[] out = appendTo(b, input(b));
    b.output(out[0]);
    b.output(out[1]);
    return b.build();
  }

  /** The encrypted input x of a head program: (1, n, hidden) at the plan's input bits. */
  public int input(ProgramBuilder b) {
    long xmax = QuantizationOptions.qmax(plan.inputBits());
    return b.input("x", new int[] {1, n, hidden}, INT, true, Optional.of(new Bounds(-xmax, xmax)));
  }

  /** Appends this head reading {@code x} to {@code b}: the ids of e·V and Σe. */
  public int[] appendTo(ProgramBuilder b, int x) {
    int[] qkv = new int[3];
    for (int p = 0; p < 3; p++) {
      Proj pr = proj[p];
      int acc = b.matmul(x, b.constant(new Tensor.Ints(new int[] {hidden, d}, pr.w())));
      int r = pr.lsbs() > 0 ? b.roundBits(acc, pr.lsbs(), plan.exactRounding()) : acc;
      int f =
          b.add(
              b.mul(b.cast(r, FLOAT), b.constant(new Tensor.Floats(new int[] {d}, pr.sw()))),
              b.constant(new Tensor.Floats(new int[] {d}, pr.bias())));
      qkv[p] = quantize(b, f, pr.outScale(), -pr.outMax(), pr.outMax());
    }
    int raw = b.matmul(qkv[0], b.transpose(qkv[1], 0, 2, 1));
    int r = scoreLsbs > 0 ? b.roundBits(raw, scoreLsbs, plan.exactRounding()) : raw;
    long sq = QuantizationOptions.qmax(plan.scoreBits());
    int s =
        quantize(
            b,
            b.mul(b.cast(r, FLOAT), b.constant(proj[0].outScale() * proj[1].outScale())),
            scoreScale,
            -sq,
            sq);
    int t = b.sub(s, b.reduce(Op.ReduceKind.MAX, s, -1, true));
    int ef =
        b.mul(
            b.unary(UnaryFn.Simple.EXP, b.mul(b.cast(t, FLOAT), b.constant(scoreScale))),
            b.constant((double) expMax));
    int e = b.cast(b.unary(new UnaryFn.Clip(0, expMax), b.unary(UnaryFn.Simple.RINT, ef)), INT);
    return new int[] {b.matmul(e, qkv[2]), b.sum(e, List.of(-1), true)};
  }

  /** cast(clip(rint(f / s), lo, hi)): the compiler fuses it with f's chain into one lookup. */
  private static int quantize(ProgramBuilder b, int f, double s, long lo, long hi) {
    int rounded = b.unary(UnaryFn.Simple.RINT, b.div(f, b.constant(s)));
    return b.cast(b.unary(new UnaryFn.Clip(lo, hi), rounded), INT);
  }

  /** The calibration inputs of head 0, one float[] (n·hidden) per sentence. */
  public static List<float[]> calibration(MinilmArtifacts a) {
    try {
      NpyArray.Floats x = (NpyArray.Floats) Npz.read(a.head0Inputset()).get("x");
      double[] data = x.data(); // data() copies: read it once
      int per = data.length / x.shape()[0];
      List<float[]> out = new ArrayList<>();
      for (int s = 0; s < x.shape()[0]; s++) {
        float[] v = new float[per];
        for (int i = 0; i < per; i++) {
          v[i] = (float) data[s * per + i];
        }
        out.add(v);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
