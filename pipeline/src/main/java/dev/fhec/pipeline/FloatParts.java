package dev.fhec.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * The float parts of all-MiniLM-L6-v2 in ONNX Runtime: {@code pre} (embeddings, LayerNorm, heads
 * 1..11 of layer 0), the float head 0 (the reference the circuit is measured against) and {@code
 * post} (the rest of the model up to the normalized sentence embedding). One intra-op thread: the
 * pipeline runs sentences one after the other and the circuit is the expensive part.
 */
public final class FloatParts implements AutoCloseable {
  /** Hidden size, head dimension. */
  public static final int HIDDEN = 384;

  public static final int HEAD_DIM = 32;

  private final OrtEnvironment env;
  private final OrtSession pre;
  private final OrtSession head0;
  private final OrtSession post;
  private final int nSeq;

  /** Layer 0's attention input x (1, n, 384) and the other 11 heads' outputs (1, n, 352). */
  public record LayerZero(float[] x, float[] ctxRest) {}

  public FloatParts(MinilmArtifacts a) throws OrtException {
    this.env = OrtEnvironment.getEnvironment();
    this.nSeq = a.nSeq();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      o.setInterOpNumThreads(1);
      this.pre = env.createSession(a.preOnnx().toString(), o);
      this.head0 = env.createSession(a.head0Onnx().toString(), o);
      this.post = env.createSession(a.postOnnx().toString(), o);
    }
  }

  public int nSeq() {
    return nSeq;
  }

  public LayerZero pre(long[] ids) throws OrtException {
    if (ids.length != nSeq) {
      throw new IllegalArgumentException("expected " + nSeq + " token ids, got " + ids.length);
    }
    try (OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, nSeq});
        OrtSession.Result r = pre.run(Map.of("input_ids", t))) {
      return new LayerZero(floats(r, "x"), floats(r, "ctx_rest"));
    }
  }

  /** Head 0 in float: x (1, n, 384) → y (1, n, 32). */
  public float[] head0(float[] x) throws OrtException {
    try (OnnxTensor t = tensor(x, HIDDEN);
        OrtSession.Result r = head0.run(Map.of("x", t))) {
      return floats(r, "y");
    }
  }

  /** The rest of the model after head 0's output: the normalized sentence embedding (384). */
  public float[] post(LayerZero l0, float[] y) throws OrtException {
    try (OnnxTensor x = tensor(l0.x(), HIDDEN);
        OnnxTensor h = tensor(y, HEAD_DIM);
        OnnxTensor rest = tensor(l0.ctxRest(), HIDDEN - HEAD_DIM);
        OrtSession.Result r = post.run(Map.of("x", x, "y", h, "ctx_rest", rest))) {
      return floats(r, "embedding");
    }
  }

  private OnnxTensor tensor(float[] v, int width) throws OrtException {
    if (v.length != nSeq * width) {
      throw new IllegalArgumentException("expected " + nSeq * width + " values, got " + v.length);
    }
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[] {1, nSeq, width});
  }

  private static float[] floats(OrtSession.Result r, String name) throws OrtException {
    FloatBuffer b =
        ((OnnxTensor) r.get(name).orElseThrow(() -> new IllegalStateException("no " + name)))
            .getFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  @Override
  public void close() throws OrtException {
    pre.close();
    head0.close();
    post.close();
  }
}
