package dev.fhec.compiler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.report.InspectionReport.PbsShare;
import dev.fhec.compiler.report.InspectionReport.PrecisionBin;
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

  @Test
  void newerReportFormatIsRejectedWithBothVersions() {
    String json =
        ReportJson.write(small()).replace("\"formatVersion\" : 1", "\"formatVersion\" : 9");
    Exception e =
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> ReportJson.read(json));
    assertTrue(e.getMessage().contains("9") && e.getMessage().contains("1"), e.getMessage());
    assertFalse(e.getMessage().isEmpty());
  }
}
