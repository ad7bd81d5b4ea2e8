package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FhecCommandTest {
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
  void helpListsUsage() {
    Result r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("Usage: fhec"), r.out());
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
    Result r = run("--no-such-option");
    assertEquals(FhecCommand.USER_ERROR, r.code());
    assertTrue(r.err().contains("hint:"), r.err());
  }
}
