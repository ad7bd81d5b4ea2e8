package dev.fhec.compiler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.compiler.lowering.PlanApplication;
import dev.fhec.compiler.report.InspectionReport.PbsShare;
import dev.fhec.compiler.report.InspectionReport.PrecisionBin;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InspectionReportTest {
  private static InspectionReport small() {
    return InspectionReport.of(
        ReportFixtures.small(),
        ReportFixtures.smallCircuit(),
        "small.fhe",
        ParameterChoice.fixed("given by the test"),
        Map.of(),
        Map.of(2, 3.5),
        List.of());
  }

  @Test
  void countsBootstrapsAndWidthsOfTheSmallProgram() {
    InspectionReport r = small();
    // One TLU over a 2x2 tensor: four bootstraps, all attributed to the tlu node %3.
    assertEquals(4, r.pbsCount());
    assertEquals(4, r.nodes().get(3).pbs());
    assertEquals(List.of(new PbsShare("tlu", 1, 4)), r.pbsByOp());
    assertEquals(7, r.maxBitWidth());
    // Widths: %1 and %4 are 3, %0 and %3 are 4, %5 is 5, %2 is 7.
    assertEquals(
        List.of(
            new PrecisionBin(3, 2, 6 + 4, 0),
            new PrecisionBin(4, 2, 6 + 4, 6 + 4),
            new PrecisionBin(5, 1, 4, 4),
            new PrecisionBin(7, 1, 4, 4)),
        r.precision());
    assertEquals(3.5, r.nodes().get(2).norm2());
    assertNull(r.nodes().get(0).norm2());
    assertEquals("small.fhe:3:5", r.nodes().get(3).location());
    assertEquals(List.of(0, 1), r.nodes().get(2).operands());
  }

  @Test
  void statisticsCountEveryElementOperation() {
    Statistics s = small().statistics();
    assertEquals(4, s.programmableBootstrapCount());
    assertEquals(4, s.keySwitchCount());
    // [2,3] @ [3,2]: 4 outputs of 3 products and 2 additions each; then 4 clear additions.
    assertEquals(12, s.clearMultiplicationCount());
    assertEquals(8, s.encryptedAdditionCount());
    assertEquals(4, s.clearAdditionCount());
    assertEquals(0, s.encryptedNegationCount());
    // 6 input ciphertexts and 4 outputs of k·N + 1 = 2049 torus elements.
    assertEquals(6L * 2049 * 8, s.sizeOfInputs());
    assertEquals(4L * 2049 * 8, s.sizeOfOutputs());
  }

  @Test
  void bootstrapKeySizeMatchesConcretesPlainFormula() {
    // compiler.md §11: n=781, k=1, N=2048, ℓ=1 gives 51,183,616 B by n·(k+1)²·ℓ·N·8.
    KeySizes k = KeySizes.of(ReportFixtures.docsParameters());
    assertEquals(51_183_616L, k.bootstrapKey());
    assertEquals(2048L * 5 * 782 * 8, k.keyswitchKey());
    assertEquals((781L + 2048) * 8, k.secretKeys());
    assertTrue(k.bootstrapKeySeeded() < k.bootstrapKey() / 1.9);
    assertEquals("51.2 MB", KeySizes.human(k.bootstrapKey()));
  }

  @Test
  void securityCheckFollowsTheCurve() {
    InspectionReport.Parameters p = small().parameters();
    assertTrue(p.secure());
    assertEquals(781, p.security().get(0).dimension());
    assertEquals(2048, p.security().get(1).dimension());
    assertEquals(
        -0.025696778711484593 * 781 + 2.675931372549016,
        p.security().get(0).requiredLog2Std(),
        1e-12);
  }

  @Test
  void bootstrapsNoNodeAccountsForAreListedAsLowering() {
    InspectionReport r =
        InspectionReport.of(
            ReportFixtures.attentionLike(),
            ReportFixtures.attentionLikeCircuit(),
            "",
            ParameterChoice.fixed("test"),
            Map.of(),
            Map.of(),
            List.of());
    long tlus = 3 * 6 * 16 + 6 * 6 + 6 + 6 * 16;
    long lowering = 2L * 6 * 6 * 16 + 2 * 6 * 16;
    assertEquals(tlus + lowering, r.pbsCount());
    assertEquals(new PbsShare(InspectionReport.LOWERING, 0, lowering), r.pbsByOp().get(0));
    assertEquals(new PbsShare("tlu", 6, tlus), r.pbsByOp().get(1));
    assertEquals(r.pbsCount(), r.pbsByOp().stream().mapToLong(PbsShare::pbs).sum());
  }

  @Test
  void jsonRoundTripKeepsEveryField() throws Exception {
    InspectionReport r = small();
    String json = ReportJson.write(r);
    assertEquals(r, ReportJson.read(json));
    assertTrue(json.contains("\"programmableBootstrapCount\" : 4"), json);
  }

  /** {@link ReportFixtures#smallCircuit} with its lookup and the last add in partition 1. */
  private static InspectionReport twoPartitions() {
    ParameterSet p1 = ParameterSets.TOY_N512;
    Circuit c =
        PlanApplication.apply(
                LoweredCircuit.of(ReportFixtures.smallCircuit()),
                List.of(ReportFixtures.docsParameters(), p1),
                new int[] {0, 0, 1, 1},
                List.of(
                    new KeyswitchSpec(
                        0, 1, KeyswitchSpec.Kind.BIG_TO_SMALL, new Decomposition(3, 5))))
            .circuit();
    return InspectionReport.of(
        ReportFixtures.small(),
        c,
        "small.fhe",
        ParameterChoice.fixed("given by the test"),
        Map.of(),
        Map.of(),
        List.of(),
        Map.of(3, 1, 5, 1));
  }

  @Test
  void eachPartitionShowsItsLookupsKeysAndKeyswitches() throws Exception {
    InspectionReport r = twoPartitions();
    assertEquals(2, r.partitions().size());
    assertEquals(0, r.partitions().get(0).pbs());
    assertEquals(4, r.partitions().get(1).pbs());
    assertEquals(1, r.partitions().get(1).lookups());
    assertEquals("TOY_N512", r.partitions().get(1).parameters().name());
    assertEquals(
        KeySizes.of(ParameterSets.TOY_N512).bootstrapKey(),
        r.partitions().get(1).keySizes().bootstrapKey());
    InspectionReport.KeyswitchRow ks = r.keyswitches().get(0);
    assertEquals(List.of(0, 1, 4L), List.of(ks.from(), ks.to(), ks.perRun()));
    // 2048·1 inputs × 5 levels × (n1 + 1) outputs × 8 bytes.
    long bytes = 2048L * 5 * (ParameterSets.TOY_N512.n() + 1) * 8;
    assertEquals(bytes, ks.bytes());
    assertEquals(
        KeySizes.of(ReportFixtures.docsParameters()).bootstrapKey()
            + KeySizes.of(ParameterSets.TOY_N512).bootstrapKey()
            + bytes,
        r.keySizes().evaluationKeys());
    assertEquals(1, r.nodes().get(3).partition());
    assertEquals(r, ReportJson.read(ReportJson.write(r)));
    String html = HtmlReport.render(r);
    assertTrue(html.contains("<h2>Partitions</h2>"), html);
    assertTrue(html.contains("fill=\"" + HtmlReport.partitionColour(1) + "\""), html);
    assertTrue(html.contains("partition 1 TOY_N512"), html);
  }

  @Test
  void newerReportFormatIsRejectedWithBothVersions() {
    String json =
        ReportJson.write(small())
            .replace(
                "\"formatVersion\" : " + InspectionReport.FORMAT_VERSION, "\"formatVersion\" : 9");
    Exception e =
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> ReportJson.read(json));
    assertTrue(
        e.getMessage().contains("9")
            && e.getMessage().contains(Integer.toString(InspectionReport.FORMAT_VERSION)),
        e.getMessage());
    assertFalse(e.getMessage().isEmpty());
  }
}
