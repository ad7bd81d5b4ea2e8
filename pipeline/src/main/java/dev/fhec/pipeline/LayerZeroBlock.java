package dev.fhec.pipeline;

import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer 0's whole self-attention, all 12 heads, as one circuit: each head quantized by {@link
 * PerNodeHead} with the same plan, all reading one encrypted x (the input scales depend on x only,
 * so one encoding serves every head). Outputs: e·V and Σe per head; the client normalizes and
 * concatenates them into the (n, 384) context the model continues with.
 */
public final class LayerZeroBlock {
  private final List<PerNodeHead> heads = new ArrayList<>();
  private final Program program;

  public LayerZeroBlock(HeadPlan plan, MinilmArtifacts a, List<float[]> calibration, int heads) {
    for (int h = 0; h < heads; h++) {
      this.heads.add(
          new PerNodeHead(plan, PerNodeHead.Weights.ofHead(a, h), calibration, a.nSeq()));
    }
    ProgramBuilder b = new ProgramBuilder("minilm_l0_attention_per_node");
    int x = this.heads.get(0).input(b);
    for (PerNodeHead h : this.heads) {
      int[] out = h.appendTo(b, x);
      b.output(out[0]);
      b.output(out[1]);
    }
    this.program = b.build();
  }

  public Program program() {
    return program;
  }

  public HeadPlan plan() {
    return heads.get(0).plan();
  }

  public int heads() {
    return heads.size();
  }

  public long[] encode(float[] x) {
    return heads.get(0).encode(x);
  }

  /** The context (n, heads·d), token-major as the model's attention output. */
  public float[] decode(List<long[]> outputs) {
    int d = FloatParts.HEAD_DIM;
    int n = outputs.get(1).length;
    int width = heads.size() * d;
    float[] ctx = new float[n * width];
    for (int h = 0; h < heads.size(); h++) {
      float[] y = heads.get(h).decode(outputs.subList(2 * h, 2 * h + 2));
      for (int i = 0; i < n; i++) {
        System.arraycopy(y, i * d, ctx, i * width + h * d, d);
      }
    }
    return ctx;
  }
}
