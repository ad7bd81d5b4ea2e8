package dev.fhec.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fhec.compiler.diag.CompileException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bounded fuzzing of {@link IrParser}: printed programs with deleted, inserted, duplicated and
 * truncated text. Every input must parse or fail with a located {@link CompileException}; whatever
 * parses must print and re-parse to the same program.
 */
class IrParserFuzzTest {
  /** Inputs per run: 2000 in the default tiers; the soak profile sets fhec.fuzz.iterations. */
  private static final int ITERATIONS = Integer.getInteger("fhec.fuzz.iterations", 2000);

  /** The time limit grows with the iteration count (60 s per default-tier run). */
  private static final Duration LIMIT = Duration.ofSeconds(60L * Math.max(1, ITERATIONS / 2000));

  @Test
  void mutatedTextGivesLocatedErrors() {
    String seed = IrPrinter.print(IrTextTest.everyOp(), IrPrinter.Options.ROUND_TRIP);
    String alphabet = "%=(),[]{}<>#@∈-0123456789.eabcxyz\"\\\n tlu Int UInt Encrypted Clear";
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Random r = new Random(7);
          int errors = 0;
          for (int i = 0; i < ITERATIONS; i++) {
            StringBuilder sb = new StringBuilder(seed);
            int edits = 1 + r.nextInt(3);
            for (int k = 0; k < edits && !sb.isEmpty(); k++) {
              int at = r.nextInt(sb.length());
              switch (r.nextInt(4)) {
                case 0 -> sb.delete(at, Math.min(sb.length(), at + 1 + r.nextInt(6)));
                case 1 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                case 2 -> sb.setLength(at);
                default ->
                    sb.insert(at, sb.substring(at, Math.min(sb.length(), at + r.nextInt(30))));
              }
            }
            String text = sb.toString();
            try {
              Program p = IrParser.parse("fuzz.ir", text);
              String again = IrPrinter.print(p, IrPrinter.Options.ROUND_TRIP);
              assertEquals(p, IrParser.parse(again), text);
            } catch (CompileException e) {
              errors++;
              assertInstanceOf(Location.Source.class, e.first().location(), text);
            } catch (RuntimeException | StackOverflowError e) {
              fail("unexpected " + e + " for input:\n" + text, e);
            }
          }
          assertTrue(errors > ITERATIONS / 2, "most mutations should be rejected, got " + errors);
        });
  }
}
