package dev.fhec.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.passes.Pass.Property;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerifierTest {
  private static List<Diagnostic> verify(String ir, Set<Property> props) {
    return Verifier.verify(IrParser.parse(ir), props, 16);
  }

  @Test
  void validProgramHasNoDiagnostics() {
    String ir =
        """
        program p {
          %0 = input(0, "x")  # EncryptedInt<4>[3] ∈ [-8, 7]
          %1 = constant(i64[3] {1, 2, 3})  # ClearInt<4>[3] ∈ [1, 3]
          %2 = add(%0, %1)  # EncryptedInt<4>[3] ∈ [-7, 7]
          return %2
        }
        """;
    assertEquals(
        List.of(), verify(ir, Set.of(Property.FUSED, Property.BOUNDED, Property.WIDTHS_ASSIGNED)));
  }

  @Test
  void floatsAreRejectedOnlyAfterFusing() {
    String ir =
        """
        program p {
          %0 = input(0, "x")  # EncryptedInt[3]
          %1 = exp(%0)
          %2 = cast(%1, to=Int)
          return %2
        }
        """;
    assertEquals(List.of(), verify(ir, Set.of()));
    List<Diagnostic> ds = verify(ir, Set.of(Property.FUSED));
    assertEquals(1, ds.size());
    assertEquals(1, ds.get(0).node().getAsInt());
  }

  @Test
  void leveledOpsShareWidthsAndBoundsMustFit() {
    String ir =
        """
        program p {
          %0 = input(0, "x")  # EncryptedInt<4>[3]
          %1 = input(1, "y")  # EncryptedInt<5>[3]
          %2 = add(%0, %1)  # EncryptedInt<5>[3]
          %3 = neg(%1)  # EncryptedInt<5>[3] ∈ [-100, 0]
          %4 = mul(%0, %1)  # EncryptedInt<6>[3]
          return %2, %3, %4
        }
        """;
    List<Diagnostic> ds = verify(ir, Set.of(Property.WIDTHS_ASSIGNED));
    assertEquals(
        List.of(2, 3, 4), ds.stream().map(d -> d.node().getAsInt()).toList(), ds.toString());
    assertTrue(ds.get(0).message().contains("%0") && ds.get(0).message().contains("4"));
  }

  @Test
  void tableLookupInputAtMostTheLimit() {
    String ir =
        """
        program p {
          %0 = input(0, "x")  # EncryptedInt<17>[3]
          %1 = tlu(%0, fn="f") {  # EncryptedInt<3>[3]
            %0 = input(0, "e")  # ClearInt[]
            %1 = relu(%0)
            return %1
          }
          return %1
        }
        """;
    List<Diagnostic> ds = verify(ir, Set.of(Property.WIDTHS_ASSIGNED));
    assertEquals(1, ds.size(), ds.toString());
    assertTrue(ds.get(0).message().contains("17 bits"));
    assertEquals(
        List.of(), Verifier.verify(IrParser.parse(ir), Set.of(Property.WIDTHS_ASSIGNED), 17));
  }

  @Test
  void boundsRequiredAfterBoundsAnalysis() {
    String ir = "program p {\n %0 = input(0, \"x\") # EncryptedInt[3]\n return %0\n}";
    assertEquals(1, verify(ir, Set.of(Property.BOUNDED)).size());
  }
}
