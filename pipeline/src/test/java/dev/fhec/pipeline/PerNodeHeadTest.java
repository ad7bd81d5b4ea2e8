package dev.fhec.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Tensor;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The per-node head on real sentences: the float weights it reads reproduce ONNX Runtime's head 0;
 * its Java evaluation, the compiler's reference evaluation of its program and the simulated circuit
 * agree bit for bit; the searched 4-bit plan meets head cosine 0.95 on the evaluation sentences;
 * and every n_bits 2..8 compiles under the 16-bit table limit thanks to the accumulator rounding.
 */
class PerNodeHeadTest {
  /** The plan {@code PipelineMain search --min-cosine 0.96 --bits 4} chose (samples/README.md). */
  static final HeadPlan CHOSEN_4BIT = HeadPlan.parse("x4 w8 qk4 v5 s5 e5 acc6 sacc6");

  @Test
  void perNodeHeadMatchesItsProgramItsCircuitAndTheFloatHead() throws Exception {
    MinilmArtifacts a = Artifacts.require();
    PerNodeHead.Weights w = PerNodeHead.Weights.of(a);
    List<float[]> calibration = PerNodeHead.calibration(a);
    int n = a.nSeq();
    int d = FloatParts.HEAD_DIM;
    PerNodeHead head = new PerNodeHead(CHOSEN_4BIT, w, calibration, n);
    HeadCircuit circuit =
        HeadCircuit.compile(head, calibration, CompileOptions.defaults(), Optional.of(Toy.PARAMS));
    // Fixed parameters lower the two enc×enc matmuls with quarter squares (2 PBS a product):
    // 3·d·n requantizations, 2·n·n·d for Q·Kᵀ, n² score lookups, n(n−1) relu-chain max, n² exp,
    // 2·n·n·d for e·V; no reciprocal, no e × (1/Σe), no attention requantization.
    long expected = 3L * d * n + 2L * n * n * d + n * n + n * (n - 1) + n * n + 2L * n * n * d;
    assertEquals(expected, circuit.compiled().pbsCount());
    double cosSum = 0;
    try (FloatParts parts = new FloatParts(a)) {
      ModelSweep sweep = new ModelSweep(a, parts, 16);
      for (int s = 0; s < sweep.sentences(); s++) {
        float[] x = sweep.layerZero(s).x();
        // the weights read from head0.onnx give ONNX Runtime's float head
        double[] y64 = w.head(x, n);
        float[] y32 = new float[y64.length];
        for (int i = 0; i < y64.length; i++) {
          y32[i] = (float) y64[i];
        }
        assertTrue(Metrics.cosine(y32, sweep.floatHead(s)) > 0.99999, "sentence " + s);
        long[] q = head.encode(x);
        PerNodeHead.Trace t = head.evaluate(q);
        List<Tensor> ref =
            ReferenceEvaluator.evaluate(
                head.program(), List.of(new Tensor.Ints(new int[] {1, n, FloatParts.HIDDEN}, q)));
        assertArrayEquals(t.num(), ((Tensor.Ints) ref.get(0)).data(), "num, sentence " + s);
        assertArrayEquals(t.den(), ((Tensor.Ints) ref.get(1)).data(), "den, sentence " + s);
        HeadCircuit.Simulated sim = circuit.simulate(q);
        assertArrayEquals(t.num(), sim.outputs().get(0), "simulated num, sentence " + s);
        assertArrayEquals(t.den(), sim.outputs().get(1), "simulated den, sentence " + s);
        cosSum += Metrics.cosine(circuit.decode(sim.outputs()), sweep.floatHead(s));
      }
      double mean = cosSum / sweep.sentences();
      System.out.printf(
          "per-node %s: head cosine %.4f on 16 sentences%n", CHOSEN_4BIT.label(), mean);
      assertTrue(mean >= 0.95, "head cosine " + mean);
    }
  }

  @Test
  void everyNBitsCompilesUnderTheTableLimit() throws Exception {
    MinilmArtifacts a = Artifacts.require();
    PerNodeHead.Weights w = PerNodeHead.Weights.of(a);
    List<float[]> calibration = PerNodeHead.calibration(a).subList(0, 16);
    for (int b : new int[] {2, 5, 8}) {
      PerNodeHead head = new PerNodeHead(HeadPlan.uniform(b), w, calibration, a.nSeq());
      int widest =
          HeadCircuit.widestLookup(
              head.program(), CompileOptions.defaults(), samples(head, calibration, a));
      assertTrue(widest <= 16, b + " bits: widest lookup " + widest);
      HeadCircuit c =
          HeadCircuit.compile(
              head, calibration, CompileOptions.defaults(), Optional.of(Toy.PARAMS));
      assertTrue(c.roundTo().isEmpty(), b + " bits needed the compiler's rounding");
      long[] q = head.encode(calibration.get(0));
      PerNodeHead.Trace t = head.evaluate(q);
      assertArrayEquals(t.num(), c.simulate(q).outputs().get(0), b + " bits");
    }
  }

  @Test
  void blockOfHeadsIsEachHeadOnOneInput() throws Exception {
    MinilmArtifacts a = Artifacts.require();
    List<float[]> calibration = PerNodeHead.calibration(a).subList(0, 16);
    // head 0 of layer0_qkv.npz is the head of head0.onnx
    PerNodeHead.Weights w0 = PerNodeHead.Weights.of(a);
    PerNodeHead.Weights b0 = PerNodeHead.Weights.ofHead(a, 0);
    for (int p = 0; p < 3; p++) {
      assertArrayEquals(w0.w()[p], b0.w()[p], 1e-6);
      assertArrayEquals(w0.b()[p], b0.b()[p], 1e-6);
    }
    HeadPlan plan = HeadPlan.parse("x3 w4 qk3 v3 s3 e3 acc5 sacc5");
    LayerZeroBlock block = new LayerZeroBlock(plan, a, calibration, 2);
    HeadCircuit c =
        HeadCircuit.compile(block, calibration, CompileOptions.defaults(), Optional.of(Toy.PARAMS));
    PerNodeHead h1 = new PerNodeHead(plan, PerNodeHead.Weights.ofHead(a, 1), calibration, a.nSeq());
    HeadCircuit single =
        HeadCircuit.compile(h1, calibration, CompileOptions.defaults(), Optional.of(Toy.PARAMS));
    assertEquals(2 * single.compiled().pbsCount(), c.compiled().pbsCount());
    long[] q = block.encode(calibration.get(3));
    List<long[]> out = c.simulate(q).outputs();
    PerNodeHead.Trace t1 = h1.evaluate(q);
    assertArrayEquals(t1.num(), out.get(2));
    assertArrayEquals(t1.den(), out.get(3));
    float[] ctx = block.decode(out);
    float[] y1 = h1.decode(List.of(t1.num(), t1.den()));
    int d = FloatParts.HEAD_DIM;
    for (int i = 0; i < a.nSeq(); i++) {
      for (int j = 0; j < d; j++) {
        assertEquals(y1[i * d + j], ctx[i * 2 * d + d + j], 0);
      }
    }
  }

  @Test
  void planLabelsRoundTrip() {
    HeadPlan p = new HeadPlan(4, 5, 4, 7, 4, 6, 5, 0, 99.9);
    assertEquals("x4 w5 qk4 v7 s4 e6 acc5 sacc- p99.9", p.label());
    assertEquals(p, HeadPlan.parse(p.label()));
    assertEquals(p, HeadPlan.parse("x4,w5,qk4,v7,s4,e6,acc5,sacc-,p99.9"));
    assertEquals(HeadPlan.uniform(3).with(HeadPlan.Group.V, 6).vBits(), 6);
    HeadPlan exact = p.withExactRounding(true);
    assertEquals("x4 w5 qk4 v7 s4 e6 acc5 sacc- p99.9 exact", exact.label());
    assertEquals(exact, HeadPlan.parse(exact.label()));
    assertEquals(exact, exact.with(HeadPlan.Group.EXP, 6));
    HeadPlan clipped = exact.withNodeClip(99.5);
    assertEquals("x4 w5 qk4 v7 s4 e6 acc5 sacc- p99.9 n99.5 exact", clipped.label());
    assertEquals(clipped, HeadPlan.parse(clipped.label()));
  }

  @Test
  void searchStepsMeetTheTargetAndGetCheaper() throws Exception {
    MinilmArtifacts a = Artifacts.require();
    PlanSearch search =
        new PlanSearch(
            PerNodeHead.Weights.of(a), PerNodeHead.calibration(a).subList(0, 8), a.nSeq());
    List<PlanSearch.Step> steps = search.descend(4, 0.9);
    assertTrue(steps.size() > 1);
    for (int i = 0; i < steps.size(); i++) {
      assertTrue(steps.get(i).cosine() >= 0.9, steps.get(i).toString());
      assertEquals(steps.get(i).cosine(), search.cosine(steps.get(i).plan()), 0);
      if (i > 0) {
        assertTrue(steps.get(i).estimatedCost() <= steps.get(i - 1).estimatedCost());
      }
    }
    // nothing meets an impossible target at 2-bit inputs
    assertTrue(search.descend(2, 0.9999).isEmpty());
  }

  private static List<List<Tensor>> samples(
      PerNodeHead head, List<float[]> calibration, MinilmArtifacts a) {
    return calibration.stream()
        .map(
            x ->
                List.<Tensor>of(
                    new Tensor.Ints(new int[] {1, a.nSeq(), FloatParts.HIDDEN}, head.encode(x))))
        .toList();
  }
}
