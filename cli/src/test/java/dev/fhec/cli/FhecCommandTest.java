package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.ir.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FhecCommandTest {
  record Result(int code, String out, String err) {}

  @TempDir Path tmp;
  final FakeEngine engine = new FakeEngine();

  Result run(String... args) {
    CommandLine cl = FhecCommand.newCommandLine(engine);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  Path model() throws Exception {
    Path m = tmp.resolve("model.json");
    Files.writeString(m, "{\"nodes\": []}");
    return m;
  }

  Path compile(String bundle) throws Exception {
    Result r = run("compile", model().toString(), "-o", tmp.resolve(bundle).toString());
    assertEquals(0, r.code(), r.err());
    return tmp.resolve(bundle);
  }

  static void assertUserError(Result r, String expected) {
    assertEquals(FhecCommand.USER_ERROR, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertTrue(r.err().contains("hint:"), r.err());
    assertFalse(r.err().contains("\tat "), "user errors print no stack trace: " + r.err());
  }

  @Test
  void helpListsUsage() {
    Result r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("Usage: fhec"), r.out());
  }

  @Test
  void everySubcommandHasHelpWithAnExample() {
    CommandLine cl = FhecCommand.newCommandLine(engine);
    for (String name : cl.getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      Result r = run(name, "--help");
      assertEquals(0, r.code(), name);
      assertTrue(r.out().contains("Usage: fhec " + name), r.out());
      assertTrue(r.out().contains("Example"), name + " --help has no example");
    }
  }

  @Test
  void versionNamesTheJvm() {
    Result r = run("--version");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("fhec "), r.out());
    assertTrue(r.out().contains("JVM:"), r.out());
  }

  @Test
  void unknownOptionIsAUserError() {
    assertUserError(run("--no-such-option"), "--no-such-option");
  }

  @Test
  void compileWritesADirectoryBundleAndPrintsTheBitWidth() throws Exception {
    Result r = run("compile", model().toString(), "-o", tmp.resolve("b").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Circuit compiled with 4 bit-width"), r.out());
    assertTrue(r.out().contains("PBS / run    3"), r.out());
    for (String f : List.of("manifest.json", "circuit.json", "program.ir", "report.json")) {
      assertTrue(Files.isRegularFile(tmp.resolve("b").resolve(f)), f);
    }
  }

  @Test
  void zipBundleRoundTripsTheCircuit() throws Exception {
    Path zip = compile("b.zip");
    assertTrue(Files.isRegularFile(zip));
    Bundle b = Bundle.read(zip);
    Bundle d = Bundle.read(compile("dir"));
    assertEquals(
        Io.JSON.writeValueAsString(d.circuit().instructions()),
        Io.JSON.writeValueAsString(b.circuit().instructions()));
    assertEquals(2, b.circuit().instructions().size());
    assertArrayEquals(
        new int[] {0},
        ((dev.fhec.runtime.circuit.Instruction.Tlu) b.circuit().instructions().get(1)).tables());
    assertEquals(d.circuit().tables(), b.circuit().tables());
    assertEquals(FakeEngine.parameters(), b.circuit().parameters());
    assertEquals(List.of("x"), b.manifest().inputs());
    assertEquals(3, b.circuit().pbsCount());
  }

  @Test
  void compileOfAMissingModelIsAUserError() {
    assertUserError(run("compile", tmp.resolve("nope.json").toString(), "-o", "x"), "no model at");
  }

  @Test
  void compileOfAnUnknownExtensionNamesIt() throws Exception {
    Path m = tmp.resolve("model.txt");
    Files.writeString(m, "x");
    assertUserError(run("compile", m.toString(), "-o", tmp.resolve("b").toString()), "'.txt'");
  }

  @Test
  void aBrokenModelFailsWithTheLocatedMessage() throws Exception {
    Path m = tmp.resolve("broken.json");
    Files.writeString(m, "BROKEN");
    Result r = run("compile", m.toString(), "-o", tmp.resolve("b").toString());
    assertUserError(r, m + "#/nodes/3/op: error: unknown op 'softmax'");
  }

  @Test
  void bothErrorTargetsAtOnceAreRejected() throws Exception {
    Result r =
        run(
            "compile",
            model().toString(),
            "--p-error",
            "1e-6",
            "--global-p-error",
            "1e-5",
            "-o",
            "b");
    assertUserError(r, "mutually exclusive");
  }

  @Test
  void anOutOfRangeErrorTargetIsAUserError() throws Exception {
    assertUserError(
        run(
            "compile",
            model().toString(),
            "--global-p-error",
            "2",
            "-o",
            tmp.resolve("b").toString()),
        "global p_error must be in (0, 1)");
  }

  @Test
  void anEngineBugIsAnInternalErrorWithATrace() throws Exception {
    engine.failWith = new IllegalStateException("boom");
    Result r = run("compile", model().toString(), "-o", tmp.resolve("b").toString());
    assertEquals(FhecCommand.INTERNAL_ERROR, r.code());
    assertTrue(r.err().contains("internal error: java.lang.IllegalStateException: boom"), r.err());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @Test
  void clientServerRoundTripComputesTheTable() throws Exception {
    Path b = compile("b");
    Path keys = tmp.resolve("keys");
    Result k = run("keygen", b.toString(), "-o", keys.toString());
    assertEquals(0, k.code(), k.err());
    assertTrue(Files.isRegularFile(keys.resolve("client.key")));
    assertTrue(Files.isRegularFile(keys.resolve("eval.keys")));
    Path input = tmp.resolve("in.json");
    Files.writeString(input, "{\"x\": [1, 7, 15]}");
    Path ct = tmp.resolve("in.ct");
    Result e =
        run(
            "encrypt",
            "--bundle",
            b.toString(),
            "--keys",
            keys.toString(),
            input.toString(),
            "-o",
            ct.toString());
    assertEquals(0, e.code(), e.err());
    Path outCt = tmp.resolve("out.ct");
    Result x =
        run(
            "run",
            "--bundle",
            b.toString(),
            "--eval-keys",
            keys.resolve("eval.keys").toString(),
            ct.toString(),
            "-o",
            outCt.toString());
    assertEquals(0, x.code(), x.err());
    Path result = tmp.resolve("result.npy");
    Result d = run("decrypt", "--keys", keys.toString(), outCt.toString(), "-o", result.toString());
    assertEquals(0, d.code(), d.err());
    Tensor y = TensorFiles.read(result).get("result");
    // 3·x mod 16 for x = 1, 7, 15
    assertArrayEquals(new long[] {3, 5, 13}, ((Tensor.Ints) y).data());
    assertArrayEquals(new int[] {3}, y.shape());

    // With --bundle, a key directory that only holds the client key is enough.
    Path bare = Files.createDirectories(tmp.resolve("bare-keys"));
    Files.copy(keys.resolve("client.key"), bare.resolve("client.key"));
    Path again = tmp.resolve("again.npy");
    Result d2 =
        run(
            "decrypt",
            "--keys",
            bare.toString(),
            "--bundle",
            b.toString(),
            outCt.toString(),
            "-o",
            again.toString());
    assertEquals(0, d2.code(), d2.err());
    assertArrayEquals(
        new long[] {3, 5, 13}, ((Tensor.Ints) TensorFiles.read(again).get("again")).data());
  }

  @Test
  void aKeyDirectoryOfAnOlderFormatAsksToRegenerate() throws Exception {
    Path b = compile("b");
    Path keys = tmp.resolve("keys");
    assertEquals(0, run("keygen", b.toString(), "-o", keys.toString()).code());
    Path copy = keys.resolve("circuit.json");
    Files.writeString(
        copy,
        Files.readString(copy).replaceFirst("\"formatVersion\" : 2", "\"formatVersion\" : 1"));
    Files.writeString(tmp.resolve("out.ct"), "x");
    assertUserError(
        run(
            "decrypt",
            "--keys",
            keys.toString(),
            tmp.resolve("out.ct").toString(),
            "-o",
            tmp.resolve("y.npy").toString()),
        "circuit format 1");
  }

  @Test
  void simulateWritesJsonByOutputName() throws Exception {
    Path b = compile("b");
    Path input = tmp.resolve("in.npy");
    TensorFiles.write(input, Map.of("x", new Tensor.Ints(new int[] {3}, new long[] {0, 5, 6})));
    Path out = tmp.resolve("sim.json");
    Result r = run("simulate", "--bundle", b.toString(), input.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(out.toFile());
    assertEquals("[0,15,2]", j.get("y").toString());
  }

  @Test
  void sampleOptionTakesOneVectorOfAStack() throws Exception {
    Path b = compile("b");
    Path input = tmp.resolve("stack.npz");
    TensorFiles.write(
        input, Map.of("x", new Tensor.Ints(new int[] {2, 3}, new long[] {1, 2, 3, 4, 5, 6})));
    Path out = tmp.resolve("sim.json");
    Result r =
        run(
            "simulate",
            "--bundle",
            b.toString(),
            input.toString(),
            "--sample",
            "1",
            "-o",
            out.toString());
    assertEquals(0, r.code(), r.err());
    // 3·x mod 16 for the second row x = 4, 5, 6
    assertEquals("[12,15,2]", new ObjectMapper().readTree(out.toFile()).get("y").toString());
  }

  @Test
  void inputsOutsideTheCompiledRangeAreNamed() throws Exception {
    Path b = compile("b");
    run("keygen", b.toString(), "-o", tmp.resolve("k").toString());
    Path input = tmp.resolve("in.json");
    Files.writeString(input, "{\"x\": [1, 16, 2]}");
    Result r =
        run(
            "encrypt",
            "--bundle",
            b.toString(),
            "--keys",
            tmp.resolve("k").toString(),
            input.toString(),
            "-o",
            tmp.resolve("c").toString());
    assertUserError(r, "input 'x' element 1 = 16 is outside the 4-bit unsigned range [0, 15]");
  }

  @Test
  void inputsOfTheWrongShapeAreNamed() throws Exception {
    Path b = compile("b");
    Path input = tmp.resolve("in.json");
    Files.writeString(input, "{\"x\": [[1, 2, 3]]}");
    assertUserError(
        run(
            "simulate",
            "--bundle",
            b.toString(),
            input.toString(),
            "-o",
            tmp.resolve("o.json").toString()),
        "input 'x' has shape [1, 3], the circuit expects [3]");
  }

  @Test
  void keysLargerThanTheHeapAreGeneratedToDiskButRefusedBeforeARun() throws Exception {
    // n=1064, k=1, N=2^16, 3 levels: a 6.7 GB bootstrapping key, more than the test JVM's heap.
    engine.parameters =
        new dev.fhec.runtime.params.ParameterSet(
            "BIG",
            new dev.fhec.runtime.params.LweDimension(1064),
            new dev.fhec.runtime.params.GlweDimension(1),
            new dev.fhec.runtime.params.PolynomialSize(65536),
            new dev.fhec.runtime.params.Decomposition(11, 3),
            new dev.fhec.runtime.params.Decomposition(3, 7),
            dev.fhec.runtime.params.SecurityCurve.minStd(1064),
            dev.fhec.runtime.params.SecurityCurve.minStd(65536));
    org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() < 7_000_000_000L);
    Path b = compile("b");
    // keygen writes each key as it makes it: the heap holds a batch of rows, not the key set.
    Result k = run("keygen", b.toString(), "-o", tmp.resolve("k").toString());
    assertEquals(0, k.code(), k.err());
    Path in = tmp.resolve("in.ct");
    Files.writeString(in, "not read: the heap check comes first");
    Path out = tmp.resolve("out.ct");
    Result r =
        run(
            "run",
            "--bundle",
            b.toString(),
            "--eval-keys",
            tmp.resolve("k").resolve("eval.keys").toString(),
            in.toString(),
            "-o",
            out.toString());
    assertUserError(r, "needs about");
    for (String e : List.of("running", "of evaluation keys and", "this JVM may use", "-Xmx")) {
      assertTrue(r.err().contains(e), e + " missing from " + r.err());
    }
    assertFalse(Files.exists(out));
  }

  @Test
  void keygenKeepsExistingKeysUnlessForced() throws Exception {
    Path b = compile("b");
    Path keys = tmp.resolve("keys");
    assertEquals(0, run("keygen", b.toString(), "-o", keys.toString()).code());
    String first = Files.readString(keys.resolve("client.key"));
    assertUserError(run("keygen", b.toString(), "-o", keys.toString()), "keys already exist");
    assertEquals(first, Files.readString(keys.resolve("client.key")));
    assertEquals(0, run("keygen", b.toString(), "-o", keys.toString(), "--force").code());
  }

  @Test
  void inspectPrintsJsonAndWritesHtml() throws Exception {
    Path b = compile("b");
    Result j = run("inspect", b.toString(), "--json");
    assertEquals(0, j.code(), j.err());
    JsonNode report = new ObjectMapper().readTree(j.out());
    assertEquals(3, report.get("pbsCount").asLong());
    assertEquals(4, report.get("maxBitWidth").asInt());
    Path html = tmp.resolve("r/report.html");
    Result h = run("inspect", b.toString(), "--html", html.toString());
    assertEquals(0, h.code(), h.err());
    String page = Files.readString(html);
    assertTrue(page.contains("<svg id=\"graph-svg\""));
    assertTrue(page.contains("id=\"node-table\""));
    Result t = run("inspect", b.toString());
    assertTrue(t.out().contains("Costliest nodes:"), t.out());
    assertTrue(t.out().contains("%1     tlu"), t.out());
  }

  @Test
  void inspectCircuitPrintsTheLoweredCircuitAsParseableText() throws Exception {
    Path b = compile("b");
    Result r = run("inspect", b.toString(), "--circuit");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("circuit \"fake\" format 2\n"), r.out());
    assertTrue(r.out().contains("%1 = tlu %0 tables=[t0] @0\n"), r.out());
    dev.fhec.runtime.circuit.Circuit parsed = dev.fhec.runtime.circuit.CircuitText.parse(r.out());
    assertArrayEquals(dev.fhec.compiler.bundle.Bundle.read(b).circuit().digest(), parsed.digest());
  }

  @Test
  void anEditedCircuitInABundleIsAUserError() throws Exception {
    Path b = compile("b");
    Path c = b.resolve("circuit.json");
    Files.writeString(c, Files.readString(c).replace("\"fake\"", "\"edited\""));
    assertUserError(run("inspect", b.toString()), "circuit.json does not match its checksum");
  }

  @Test
  void inspectOfAnIncompleteBundleNamesTheMissingFile() throws Exception {
    Path b = compile("b");
    Files.delete(b.resolve("circuit.json"));
    assertUserError(run("inspect", b.toString()), "circuit.json is missing");
  }

  @Test
  void benchComparesEveryRunWithTheSimulation() throws Exception {
    Path b = compile("b");
    Result r = run("bench", b.toString(), "--runs", "2", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(0, j.get("runsDifferingFromSimulation").asInt());
    assertEquals(3, j.get("pbsCount").asLong());
    assertTrue(j.get("seconds").has("keygen"));
  }

  @Test
  void completionScriptCoversTheSubcommands() {
    Result r = run("completion");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("complete -F"), "not a bash completion script");
    assertTrue(
        r.out().contains("keygen") && r.out().contains("--eval-keys"), "subcommands missing");
  }
}
