package dev.fhec.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
 * Mutation fuzzing of the parser: random token deletions and insertions and character flips on
 * valid programs. Every input must either parse or fail with located diagnostics; never an uncaught
 * exception, never a hang.
 */
class FhePyParserFuzzTest {
  /** Inputs per run: 2_000 in the default tiers; the soak profile sets fhec.fuzz.iterations. */
  private static final int ITERATIONS = Integer.getInteger("fhec.fuzz.iterations", 2_000);

  private static final long SEED = 0x5EED_F4E0L;

  private static final String BASE =
      """
      import numpy as np

      W = np.load("w.npz")["W"]

      def requant(x, scale):
          \"\"\"Helper, inlined.\"\"\"
          return np.rint(x * scale).astype(int)

      def head(x: Encrypted[int4, (1, 6, 768)]):
          qkv = x @ W[:, 0:192:1]
          q, k, v = np.split(qkv, 3, axis=-1)
          s = requant(q @ np.transpose(k, (0, 2, 1)), 0.125)
          m = s[:, :, 0:1]
          for i in range(1, 6):
              m = m + np.maximum(s[:, :, i:i + 1] - m, 0)
          e = np.exp(s - m) ** 2 // 3 % 7
          return e / np.sum(e, axis=-1, keepdims=True), -v.T
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
          "@",
          "<",
          "==",
          ".",
          "\n",
          "\n    ",
          "\n        ",
          "    ",
          "\t",
          "def",
          "return",
          "for",
          "in",
          "x",
          "1",
          "2.5",
          "\"s\"",
          "'",
          "\"\"\"",
          "\\",
          "#",
          "None",
          ";",
          "$",
          "\r",
          "{",
          "}",
          "->");

  @Test
  void mutatedSourcesFailWithLocatedErrorsOnly() {
    assertEquals(Outcome.PARSED, run(BASE), "the unmutated program must parse");
    Random rnd = new Random(SEED);
    // One reused daemon thread runs every case, so a per-case timeout costs no thread creation.
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-case");
              t.setDaemon(true);
              return t;
            });
    int parsed = 0;
    int rejected = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      String src = mutate(BASE, rnd, 1 + rnd.nextInt(4));
      Outcome o = runWithTimeout(worker, src);
      if (o == Outcome.PARSED) {
        parsed++;
      } else {
        rejected++;
      }
    }
    // Both outcomes must occur, or the mutations are not exercising anything.
    assertTrue(parsed > 0, "no mutant parsed");
    assertTrue(rejected > ITERATIONS / 2, "too few mutants rejected: " + rejected);
  }

  private static Outcome runWithTimeout(ExecutorService worker, String src) {
    Future<Outcome> f = worker.submit(() -> run(src));
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return fail("no answer within 5 s (hang?) on:\n" + src);
    } catch (ExecutionException e) {
      return fail("uncaught " + e.getCause() + " on:\n" + src, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  private enum Outcome {
    PARSED,
    REJECTED
  }

  private static Outcome run(String src) {
    try {
      FhePyParser.parse(src, "fuzz.fhe");
      return Outcome.PARSED;
    } catch (FhePySyntaxException e) {
      int lines = SourceText.of(src).lines().size();
      assertFalse(e.diagnostics().isEmpty(), src);
      assertTrue(e.diagnostics().size() <= FhePyParser.MAX_ERRORS);
      for (Diagnostic d : e.diagnostics()) {
        assertEquals("fuzz.fhe", d.span().file());
        assertTrue(d.span().line() >= 1 && d.span().line() <= lines, d + "\n" + src);
        assertFalse(d.message().isBlank());
      }
      assertTrue(e.getMessage().startsWith("fuzz.fhe:"), e.getMessage());
      return Outcome.REJECTED;
    }
  }

  private static String mutate(String src, Random rnd, int edits) {
    StringBuilder sb = new StringBuilder(src);
    for (int e = 0; e < edits; e++) {
      int pos = rnd.nextInt(sb.length() + 1);
      switch (rnd.nextInt(3)) {
        case 0 -> {
          int len = 1 + rnd.nextInt(6);
          sb.delete(Math.min(pos, sb.length()), Math.min(sb.length(), pos + len));
        }
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
