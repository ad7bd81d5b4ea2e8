package dev.fhec.compiler.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.compiler.report.KeySizes;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counters, key sizes and the JSON form of the report. */
class StatisticsTest {
  @Test
  void keySizesFollowConcretesFormulas() {
    // Concrete's docs example (compiler.md §11): n = 781, k = 1, N = 2048, ℓ_br = 1, ℓ_ks = 5.
    ParameterSet docs =
        new ParameterSet(
            "DOCS",
            new LweDimension(781),
            new GlweDimension(1),
            new PolynomialSize(2048),
            new Decomposition(23, 1),
            new Decomposition(3, 5),
            Math.pow(2, -17.39),
            Math.pow(2, -49.95));
    KeySizes k = KeySizes.of(docs);
    // Concrete reports 64,092,720 B = (k·N + 1)·ℓ·(n+1)·8; our keyswitching key decomposes only
    // the k·N mask coefficients, one row of (n+1) longs each, which is what our key files hold.
    assertEquals(2048L * 5 * 782 * 8, k.keyswitchKey());
    assertEquals(64_092_720L - 5L * 782 * 8, k.keyswitchKey());
    assertEquals(51_183_616L, k.bootstrapKey(), "plain n·(k+1)²·ℓ·N·8");
    assertEquals((781L + 2048) * 8, k.secretKeys());
    assertEquals(k, KeySizes.of(dev.fhec.runtime.circuit.ParameterPlan.single(docs)));
  }

  @Test
  void countsPerNodeAddUpAndTheReportIsJson() throws Exception {
    ProgramBuilder b = new ProgramBuilder("stats");
    int x = b.input("x", new int[] {2, 3}, new IntType(false, 3), true);
    int w =
        b.constant(
            new Tensor.Ints(new int[] {3, 4}, new long[] {1, 2, 0, 1, 1, 1, 3, 0, 2, 0, 1, 1}));
    int m = b.matmul(x, w); // 2·4 outputs of 3 terms: 24 clear mults, 16 additions
    int s = b.add(m, m);
    // relu(2m − 9) is one lookup on m (8 PBS): the addition is absorbed by fusing.
    int r = b.unary(UnaryFn.Simple.RELU, b.sub(s, b.constant(Tensor.Ints.scalar(9))));
    CompiledCircuit cc =
        Fhec.compile(
            b.output(r).build(),
            CompileOptions.defaults(),
            List.of(),
            dev.fhec.runtime.params.ParameterSets.TOY_N256);
    CircuitStatistics.Counts t = cc.report().totals();
    assertEquals(8, t.bootstraps());
    assertEquals(8, t.keyswitches());
    assertEquals(24, t.clearMultiplications());
    assertEquals(16, t.encryptedAdditions());
    long perNode =
        cc.report().nodes().stream().mapToLong(CompilationReport.NodeRow::bootstraps).sum();
    assertEquals(8, perNode);
    // Column sums of w (rows 1 2 0 1 / 1 1 3 0 / 2 0 1 1) are 4, 3, 4, 2, so m ∈ [0, 7·4 = 28]
    // and relu(2m − 9) ∈ [0, 47]: 6 bits, the largest integer.
    assertEquals("Circuit compiled with 6 bit-width", cc.bitWidthLine());
    String json = new ObjectMapper().writeValueAsString(cc.report());
    JsonNode tree = new ObjectMapper().readTree(json);
    assertEquals(8, tree.get("totals").get("bootstraps").asLong());
    assertEquals(6, tree.get("maximumBitWidth").asInt());
    assertEquals("tlu", tree.get("nodes").get(cc.program().outputs().get(0)).get("op").asText());
  }
}
