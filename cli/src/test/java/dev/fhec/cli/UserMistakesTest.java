package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.optimizer.CircuitProfile;
import dev.fhec.compiler.optimizer.LookupGroup;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.optimizer.ParameterOptimizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Mistakes a user makes end in exit 1 with a one-line cause and a hint, never a stack trace. */
class UserMistakesTest {
  record Result(int code, String out, String err) {}

  @TempDir Path tmp;
  final FakeEngine engine = new FakeEngine();

  Result run(String... args) {
    return run(engine, args);
  }

  static Result run(Engine engine, String... args) {
    CommandLine cl = FhecCommand.newCommandLine(engine);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static void assertUserError(Result r, String... expected) {
    assertEquals(FhecCommand.USER_ERROR, r.code(), r.err());
    for (String e : expected) {
      assertTrue(r.err().contains(e), "'" + e + "' missing from: " + r.err());
    }
    assertTrue(r.err().contains("hint:"), r.err());
    assertFalse(r.err().contains("\tat "), "user errors print no stack trace: " + r.err());
  }

  @Test
  void demoRefusesBothPlanChoices() throws Exception {
    assertUserError(
        run("demo", "--single-parameter", "--multi-parameter"), "exclude each other", "give one");
  }

  @Test
  void aSixteenBitLookupWithoutSecureParametersNamesThePrecisionThatFitsAndTheOptions()
      throws Exception {
    NoParametersException real =
        assertThrows(
            NoParametersException.class,
            () ->
                new ParameterOptimizer()
                    .optimize(CircuitProfile.of(LookupGroup.ofNorm2(16, 1, 1))));
    engine.failWith = real;
    Path m = tmp.resolve("model.json");
    Files.writeString(m, "{\"nodes\": []}");
    Result r = run("compile", m.toString(), "-o", tmp.resolve("b").toString());
    int fits = real.largestPrecision().orElseThrow();
    assertUserError(
        r,
        "16-bit",
        "the widest lookups have 16 bits",
        "--round-to " + fits,
        "--p-error / --global-p-error");
    assertTrue(fits < 16 && fits >= 8, "a precision that fits: " + fits);
  }

  @Test
  void anUnknownCommandIsAnErrorEvenWithHelp() {
    Result r = run("frobnicate", "--help");
    assertUserError(r, "unknown command 'frobnicate'", "compile");
    assertFalse(r.out().contains("Usage: fhec"), r.out());
    Result sub = run("compile", "--help", "extra", "words");
    assertEquals(FhecCommand.USER_ERROR, sub.code(), sub.err() + sub.out());
    assertEquals(0, run("compile", "--help").code());
    assertEquals(0, run("help", "compile").code());
    assertUserError(run("frobnicate"), "unknown command 'frobnicate'", "the commands are compile");
  }

  @Test
  void helpExamplesSurvivePastingIntoAShell() {
    CommandLine cl = FhecCommand.newCommandLine(engine);
    for (String name : cl.getSubcommands().keySet()) {
      String out = run(name, "--help").out();
      int at = out.indexOf("Example");
      if (at < 0) {
        continue;
      }
      List<String> commands = new ArrayList<>();
      StringBuilder cur = null;
      for (String line : out.substring(at).split("\n")) {
        assertTrue(line.length() <= FhecCommand.HELP_WIDTH, name + ": too long: " + line);
        String t = line.strip();
        if (t.startsWith("#")) {
          continue;
        }
        if (cur != null) {
          cur.append(' ').append(t.replaceAll("\\\\$", "").strip());
        } else if (t.startsWith("fhec ")) {
          cur = new StringBuilder(t.replaceAll("\\\\$", "").strip());
        }
        if (cur != null && !t.endsWith("\\")) {
          commands.add(cur.toString());
          cur = null;
        }
      }
      for (String pasted : commands) {
        String c = pasted.replaceAll(" [|>#].*$", ""); // the fhec part, without pipe or comment
        // each pasted command parses: no wrapped fragment left over as a stray word
        assertTrue(c.startsWith("fhec " + name) || c.startsWith("fhec "), c);
        CommandLine.ParseResult p =
            FhecCommand.newCommandLine(engine).parseArgs(c.substring("fhec ".length()).split(" +"));
        assertTrue(p.hasSubcommand(), c);
        CommandLine.ParseResult last = p;
        while (last.hasSubcommand()) {
          last = last.subcommand();
        }
        assertTrue(last.unmatched().isEmpty(), c + " leaves " + last.unmatched());
      }
    }
    String longLine = "  fhec compile " + "word ".repeat(30).strip();
    List<String> lines = FhecCommand.continued(longLine);
    assertTrue(lines.size() > 1, lines.toString());
    StringBuilder joined = new StringBuilder();
    for (String l : lines) {
      assertTrue(l.length() <= FhecCommand.HELP_WIDTH - 2, l);
      joined.append(' ').append(l.replaceAll("\\\\$", "").strip());
    }
    assertEquals(longLine.strip(), joined.toString().strip());
    assertEquals(List.of("  short"), FhecCommand.continued("  short"));
  }

  @Test
  void anInt64OverflowOnTheInputsetIsAUserError() throws Exception {
    dev.fhec.compiler.ir.ProgramBuilder b = new dev.fhec.compiler.ir.ProgramBuilder("p");
    int x =
        b.input("x", new int[] {1}, new dev.fhec.compiler.ir.ElementType.IntType(true, 0), true);
    b.output(b.mul(x, b.constant(Long.MAX_VALUE)));
    RuntimeException overflow =
        assertThrows(
            dev.fhec.compiler.eval.ReferenceEvaluator.EvaluationException.class,
            () ->
                dev.fhec.compiler.eval.ReferenceEvaluator.evaluate(
                    b.build(),
                    List.of(new dev.fhec.compiler.ir.Tensor.Ints(new int[] {1}, new long[] {3}))));
    engine.failWith = overflow;
    Path m = tmp.resolve("model.json");
    Files.writeString(m, "{\"nodes\": []}");
    assertUserError(
        run("compile", m.toString(), "-o", tmp.resolve("b").toString()), "overflow", "64-bit");
  }

  @Test
  void damagedFilesAreUserErrors() throws Exception {
    Path m = tmp.resolve("model.json");
    Files.writeString(m, "{\"nodes\": []}");
    for (Exception e :
        List.of(
            new java.util.zip.ZipException("invalid END header"),
            new java.io.EOFException("Unexpected end of ZLIB input stream"),
            new dev.fhec.runtime.io.npy.NpyFormatException("x.npy: bad magic"))) {
      engine.failWith = new java.io.UncheckedIOException((java.io.IOException) e);
      Result r = run("compile", m.toString(), "-o", tmp.resolve("b").toString());
      assertUserError(r, e.getMessage());
    }
  }

  /** The real compiler: sq.ir takes integers, and a sample of 0.5 is not one. */
  @Test
  void aFloatInputsetForAnIntegerModelIsAUserError() throws Exception {
    Path npz = tmp.resolve("x.npz");
    dev.fhec.runtime.io.npy.Npz.write(
        java.util.Map.of(
            "x",
            new dev.fhec.runtime.io.npy.NpyArray.Floats(
                new int[] {2, 3}, new double[] {0, 1, 2, 3, 4, 0.5})),
        false,
        npz);
    Result r =
        run(
            new ProjectEngine(),
            "compile",
            "src/test/resources/models/sq.ir",
            "--inputset",
            npz.toString(),
            "-o",
            tmp.resolve("b").toString());
    assertUserError(r, "input 'x' is a float array and its sample 1 holds 0.5", "np.int64");
    assertFalse(Files.exists(tmp.resolve("b")));
  }
}
