package dev.fhec.pipeline;

import ai.onnxruntime.OrtException;
import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.runtime.params.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The model-level measure of issue 15: all-MiniLM-L6-v2 with layer 0 head 0 replaced by its fhec
 * circuit (simulated), against the float model, on real sentences.
 */
public final class ModelSweep {
  private final MinilmArtifacts artifacts;
  private final FloatParts parts;
  private final List<FloatParts.LayerZero> layerZero = new ArrayList<>();
  private final List<float[]> floatHead = new ArrayList<>();
  private final float[][] floatEmbeddings;

  /** Runs the float model once per sentence (ONNX Runtime, head 0 in float). */
  public ModelSweep(MinilmArtifacts artifacts, FloatParts parts, int sentences)
      throws OrtException {
    this(artifacts, parts, artifacts.evalIds(), sentences);
  }

  /**
   * The sweep over {@code ids} (the evaluation sentences, or the calibration sentences for a search
   * that must not see the evaluation set).
   */
  public ModelSweep(MinilmArtifacts artifacts, FloatParts parts, long[][] ids, int sentences)
      throws OrtException {
    this.artifacts = artifacts;
    this.parts = parts;
    int n = Math.min(sentences, ids.length);
    this.floatEmbeddings = new float[n][];
    for (int s = 0; s < n; s++) {
      FloatParts.LayerZero l0 = parts.pre(ids[s]);
      float[] y = parts.head0(l0.x());
      layerZero.add(l0);
      floatHead.add(y);
      floatEmbeddings[s] = parts.post(l0, y);
    }
  }

  public int sentences() {
    return floatEmbeddings.length;
  }

  public float[][] floatEmbeddings() {
    return floatEmbeddings;
  }

  public FloatParts.LayerZero layerZero(int s) {
    return layerZero.get(s);
  }

  public float[] floatHead(int s) {
    return floatHead.get(s);
  }

  /**
   * Worst cosine of the ONNX Runtime float split pipeline against the numpy float model (the
   * evaluation sentences' sweep only).
   */
  public double minCosineToNumpy() {
    double min = 1;
    for (int s = 0; s < floatEmbeddings.length; s++) {
      min = Math.min(min, Metrics.cosine(floatEmbeddings[s], artifacts.referenceEmbeddings()[s]));
    }
    return min;
  }

  /**
   * One row of the table.
   *
   * @param headCosine mean over sentences of the cosine of head 0's (n, 32) output vs float
   * @param embeddingCosine mean sentence-embedding cosine vs the float model
   * @param minEmbeddingCosine the worst sentence's
   * @param overflows sentences on which a value left its calibrated range
   * @param simulateSeconds time of the simulated pipeline over all sentences (head and float parts)
   */
  public record Row(
      int nBits,
      String setting,
      long pbs,
      double complexity,
      int maxBitWidth,
      String roundTo,
      double compileSeconds,
      double headCosine,
      double embeddingCosine,
      double minEmbeddingCosine,
      double spearman,
      double top1,
      int overflows,
      int sentences,
      double simulateSeconds) {

    public static String header() {
      return "| n_bits | quantization | PBS | complexity | max bits | round-to | head 0 cosine"
          + " | embedding cosine (mean) | embedding cosine (min) | Spearman | top-1 agreement"
          + " | overflows |\n|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    public String markdown() {
      return String.format(
          Locale.ROOT,
          "| %d | %s | %,d | %.3g | %d | %s | %.4f | %.6f | %.6f | %.4f | %.1f%% (%d/%d) | %d |",
          nBits,
          setting,
          pbs,
          complexity,
          maxBitWidth,
          roundTo,
          headCosine,
          embeddingCosine,
          minEmbeddingCosine,
          spearman,
          100 * top1,
          Math.round(top1 * sentences),
          sentences,
          overflows);
    }
  }

  /** Compiles head 0 for {@code q} and measures the model with the simulated circuit. */
  public Row measure(
      QuantizationOptions q,
      CompileOptions options,
      Optional<ParameterSet> fixed,
      java.util.OptionalDouble clipPercentile)
      throws OrtException {
    HeadCircuit head = HeadCircuit.compile(artifacts, q, options, fixed, clipPercentile);
    return measure(head);
  }

  /**
   * The model with head 0's output replaced by zeros (the head removed): what any head circuit must
   * beat to carry information; a head that decodes to all zeros (2 bits) lands here.
   *
   * @return mean embedding cosine, worst embedding cosine, Spearman, top-1 agreement
   */
  public double[] ablated() throws OrtException {
    int n = sentences();
    float[][] emb = new float[n][];
    double mean = 0;
    double min = 1;
    for (int s = 0; s < n; s++) {
      emb[s] = parts.post(layerZero.get(s), new float[floatHead.get(s).length]);
      double c = Metrics.cosine(emb[s], floatEmbeddings[s]);
      mean += c;
      min = Math.min(min, c);
    }
    Metrics.Retrieval r = Metrics.retrieval(floatEmbeddings, emb);
    return new double[] {mean / n, min, r.spearman(), r.top1()};
  }

  /** The float context of layer 0's attention (all 12 heads, token-major). */
  public float[] floatContext(int s) {
    float[] y0 = floatHead.get(s);
    float[] rest = layerZero.get(s).ctxRest();
    int n0 = y0.length / FloatParts.HEAD_DIM;
    int r = rest.length / n0;
    float[] ctx = new float[y0.length + rest.length];
    for (int i = 0; i < n0; i++) {
      System.arraycopy(
          y0, i * FloatParts.HEAD_DIM, ctx, i * FloatParts.HIDDEN, FloatParts.HEAD_DIM);
      System.arraycopy(rest, i * r, ctx, i * FloatParts.HIDDEN + FloatParts.HEAD_DIM, r);
    }
    return ctx;
  }

  public Row measure(HeadCircuit head) throws OrtException {
    int n = sentences();
    float[][] emb = new float[n][];
    double headCos = 0;
    double embCos = 0;
    double minCos = 1;
    int overflows = 0;
    long start = System.nanoTime();
    for (int s = 0; s < n; s++) {
      HeadCircuit.Simulated sim = head.simulate(head.encode(layerZero.get(s).x()));
      overflows += sim.overflowed() ? 1 : 0;
      float[] y = head.decode(sim.outputs());
      FloatParts.LayerZero l0 = layerZero.get(s);
      if (y.length == l0.x().length) {
        // the 12-head block: its whole context against the float one, heads 1..11 from it too
        headCos += Metrics.cosine(y, floatContext(s));
        int n0 = y.length / FloatParts.HIDDEN;
        float[] y0 = new float[n0 * FloatParts.HEAD_DIM];
        float[] rest = new float[n0 * (FloatParts.HIDDEN - FloatParts.HEAD_DIM)];
        for (int i = 0; i < n0; i++) {
          System.arraycopy(
              y, i * FloatParts.HIDDEN, y0, i * FloatParts.HEAD_DIM, FloatParts.HEAD_DIM);
          System.arraycopy(
              y,
              i * FloatParts.HIDDEN + FloatParts.HEAD_DIM,
              rest,
              i * rest.length / n0,
              rest.length / n0);
        }
        emb[s] = parts.post(new FloatParts.LayerZero(l0.x(), rest), y0);
      } else {
        headCos += Metrics.cosine(y, floatHead.get(s));
        emb[s] = parts.post(l0, y);
      }
      double c = Metrics.cosine(emb[s], floatEmbeddings[s]);
      embCos += c;
      minCos = Math.min(minCos, c);
    }
    Metrics.Retrieval r = Metrics.retrieval(floatEmbeddings, emb);
    var report = head.compiled().report();
    return new Row(
        head.nBits(),
        head.setting(),
        head.compiled().pbsCount(),
        report.complexity(),
        report.maximumBitWidth(),
        head.roundTo().isPresent() ? Integer.toString(head.roundTo().getAsInt()) : "—",
        head.compileSeconds(),
        headCos / n,
        embCos / n,
        minCos,
        r.spearman(),
        r.top1(),
        overflows,
        n,
        (System.nanoTime() - start) / 1e9);
  }
}
