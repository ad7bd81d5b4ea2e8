package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.report.FileSizes;
import dev.fhec.compiler.report.KeySizes;
import dev.fhec.compiler.stats.CircuitStatistics;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ValueInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every figure the CLI prints (compile summary, {@code compile --json}, {@code inspect}, {@code
 * inspect --json}) is the one its source computes from the bundle's circuit: counts from {@link
 * CircuitStatistics#total}, key and file sizes from {@link KeySizes} (issue 16). The slow test
 * checks the on-disk sizes against the files keygen and encrypt write for the tiny head.
 */
class ReportFiguresTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private String run(String... args) {
    CommandLine cl = FhecCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    assertEquals(0, code, String.join(" ", args) + "\n" + err);
    return out.toString();
  }

  private Path resource(String name) throws Exception {
    Path p = tmp.resolve(name);
    try (var in = getClass().getResourceAsStream("/models/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  @Test
  void compileAndInspectPrintTheOneSourcesFigures() throws Exception {
    Path model = resource("sq.ir");
    resource("sq.inputset.npz");
    Path b = tmp.resolve("sq.fhec");
    String compiled = run("compile", model.toString(), "-o", b.toString());
    Circuit c = Bundle.read(b).circuit();
    CircuitStatistics.Counts t = CircuitStatistics.total(c);
    KeySizes k = KeySizes.of(c.plan());
    List<ValueInfo> inputs = c.inputs().stream().map(c::value).toList();
    long inMemory = 0;
    for (ValueInfo v : inputs) {
      inMemory += CircuitStatistics.valueBytes(c.plan(), v);
    }
    long inFile = FileSizes.ciphertexts(c.plan(), inputs, true);

    List<String> expectedLines =
        List.of(
            String.format(Locale.ROOT, "  %-12s %,d", "PBS / run", t.bootstraps()),
            String.format(
                Locale.ROOT,
                "  %-12s %s in memory, %s file on disk",
                "client key",
                KeySizes.human(k.secretKeys()),
                KeySizes.human(k.clientKeyFile())),
            String.format(
                Locale.ROOT,
                "  %-12s %s expanded in memory, %s seeded file on disk",
                "eval keys",
                KeySizes.human(k.evaluationKeys()),
                KeySizes.human(k.evaluationKeysFile())),
            String.format(
                Locale.ROOT,
                "  %-12s %s expanded in memory, %s seeded file on disk",
                "inputs",
                KeySizes.human(inMemory),
                KeySizes.human(inFile)));
    String inspected = run("inspect", b.toString());
    for (String line : expectedLines) {
      assertTrue(compiled.contains(line + "\n"), "compile lacks [" + line + "]:\n" + compiled);
      assertTrue(inspected.contains(line + "\n"), "inspect lacks [" + line + "]:\n" + inspected);
    }

    JsonNode report = JSON.readTree(run("inspect", "--json", b.toString()));
    assertFigures(report.get("keySizes"), report.get("statistics"), c, t, k, inMemory, inFile);
    assertEquals(t.bootstraps(), report.get("pbsCount").asLong());
    JsonNode summary = JSON.readTree(run("compile", "--json", model.toString(), "-o", b + "2"));
    assertFigures(summary.get("keySizes"), summary.get("statistics"), c, t, k, inMemory, inFile);
    assertEquals(t.bootstraps(), summary.get("pbsCount").asLong());
    // The op names of the node table are the report's spelling (OpKinds), one per IR op.
    for (JsonNode n : report.get("nodes")) {
      assertTrue(n.get("op").asText().matches("[a-z_]+"), n.toString());
    }
  }

  private static void assertFigures(
      JsonNode keys,
      JsonNode stats,
      Circuit c,
      CircuitStatistics.Counts t,
      KeySizes k,
      long inMemory,
      long inFile) {
    assertEquals(k.secretKeys(), keys.get("secretKeys").asLong());
    assertEquals(k.bootstrapKey(), keys.get("bootstrapKey").asLong());
    assertEquals(k.keyswitchKey(), keys.get("keyswitchKey").asLong());
    assertEquals(k.bootstrapKeySeeded(), keys.get("bootstrapKeySeeded").asLong());
    assertEquals(k.keyswitchKeySeeded(), keys.get("keyswitchKeySeeded").asLong());
    assertEquals(k.clientKeyFile(), keys.get("clientKeyFile").asLong());
    assertEquals(k.evaluationKeysFile(), keys.get("evaluationKeysFile").asLong());
    assertEquals(t.bootstraps(), stats.get("programmableBootstrapCount").asLong());
    assertEquals(t.keyswitches(), stats.get("keySwitchCount").asLong());
    assertEquals(t.encryptedAdditions(), stats.get("encryptedAdditionCount").asLong());
    assertEquals(t.clearAdditions(), stats.get("clearAdditionCount").asLong());
    assertEquals(t.clearMultiplications(), stats.get("clearMultiplicationCount").asLong());
    assertEquals(t.encryptedNegations(), stats.get("encryptedNegationCount").asLong());
    assertEquals(inMemory, stats.get("sizeOfInputs").asLong());
    assertEquals(inFile, stats.get("sizeOfInputsFile").asLong());
    assertEquals(c.pbsCount(), t.bootstraps());
  }

  /** Real 128-bit keys for the tiny head: the reported on-disk sizes are the files' sizes. */
  @Test
  @Tag("slow")
  void reportedOnDiskSizesAreTheFilesKeygenAndEncryptWrite() throws Exception {
    Path sample = Path.of("..", "samples", "gpt2-head-tiny");
    Path b = tmp.resolve("head.fhec");
    run("compile", sample.resolve("model.json").toString(), "-o", b.toString());
    JsonNode report = JSON.readTree(run("inspect", "--json", b.toString()));
    Path keys = tmp.resolve("keys");
    String keygen = run("keygen", b.toString(), "-o", keys.toString());
    Path ct = tmp.resolve("in.ct");
    run(
        "encrypt",
        "--bundle",
        b.toString(),
        "--keys",
        keys.toString(),
        sample.resolve("vectors.npz").toString(),
        "--sample",
        "0",
        "-o",
        ct.toString());
    long client = Files.size(keys.resolve("client.key"));
    long eval = Files.size(keys.resolve("eval.keys"));
    assertEquals(client, report.get("keySizes").get("clientKeyFile").asLong());
    assertEquals(eval, report.get("keySizes").get("evaluationKeysFile").asLong());
    assertEquals(Files.size(ct), report.get("statistics").get("sizeOfInputsFile").asLong());
    assertTrue(keygen.contains(KeySizes.human(client) + " on disk"), keygen);
    assertTrue(keygen.contains(KeySizes.human(eval) + " seeded on disk"), keygen);
  }
}
