package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.ir.IrParser;
import dev.fhec.compiler.ir.Program;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.CircuitText;
import dev.fhec.runtime.params.ParameterSets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files for lowering: {@code src/test/resources/lowering/<case>.fhe} holds
 *
 * <pre>
 * // RUN: lower
 * program p { ... }        (source IR: the default pipeline runs first, without an inputset)
 * // EXPECT:
 * circuit "p" format 2     (the lowered circuit's text form, {@link CircuitText}, on TOY_N256)
 * </pre>
 *
 * {@code // RUN: lower --products=shared} lowers every encrypted × encrypted product with shared
 * squares ({@code quarter}, the default, with quarter squares); {@code --many-lut} then fuses every
 * group of lookups of one value into a many-LUT ({@link ManyLookups}, forced: no cost check);
 * {@code --prune} drops dead and constant lookup elements first ({@link DeadElements}). The
 * expected text must also parse back to the same circuit. Run with {@code
 * -Dfhec.golden.update=true} to rewrite every EXPECT section (then review the diff).
 */
class LoweringGoldenTest {
  static final Path ROOT = Path.of("src/test/resources/lowering");
  private static final String RUN = "// RUN: lower";
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

  private static void check(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(text.startsWith(RUN), file + ": first line must be '" + RUN + "'");
    int cut = text.indexOf("\n" + EXPECT);
    assertTrue(cut >= 0, file + ": missing '" + EXPECT + "' line");
    String input = text.substring(0, cut + 1);
    String expected = text.substring(text.indexOf('\n', cut + 1) + 1);
    Program in = IrParser.parse(file.getFileName().toString(), input);
    Program analysed = Fhec.analyse(in, CompileOptions.defaults(), List.of());
    String runLine = text.substring(0, text.indexOf('\n')).strip();
    java.util.Set<Integer> shared = java.util.Set.of();
    boolean manyLut = false;
    boolean prune = false;
    for (String option : runLine.substring(RUN.length()).strip().split("\\s+")) {
      switch (option) {
        case "", "--products=quarter" -> {}
        case "--products=shared" -> shared = java.util.Set.copyOf(Products.of(analysed));
        case "--many-lut" -> manyLut = true;
        case "--prune" -> prune = true;
        default -> throw new AssertionError(file + ": unknown RUN option '" + option + "'");
      }
    }
    LoweredCircuit lowered = Lowering.lower(analysed, shared);
    if (prune) {
      lowered = DeadElements.prune(lowered);
    }
    if (manyLut) {
      lowered = ManyLookups.fuse(lowered, ManyLookups.candidates(lowered));
    }
    Circuit c = PlanApplication.apply(lowered, ParameterSets.TOY_N256).circuit();
    String actual = CircuitText.print(c);
    assertArrayEquals(c.digest(), CircuitText.parse(actual).digest(), file + ": round trip");
    if (Boolean.getBoolean("fhec.golden.update")) {
      if (!actual.equals(expected)) {
        Files.writeString(file, input + EXPECT + "\n" + actual, StandardCharsets.UTF_8);
      }
      return;
    }
    assertEquals(expected.strip(), actual.strip(), file.toString());
    assertArrayEquals(c.digest(), CircuitText.parse(expected).digest(), file + ": expected text");
  }
}
