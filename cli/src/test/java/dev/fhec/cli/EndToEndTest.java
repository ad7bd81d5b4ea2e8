package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.ir.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real client/server round trip through the commands, with the project's engine and the
 * parameters the optimizer picks (128-bit secure): y = x² + |x| on three 3-bit inputs, 3 PBS (x²
 * and |x| from one many-LUT bootstrap each). About 20 s on 2 cores, mostly key generation.
 */
@Tag("slow")
class EndToEndTest {
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
  void compileKeygenEncryptRunDecryptMatchesTheFormula() throws Exception {
    Path model = resource("sq.ir");
    resource("sq.inputset.npz");
    long[] x = {-3, 2, 1};
    Path input = tmp.resolve("in.npy");
    TensorFiles.write(input, Map.of("x", new Tensor.Ints(new int[] {3}, x)));
    Path b = tmp.resolve("sq.fhec");
    String compiled = run("compile", model.toString(), "-o", b.toString());
    // x² and |x| read the same value: one many-LUT bootstrap per element gives both (issue 12).
    assertTrue(compiled.contains("PBS / run    3"), compiled);
    assertTrue(compiled.contains("128-bit"), compiled);
    Path keys = tmp.resolve("keys");
    run("keygen", b.toString(), "-o", keys.toString());
    run(
        "encrypt",
        "--bundle",
        b.toString(),
        "--keys",
        keys.toString(),
        input.toString(),
        "-o",
        tmp.resolve("in.ct").toString());
    run(
        "run",
        "--bundle",
        b.toString(),
        "--eval-keys",
        keys.resolve("eval.keys").toString(),
        tmp.resolve("in.ct").toString(),
        "-o",
        tmp.resolve("out.ct").toString());
    run(
        "decrypt",
        "--keys",
        keys.toString(),
        tmp.resolve("out.ct").toString(),
        "-o",
        tmp.resolve("y.npy").toString());
    run(
        "simulate",
        "--bundle",
        b.toString(),
        input.toString(),
        "-o",
        tmp.resolve("sim.npy").toString());
    long[] expected = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] = x[i] * x[i] + Math.abs(x[i]);
    }
    assertArrayEquals(
        expected, ((Tensor.Ints) TensorFiles.read(tmp.resolve("y.npy")).get("y")).data());
    assertArrayEquals(
        expected, ((Tensor.Ints) TensorFiles.read(tmp.resolve("sim.npy")).get("sim")).data());
  }
}
