package dev.fhec.compiler.frontend.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.ir.Location;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the whole frontend (parser and tracer): every mutant compiles or fails with a
 * CompileException located in the source; never another exception, never a hang.
 */
class LangFrontendFuzzTest {
  /** Inputs per run: 1_500 in the default tiers; the soak profile sets fhec.fuzz.iterations. */
  private static final int ITERATIONS = Integer.getInteger("fhec.fuzz.iterations", 1_500);

  private static final long SEED = 0xF0E_C0DEL;

  private static final String BASE =
      """
      import numpy as np

      def requant(x, scale):
          return np.rint(x * scale).astype(int)

      def running_max(s, n):
          m = s[:, :, 0:1]
          for i in range(1, n):
              m = m + np.maximum(s[:, :, i:i + 1] - m, 0)
          return m

      def head(x: Encrypted[int4, (1, 4, 12)]):
          q, k, v = np.split(x, 3, axis=-1)
          s = requant(q @ np.transpose(k, (0, 2, 1)), 0.125)
          s = np.where(np.tril(np.ones((4, 4))), s, -3)
          m = running_max(s, 4)
          e = requant(np.exp((s - m) * 0.5), 7.0)
          a = requant(e / np.sum(e, axis=-1, keepdims=True), 3.0)
          return a @ v, x[0, ::2, -3:].T, e // 3 % 2
      """;

  private static final List<String> TOKENS =
      List.of(
          "(",
          ")",
          "[",
          "]",
          ":",
          ",",
          "=",
          "+",
          "-",
          "*",
          "**",
          "/",
          "//",
          "%",
          "@",
          "<",
          ".",
          "\n",
          "    ",
          "x",
          "q",
          "s",
          "m",
          "0",
          "1",
          "-1",
          "2.5",
          "3",
          "None",
          "np.",
          ".T",
          "axis=",
          "keepdims=True",
          "range(",
          "requant(",
          "np.sum(",
          "np.split(",
          "(1, 4)",
          "[0]",
          "[:, 1]",
          "astype(float)",
          "10 ** 12",
          "for i in range(3):\n        ");

  @Test
  void mutatedProgramsFailWithLocatedCompileErrorsOnly() {
    assertEquals(Outcome.COMPILED, run(BASE), "the unmutated program must compile");
    Random rnd = new Random(SEED);
    // One reused daemon thread runs every case, so a per-case timeout costs no thread creation.
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-case");
              t.setDaemon(true);
              return t;
            });
    int compiled = 0;
    int semantic = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      String src = mutate(BASE, rnd, 1 + rnd.nextInt(3));
      Outcome o = runWithTimeout(worker, src);
      if (o == Outcome.COMPILED) {
        compiled++;
      } else if (o == Outcome.SEMANTIC_ERROR) {
        semantic++;
      }
    }
    assertTrue(compiled > 0, "no mutant compiled");
    assertTrue(semantic > 50, "too few mutants reached the tracer's checks: " + semantic);
  }

  private static Outcome runWithTimeout(ExecutorService worker, String src) {
    Future<Outcome> f = worker.submit(() -> run(src));
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return fail("no answer within 10 s (hang?) on:\n" + src);
    } catch (ExecutionException e) {
      return fail("uncaught " + e.getCause() + " on:\n" + src, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  private enum Outcome {
    COMPILED,
    SYNTAX_ERROR,
    SEMANTIC_ERROR
  }

  private static Outcome run(String src) {
    try {
      new LangFrontend(new LangTesting.MemoryArrays()).compile(src, "fuzz.fhe", Path.of("."));
      return Outcome.COMPILED;
    } catch (CompileException e) {
      assertFalse(e.diagnostics().isEmpty());
      for (Diagnostic d : e.diagnostics()) {
        Location.Source s =
            assertInstanceOf(Location.Source.class, d.location(), () -> d + "\n" + src);
        assertEquals("fuzz.fhe", s.file());
        assertTrue(s.line() >= 1, d::toString);
      }
      assertTrue(e.getMessage().startsWith("fuzz.fhe:"), e.getMessage());
      // Parser errors come before any tracing; the grammar's messages are checked elsewhere.
      boolean syntax = e.getMessage().contains("expected") || e.getMessage().contains("unexpected");
      return syntax ? Outcome.SYNTAX_ERROR : Outcome.SEMANTIC_ERROR;
    }
  }

  private static String mutate(String src, Random rnd, int edits) {
    StringBuilder sb = new StringBuilder(src);
    for (int e = 0; e < edits; e++) {
      int pos = rnd.nextInt(sb.length() + 1);
      switch (rnd.nextInt(3)) {
        case 0 ->
            sb.delete(Math.min(pos, sb.length()), Math.min(sb.length(), pos + 1 + rnd.nextInt(5)));
        case 1 -> sb.insert(pos, TOKENS.get(rnd.nextInt(TOKENS.size())));
        default -> {
          if (pos < sb.length()) {
            sb.setCharAt(pos, (char) (sb.charAt(pos) ^ (1 << rnd.nextInt(7))));
          }
        }
      }
    }
    return sb.toString();
  }
}
