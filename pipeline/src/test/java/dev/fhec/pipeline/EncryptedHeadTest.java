package dev.fhec.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.runtime.params.ParameterSets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The encrypted path of the pipeline end to end on a small slice of the real head 0 (its first 8
 * input channels and 4 columns, 4 tokens of the calibration sentences) with TOY parameters: keys,
 * encryption, the server's run and decryption through {@link EncryptedHead} give exactly the
 * simulated outputs when the plan rounds exactly.
 *
 * <p>Why exact: with approximate rounding the lookup reads the rounded bits through the bootstrap's
 * modulus switch, so an accumulator on a tie (≡ 2^(l−1) mod 2^l) rounds either way while the
 * simulator rounds it up. On this slice, "x3 w3 … acc4 sacc4" had 16 of 160 outputs differ over 8
 * sentences, each a column of e·V off by e·1 from one V accumulator on a tie (bench/RESULTS.md,
 * "#15 MiniLM (session 2026-12-05b)"); the same plan with exact rounding has none.
 */
class EncryptedHeadTest {
  private static final int CHANNELS = 8;
  private static final int COLUMNS = 4;
  private static final int TOKENS = 4;

  @Test
  void exactPlanDecryptsToTheSimulatedOutputs() throws Exception {
    MinilmArtifacts a = Artifacts.require();
    PerNodeHead.Weights w = slice(PerNodeHead.Weights.of(a));
    List<float[]> calibration = sliceInputs(PerNodeHead.calibration(a).subList(0, 16));
    HeadPlan plan = HeadPlan.parse("x3 w3 qk3 v3 s3 e3 acc4 sacc4 exact");
    PerNodeHead head = new PerNodeHead(plan, w, calibration, TOKENS);
    HeadCircuit circuit =
        HeadCircuit.compile(
            head, calibration, CompileOptions.defaults(), Optional.of(ParameterSets.TOY_N2048));
    assertFalse(circuit.approximate());
    EncryptedHead enc = new EncryptedHead(circuit);
    for (int s = 0; s < 8; s++) {
      long[] q = circuit.encode(calibration.get(s));
      HeadCircuit.Simulated sim = circuit.simulate(q);
      assertFalse(sim.overflowed(), "sentence " + s);
      // the simulation is the plan's integer math
      PerNodeHead.Trace t = head.evaluate(q);
      assertEquals("", PipelineMain.differences(List.of(t.num(), t.den()), sim.outputs()));
      EncryptedHead.Run run = enc.run(q);
      assertEquals("", PipelineMain.differences(sim.outputs(), run.outputs()), "sentence " + s);
    }
  }

  @Test
  void approximateRoundingIsFlagged() throws Exception {
    MinilmArtifacts a = Artifacts.require();
    PerNodeHead.Weights w = slice(PerNodeHead.Weights.of(a));
    List<float[]> calibration = sliceInputs(PerNodeHead.calibration(a).subList(0, 16));
    HeadPlan plan = HeadPlan.parse("x3 w3 qk3 v3 s3 e3 acc4 sacc4");
    assertTrue(plan.approximate());
    assertFalse(plan.withExactRounding(true).approximate());
    HeadCircuit circuit =
        HeadCircuit.compile(
            new PerNodeHead(plan, w, calibration, TOKENS),
            calibration,
            CompileOptions.defaults(),
            Optional.of(ParameterSets.TOY_N2048));
    assertTrue(circuit.approximate());
  }

  @Test
  void differencesArePerOutput() {
    assertEquals(
        "output 1: 2 of 3 differ, max |Δ| 4",
        PipelineMain.differences(
            List.of(new long[] {1, 2}, new long[] {0, 5, 6}),
            List.of(new long[] {1, 2}, new long[] {1, 5, 2})));
    assertEquals("", PipelineMain.differences(List.of(new long[] {7}), List.of(new long[] {7})));
  }

  /** Head 0's first CHANNELS input channels and COLUMNS columns of Q, K and V. */
  private static PerNodeHead.Weights slice(PerNodeHead.Weights w) {
    double[][] m = new double[3][CHANNELS * COLUMNS];
    double[][] b = new double[3][COLUMNS];
    for (int p = 0; p < 3; p++) {
      for (int c = 0; c < CHANNELS; c++) {
        for (int j = 0; j < COLUMNS; j++) {
          m[p][c * COLUMNS + j] = w.w()[p][c * w.d() + j];
        }
      }
      System.arraycopy(w.b()[p], 0, b[p], 0, COLUMNS);
    }
    return new PerNodeHead.Weights(m, b, CHANNELS, COLUMNS);
  }

  /** The first TOKENS tokens' first CHANNELS channels of each sentence. */
  private static List<float[]> sliceInputs(List<float[]> xs) {
    int hidden = FloatParts.HIDDEN;
    List<float[]> out = new ArrayList<>();
    for (float[] x : xs) {
      float[] t = new float[TOKENS * CHANNELS];
      for (int i = 0; i < TOKENS; i++) {
        System.arraycopy(x, i * hidden, t, i * CHANNELS, CHANNELS);
      }
      out.add(t);
    }
    return out;
  }
}
