package dev.fhec.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.IrParser;
import dev.fhec.compiler.ir.IrPrinter;
import dev.fhec.compiler.ir.Program;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files per pass: {@code src/test/resources/passes/<pass-flag>/<case>.fhe} holds
 *
 * <pre>
 * // RUN: &lt;pass-flag&gt; [round-to=N] [exact-rounding] [max-tlu-width=N] [p-error=X] [global-p-error=X]
 * program p { ... }        (input IR; the pass's requires() are assumed established)
 * // EXPECT:
 * program p { ... }        (expected printed IR, or the expected diagnostic text)
 * </pre>
 *
 * Run with {@code -Dfhec.golden.update=true} to rewrite every EXPECT section with the actual output
 * (then review the diff).
 */
class GoldenFileTest {
  static final Path ROOT = Path.of("src/test/resources/passes");
  private static final String RUN = "// RUN:";
  private static final String EXPECT = "// EXPECT:";

  @TestFactory
  Stream<DynamicTest> goldenFiles() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(ROOT)) {
      files = walk.filter(f -> f.toString().endsWith(".fhe")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no golden files under " + ROOT.toAbsolutePath());
    return files.stream()
        .map(
            f -> DynamicTest.dynamicTest(ROOT.relativize(f).toString(), f.toUri(), () -> check(f)));
  }

  @Test
  void everyRegisteredPassHasAGoldenCase() {
    for (Pass p : Passes.all()) {
      Path dir = ROOT.resolve(p.name());
      assertTrue(
          Files.isRegularFile(dir.resolve("doctest.fhe")),
          "pass '" + p.name() + "' needs " + dir.resolve("doctest.fhe"));
    }
  }

  private static void check(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String firstLine = text.lines().findFirst().orElse("");
    assertTrue(firstLine.startsWith(RUN), file + ": first line must be '" + RUN + " <pass-flag>'");
    String[] run = firstLine.substring(RUN.length()).trim().split("\\s+");
    Pass pass =
        Passes.byName(run[0])
            .orElseThrow(
                () ->
                    new AssertionError(
                        file + ": unknown pass '" + run[0] + "'; known: " + Passes.names()));
    int cut = text.indexOf("\n" + EXPECT);
    assertTrue(cut >= 0, file + ": missing '" + EXPECT + "' line");
    String input = text.substring(0, cut + 1);
    String expected = text.substring(text.indexOf('\n', cut + 1) + 1);

    String actual;
    try {
      Program in = IrParser.parse(file.getFileName().toString(), input);
      PassContext ctx = new PassContext(options(file, run), List.of());
      PassManager pm = new PassManager(List.of(pass), PassManager.Options.defaults());
      Program out = pm.run(in, ctx, pass.requires()).program();
      actual = IrPrinter.print(out, IrPrinter.Options.GOLDEN);
      if (pass instanceof ComputeNorm2) {
        // An analysis pass: its result follows the (unchanged) program as comment lines.
        actual +=
            ComputeNorm2.analyze(out)
                .format()
                .lines()
                .map(l -> "// " + l + "\n")
                .reduce("", String::concat);
      }
    } catch (CompileException e) {
      actual = e.getMessage() + "\n";
    }
    if (Boolean.getBoolean("fhec.golden.update")) {
      if (!actual.equals(expected)) {
        Files.writeString(file, input + EXPECT + "\n" + actual, StandardCharsets.UTF_8);
      }
      return;
    }
    assertEquals(expected.strip(), actual.strip(), file.toString());
  }

  private static CompileOptions options(Path file, String[] run) {
    CompileOptions d = CompileOptions.defaults();
    OptionalDouble pError = d.pError();
    double global = d.globalPError();
    OptionalInt roundTo = d.roundTo();
    boolean exact = d.exactRounding();
    int maxTlu = d.maxTluWidth();
    boolean optimize = d.optimizeLookups();
    List<String> unknown = new ArrayList<>();
    for (int i = 1; i < run.length; i++) {
      String[] kv = run[i].split("=", 2);
      switch (kv[0]) {
        case "round-to" -> roundTo = OptionalInt.of(Integer.parseInt(kv[1]));
        case "exact-rounding" -> exact = true;
        case "max-tlu-width" -> maxTlu = Integer.parseInt(kv[1]);
        case "p-error" -> pError = OptionalDouble.of(Double.parseDouble(kv[1]));
        case "global-p-error" -> global = Double.parseDouble(kv[1]);
        case "seed-compatible" -> optimize = false;
        default -> unknown.add(run[i]);
      }
    }
    assertTrue(unknown.isEmpty(), file + ": unknown RUN options " + unknown);
    return new CompileOptions(pError, global, roundTo, exact, maxTlu, optimize);
  }
}
