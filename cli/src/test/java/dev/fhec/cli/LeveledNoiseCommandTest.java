package dev.fhec.cli;

import static dev.fhec.cli.FhecCommandTest.assertUserError;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A circuit whose output noise no secure parameters can hold (issue 9: {@code x * 100000000} on
 * int4 used to compile and decrypt to garbage) is a user error whose hint fits a leveled output,
 * not a lookup.
 */
class LeveledNoiseCommandTest {
  @TempDir Path tmp;

  @Test
  void anOutputTooNoisyForAnySecureParametersIsAUserErrorWithALeveledHint() throws Exception {
    Path m = tmp.resolve("times.json");
    Files.writeString(
        m,
        """
        {"name": "times", "inputs": [{"name": "x", "shape": [1000], "dtype": "int",
          "encrypted": true, "range": [-8, 7]}],
         "nodes": [{"name": "y", "op": "mul", "inputs": ["x", 100000000]}],
         "outputs": ["y"]}
        """);
    CommandLine cl = FhecCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("compile", m.toString(), "-o", tmp.resolve("b").toString());
    FhecCommandTest.Result r = new FhecCommandTest.Result(code, out.toString(), err.toString());
    assertUserError(r, "output 0");
    assertTrue(r.err().contains("smaller constants"), r.err());
    assertFalse(r.err().contains("--round-to"), r.err());
    assertFalse(Files.exists(tmp.resolve("b")));
  }
}
