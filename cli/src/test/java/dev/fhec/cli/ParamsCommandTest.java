package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.runtime.params.CostModel;
import dev.fhec.runtime.params.NoiseModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ParamsCommandTest {
  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    CommandLine cl = FhecCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void jsonGivesConcretesFourBitRow() throws Exception {
    // compiler.md §8.7, p = 4, ν = 1 at κ = 4: k = 2, N = 2^10, n = 801, BR 2^23×1, KS 2^4×3.
    Result r =
        run("params", "--precision", "4", "--norm2", "1", "--p-error", "6.3342e-5", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(801, j.get("lwe_dimension").asInt());
    assertEquals(2, j.get("glwe_dimension").asInt());
    assertEquals(1024, j.get("polynomial_size").asInt());
    assertEquals(23, j.get("pbs_base_log").asInt());
    assertEquals(1, j.get("pbs_level").asInt());
    assertEquals(4, j.get("ks_base_log").asInt());
    assertEquals(3, j.get("ks_level").asInt());
    assertEquals("OPT_p4_nu1", j.get("name").asText());
    // The reported figures, recomputed from the reported parameters.
    long complexity = CostModel.keyswitch(2048, 801, 3) + CostModel.bootstrap(801, 2, 1024, 1);
    assertEquals(complexity, j.get("complexity").asDouble(), 0.5);
    double lwe = j.get("lwe_noise_std").asDouble();
    double glwe = j.get("glwe_noise_std").asDouble();
    // The keyswitch runs on 32 bits (2^4 x 3 = 12 bits fit; its extra noise keeps the target).
    assertEquals(32, j.get("ks_bits").asInt());
    double v =
        NoiseModel.blindRotation(801, 2, 1024, 23, 1, glwe * glwe)
            + NoiseModel.keyswitch32(2048, 801, 4, 3, lwe * lwe)
            + NoiseModel.modulusSwitch32(801, 1024);
    double p = NoiseModel.errorProbability(4, v);
    assertEquals(p, j.get("p_error").asDouble(), 1e-9 * p);
    assertTrue(p <= 6.3342e-5);
  }

  @Test
  void textOutputNamesTheSetAndTheReason() {
    Result r = run("params", "--precision", "6", "--norm2", "2^10");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("parameters   OPT_p6_nu1024"), r.out());
    assertTrue(r.out().contains("Binding: global p_error"), r.out());
    assertTrue(r.out().contains("Runner-up:"), r.out());
  }

  @Test
  void impossibleRequestIsAUserErrorWithAHint() {
    Result r = run("params", "--precision", "12", "--norm2", "2^20", "--p-error", "1e-5");
    assertEquals(FhecCommand.USER_ERROR, r.code());
    String[] lines = r.err().strip().split("\n");
    assertEquals(2, lines.length, r.err());
    assertTrue(
        lines[0].startsWith("fhec params: no 128-bit secure parameters for 12-bit"), lines[0]);
    assertTrue(lines[1].startsWith("hint: round lookup inputs to "), lines[1]);
    assertEquals("", r.out());
  }

  @Test
  void badArgumentsAreUserErrors() {
    assertEquals(FhecCommand.USER_ERROR, run("params", "--precision", "0").code());
    assertEquals(FhecCommand.USER_ERROR, run("params", "--precision", "4", "--norm2", "x").code());
    Result both =
        run("params", "--precision", "4", "--p-error", "1e-5", "--global-p-error", "1e-5");
    assertEquals(FhecCommand.USER_ERROR, both.code());
    assertTrue(both.err().contains("not both"), both.err());
    assertEquals(FhecCommand.USER_ERROR, run("params").code());
  }
}
