package dev.fhec.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.quant.QuantizationOptions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Head 0 compiled from its float ONNX graph (TOY parameters: the exact simulator ignores them),
 * simulated on real sentences: equal to the quantized program's reference evaluation, and close to
 * the float head once decoded; then the whole model with the simulated head.
 */
class HeadCircuitTest {
  @Test
  void simulatedCircuitEqualsTheQuantizedProgramAndTracksTheFloatHead() throws Exception {
    MinilmArtifacts a = Artifacts.require();
    HeadCircuit head =
        HeadCircuit.compile(
            a, QuantizationOptions.ofBits(6), CompileOptions.defaults(), Optional.of(Toy.PARAMS));
    int n = a.nSeq();
    int d = FloatParts.HEAD_DIM;
    // PBS per construct of the single head (shared-squares products are chosen only with optimized
    // parameters; with fixed ones the two enc×enc matmuls take quarter squares, 2 PBS a product):
    // 3·d·n requantizations of Q, K, V, 2·2·d·n² for Q·Kᵀ and A·V, n² score quantization, n(n−1)
    // relu-chain max, n² exp, n reciprocal, 2n² for exp × (1/sum), n² attention requantization.
    long expected =
        3L * d * n + 4L * d * n * n + n * n + n * (n - 1) + n * n + n + 2L * n * n + n * n;
    assertEquals(expected, head.compiled().pbsCount());
    try (FloatParts parts = new FloatParts(a)) {
      ModelSweep sweep = new ModelSweep(a, parts, 16);
      for (int s = 0; s < sweep.sentences(); s++) {
        long[] q = head.encode(sweep.layerZero(s).x());
        Tensor.Ints in = new Tensor.Ints(new int[] {1, n, FloatParts.HIDDEN}, q);
        long[] want =
            ((Tensor.Ints) ReferenceEvaluator.evaluate(head.program(), List.of(in)).get(0)).data();
        HeadCircuit.Simulated got = head.simulate(q);
        assertArrayEquals(want, got.outputs().get(0), "sentence " + s);
        double cos = Metrics.cosine(head.decode(got.outputs()), sweep.floatHead(s));
        assertTrue(cos > 0.9, "sentence " + s + ": head cosine " + cos);
      }
      ModelSweep.Row row = sweep.measure(head);
      System.out.println(ModelSweep.Row.header() + "\n" + row.markdown());
      assertTrue(row.embeddingCosine() > 0.999, row.markdown());
    }
  }
}
