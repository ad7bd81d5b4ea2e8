package dev.fhec.compiler.optimizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.ir.Program;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A lookup too wide for any secure parameters is named with its node and source (issue 16). */
class NoParametersLocationTest {
  private static final String WIDE =
      """
      {"name": "wide", "inputs": [{"name": "x", "shape": [4], "dtype": "int",
        "encrypted": true, "range": [-32000, 32000]}],
       "nodes": [{"name": "r", "op": "relu", "inputs": ["x"]}],
       "outputs": ["r"]}
      """;

  @Test
  void theErrorNamesTheLookupNodesAndWhereTheyCameFrom() {
    Program p = JsonGraphFrontend.parse(WIDE, "wide.json", Optional.empty());
    for (CompileOptions o :
        List.of(CompileOptions.defaults(), CompileOptions.defaults().withSingleParameter(true))) {
      NoParametersException e =
          assertThrows(NoParametersException.class, () -> Fhec.compile(p, o, List.of()));
      assertTrue(e.getMessage().contains("the lookups: %"), e.getMessage());
      assertTrue(e.getMessage().contains("wide.json#/nodes/0"), e.getMessage());
      assertTrue(e.largestPrecision().isPresent(), e.getMessage());
    }
  }
}
