package dev.fhec.cli;

import static dev.fhec.cli.FhecCommandTest.assertUserError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.compiler.ir.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bounds policy through the commands, with the real compiler and simulator (no keys needed):
 * compile records and names the nodes relying on calibration, encrypt refuses inputs outside the
 * accepted range, simulate reports an overflow as a user error naming the node and its source, and
 * --overflow-rate counts overflows over a dataset.
 */
class BoundsCommandTest {
  @TempDir Path tmp;

  /** relu(x @ w) requantized, plus the accumulator: x ∈ [-4, 3] declared. */
  private static final String MODEL =
      """
      {"name": "linear", "inputs": [{"name": "x", "shape": [2, 4], "dtype": "int",
        "encrypted": true, "range": [-4, 3]}],
       "constants": [{"name": "w", "shape": [4, 3], "dtype": "int",
                      "data": [1, -2, 0, 3, 1, -1, 0, 2, 2, -1, -1, 1]}],
       "nodes": [{"name": "a", "op": "matmul", "inputs": ["x", "w"]},
                 {"name": "r", "op": "relu", "inputs": ["a"]},
                 {"name": "f", "op": "astype", "inputs": ["r"], "dtype": "float"},
                 {"name": "g", "op": "mul", "inputs": ["f", 0.37]},
                 {"name": "h", "op": "rint", "inputs": ["g"]},
                 {"name": "q", "op": "astype", "inputs": ["h"], "dtype": "int"},
                 {"name": "y", "op": "add", "inputs": ["q", "a"]}],
       "outputs": ["y"]}
      """;

  FhecCommandTest.Result run(String... args) {
    CommandLine cl = FhecCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new FhecCommandTest.Result(code, out.toString(), err.toString());
  }

  /** The model with an inputset of {@code samples} vectors in [-spread, spread]. */
  Path model(int spread) throws Exception {
    Path m = tmp.resolve("linear.json");
    Files.writeString(m, MODEL);
    Files.deleteIfExists(tmp.resolve("inputset.npz"));
    if (spread > 0) {
      TensorFiles.write(tmp.resolve("inputset.npz"), Map.of("x", samples(20, spread, 5)));
    }
    return m;
  }

  static Tensor.Ints samples(int n, int spread, long seed) {
    Random rnd = new Random(seed);
    long[] d = new long[n * 8];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.max(-4, Math.min(3, rnd.nextInt(2 * spread + 1) - spread));
    }
    return new Tensor.Ints(new int[] {n, 2, 4}, d);
  }

  Path compile(int spread, String... extra) throws Exception {
    Path b = tmp.resolve("b" + spread + extra.length);
    String[] args = new String[3 + extra.length + 1];
    args[0] = "compile";
    args[1] = model(spread).toString();
    System.arraycopy(extra, 0, args, 2, extra.length);
    args[2 + extra.length] = "-o";
    args[3 + extra.length] = b.toString();
    FhecCommandTest.Result r = run(args);
    assertEquals(0, r.code(), r.err());
    return b;
  }

  JsonNode manifest(Path bundle) throws Exception {
    return new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile());
  }

  @Test
  void compileWithoutAnInputsetIsSoundFromTheDeclaredRange() throws Exception {
    Path b = compile(0);
    JsonNode bounds = manifest(b).get("bounds");
    assertEquals("auto", bounds.get("policy").asText());
    assertEquals(0, bounds.get("calibrated").size());
    JsonNode x = bounds.get("inputs").get(0);
    assertEquals("x", x.get("name").asText());
    assertEquals(-4, x.get("min").asLong());
    assertEquals(3, x.get("max").asLong());
    assertTrue(x.get("declared").asBoolean());
  }

  @Test
  void calibratedBoundsAreNamedInTheWarningTheManifestAndTheReport() throws Exception {
    Path b = tmp.resolve("cal");
    FhecCommandTest.Result r =
        run(
            "compile",
            model(1).toString(),
            "--bounds",
            "calibrated",
            "--calibration-margin",
            "0.5",
            "-o",
            b.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("rely on calibration"), r.err());
    assertTrue(
        r.err().contains("(matmul at " + tmp.resolve("linear.json") + "#/nodes/0)"), r.err());
    JsonNode m = manifest(b);
    assertEquals("calibrated", m.get("bounds").get("policy").asText());
    assertEquals(0.5, m.get("bounds").get("calibrationMargin").asDouble());
    assertEquals("0.5", m.get("options").get("calibration-margin").asText());
    JsonNode first = m.get("bounds").get("calibrated").get(0);
    assertEquals("matmul", first.get("op").asText());
    assertTrue(
        first.get("soundMax").asLong() > first.get("calibratedMax").asLong(), first.toString());
    String report = Files.readString(b.resolve("report.json"));
    assertTrue(report.contains("rely on calibration"), report);
  }

  @Test
  void anUnknownBoundsPolicyIsAUserError() throws Exception {
    FhecCommandTest.Result r =
        run("compile", model(0).toString(), "--bounds", "loose", "-o", tmp.resolve("b").toString());
    assertUserError(r, "--bounds must be sound, calibrated or auto");
  }

  @Test
  void encryptRefusesInputsOutsideTheAcceptedRangeBeforeReadingKeys() throws Exception {
    Path b = compile(0);
    Path input = tmp.resolve("in.json");
    Files.writeString(input, "{\"x\": [[0, 1, 2, 3], [-4, -5, 0, 0]]}");
    FhecCommandTest.Result r =
        run(
            "encrypt",
            "--bundle",
            b.toString(),
            "--keys",
            tmp.resolve("no-keys").toString(),
            input.toString(),
            "-o",
            tmp.resolve("c").toString());
    assertUserError(r, "input 'x' element 5 = -5 is outside its allowed range [-4, 3]");
  }

  @Test
  void encryptRefusesAnInRangeInputThatWouldOverflowACalibratedNode() throws Exception {
    Path b = compile(1, "--bounds", "calibrated");
    Path input = tmp.resolve("in.json");
    // Inside the declared range [-4, 3], far outside what calibration saw.
    Files.writeString(input, "{\"x\": [[3, 3, 3, 3], [-4, -4, -4, -4]]}");
    FhecCommandTest.Result r =
        run(
            "encrypt",
            "--bundle",
            b.toString(),
            "--keys",
            tmp.resolve("no-keys").toString(),
            input.toString(),
            "-o",
            tmp.resolve("c").toString());
    assertUserError(r, "this input would overflow the circuit");
    assertTrue(r.err().contains("overflow at %"), r.err());
    assertFalse(Files.exists(tmp.resolve("c")));
  }

  @Test
  void simulateReportsAnOverflowAsAUserErrorNamingTheNodeAndItsSource() throws Exception {
    Path b = compile(1, "--bounds", "calibrated");
    Path input = tmp.resolve("in.json");
    Files.writeString(input, "{\"x\": [[3, 3, 3, 3], [-4, -4, -4, -4]]}");
    FhecCommandTest.Result r =
        run(
            "simulate",
            "--bundle",
            b.toString(),
            input.toString(),
            "-o",
            tmp.resolve("y.json").toString());
    assertUserError(r, "overflow at %");
    assertTrue(
        r.err().contains("(matmul at " + tmp.resolve("linear.json") + "#/nodes/0)"), r.err());
    assertTrue(r.err().contains("--calibration-margin"), r.err());
    assertFalse(Files.exists(tmp.resolve("y.json")));
    // The same input on the sound bundle simulates.
    Path sound = compile(1, "--bounds", "sound");
    r =
        run(
            "simulate",
            "--bundle",
            sound.toString(),
            input.toString(),
            "-o",
            tmp.resolve("y.json").toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void overflowRateCountsEverySampleAndNamesTheNodes() throws Exception {
    Path data = tmp.resolve("heldout.npz");
    TensorFiles.write(data, Map.of("x", samples(60, 4, 9)));
    Path cal = compile(1, "--bounds", "calibrated");
    FhecCommandTest.Result r =
        run("simulate", "--bundle", cal.toString(), data.toString(), "--overflow-rate");
    assertEquals(0, r.code(), r.err());
    Matcher m = Pattern.compile("(\\d+) of 60 samples overflowed").matcher(r.out());
    assertTrue(m.find(), r.out());
    int overflowed = Integer.parseInt(m.group(1));
    assertTrue(overflowed > 0 && overflowed <= 60, r.out());
    assertTrue(r.out().contains("matmul at "), r.out());
    // Only where overflows start: y = q + a overflows whenever a does, and is not listed.
    assertFalse(r.out().contains("add at "), r.out());
    Path sound = compile(1, "--bounds", "sound");
    r = run("simulate", "--bundle", sound.toString(), data.toString(), "--overflow-rate");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("0 of 60 samples overflowed (0.00%)"), r.out());
  }
}
