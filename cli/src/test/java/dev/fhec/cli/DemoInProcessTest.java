package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * {@code fhec demo}'s own {@code call()} in-process with the real engine and 128-bit parameters, on
 * a sample small enough for the slow tier: y = x² + |x| on three 3-bit inputs (6 PBS). Checks the
 * verdict, the printed steps, and that the temporary work directory is gone afterwards.
 */
@Tag("slow")
class DemoInProcessTest {
  @TempDir Path tmp;

  private static long[] formula(long[] x) {
    long[] y = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] * x[i] + Math.abs(x[i]);
    }
    return y;
  }

  @Test
  void demoRunsASampleEndToEndAndCleansUp() throws Exception {
    Path sample = Files.createDirectories(tmp.resolve("sq"));
    Files.writeString(
        sample.resolve("model.json"),
        """
        {"name": "sq",
         "inputs": [{"name": "x", "shape": [3], "dtype": "int", "encrypted": true,
                     "range": [-4, 3]}],
         "nodes": [{"name": "m", "op": "mul", "inputs": ["x", "x"]},
                   {"name": "a", "op": "abs", "inputs": ["x"]},
                   {"name": "y", "op": "add", "inputs": ["m", "a"]}],
         "outputs": ["y"]}
        """);
    long[] all = {-4, -3, -2, -1, 0, 1, 2, 3, 3};
    TensorFiles.write(
        sample.resolve("inputset.npz"), Map.of("x", new Tensor.Ints(new int[] {3, 3}, all)));
    long[] x0 = {-3, 2, 1};
    long[] x1 = {3, -4, 0};
    long[] xs = {-3, 2, 1, 3, -4, 0};
    long[] ys = new long[6];
    System.arraycopy(formula(x0), 0, ys, 0, 3);
    System.arraycopy(formula(x1), 0, ys, 3, 3);
    TensorFiles.write(
        sample.resolve("vectors.npz"),
        Map.of(
            "x", new Tensor.Ints(new int[] {2, 3}, xs),
            "y_int", new Tensor.Ints(new int[] {2, 3}, ys)));

    CommandLine cl = FhecCommand.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("demo", "--sample", sample.toString(), "--vector", "1");
    assertEquals(0, code, out + "\n" + err);
    String o = out.toString();
    assertTrue(o.contains("decrypted vs cleartext simulation: identical (3 values)"), o);
    assertTrue(o.contains("decrypted vs quantized reference:  identical"), o);
    java.util.regex.Matcher files =
        java.util.regex.Pattern.compile("files: (\\S+) deleted").matcher(o);
    assertTrue(files.find(), o);
    Path work = Path.of(files.group(1));
    assertTrue(work.getFileName().toString().startsWith("fhec-demo"), work.toString());
    assertFalse(Files.exists(work), "the demo left its temporary directory behind: " + work);
    assertFalse(err.toString().contains("\tat "), err.toString());
  }
}
