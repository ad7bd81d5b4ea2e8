package dev.fhec.server;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.params.ParameterSets;
import java.util.List;
import java.util.Optional;

/** Small circuits compiled once with fixed TOY parameters, so server tests stay fast. */
final class TestCircuits {
  private TestCircuits() {}

  /** Σx² over x ∈ [-7, 7]^5: one 4-bit lookup per element and a sum. */
  static final Circuit SQUARES = compile("squares", 5);

  /** The same program over 3 elements: another circuit, another input shape. */
  static final Circuit SQUARES3 = compile("squares3", 3);

  private static Circuit compile(String name, int n) {
    String json =
        """
        {"name": "%s", "inputs": [{"name": "x", "shape": [%d], "dtype": "int",
          "encrypted": true, "range": [-7, 7]}],
         "nodes": [{"name": "p", "op": "power", "inputs": ["x"], "exponent": 2},
                   {"name": "q", "op": "astype", "inputs": ["p"], "dtype": "int"},
                   {"name": "s", "op": "sum", "inputs": ["q"]}],
         "outputs": ["s"]}
        """
            .formatted(name, n);
    return Fhec.compile(
            JsonGraphFrontend.parse(json, name + ".json", Optional.empty()),
            CompileOptions.defaults(),
            List.of(),
            ParameterSets.TOY_N2048)
        .circuit();
  }

  static List<long[]> simulate(Circuit c, List<long[]> inputs) {
    return ClearSimulator.run(c, inputs, ClearSimulator.Options.exact()).outputs();
  }
}
