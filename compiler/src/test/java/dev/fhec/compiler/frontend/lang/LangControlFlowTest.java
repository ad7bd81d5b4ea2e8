package dev.fhec.compiler.frontend.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loops unroll within a whole-program budget; {@code if}/{@code while} run at compile time on
 * constant conditions and are refused, with the reason, on encrypted ones.
 */
class LangControlFlowTest {
  private static CompileException fails(String src) {
    return assertThrows(CompileException.class, () -> LangTesting.compile(src));
  }

  private static int line(CompileException e) {
    return ((Location.Source) e.first().location()).line();
  }

  @Test
  void nestedLoopsThatExplodeAreRefusedAtOnceAtTheInnerLoop() {
    String src =
        """
        def f(x: Encrypted[int4, (2,)]):
            for i in range(60000):
                for j in range(60000):
                    x = x + 1
            return x
        """;
    CompileException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> fails(src));
    assertEquals(3, line(e), e.getMessage());
    assertTrue(e.getMessage().contains("3600000000 iterations"), e.getMessage());
    assertTrue(e.getMessage().contains("budget"), e.getMessage());
  }

  @Test
  void aWhileOnAConstantConditionRunsAtCompileTimeAndAnEndlessOneHitsTheBudget() {
    Program p =
        LangTesting.compile(
            """
            def f(x: Encrypted[int4, (2,)]):
                k = 0
                while k < 3:
                    x = x + 2
                    k += 1
                if k == 3:
                    x = x * 2
                elif k == 4:
                    x = x * 5
                else:
                    x = x - 100
                return x
            """);
    Tensor y =
        ReferenceEvaluator.evaluate(p, List.of(new Tensor.Ints(new int[] {2}, new long[] {1, -3})))
            .get(0);
    assertEquals(2 * (1 + 6), y.asDouble(0));
    assertEquals(2 * (-3 + 6), y.asDouble(1));
    CompileException endless =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                fails(
                    """
                    def f(x: Encrypted[int4, (2,)]):
                        while True:
                            pass
                        return x
                    """));
    assertTrue(endless.getMessage().contains("loop iterations in all"), endless.getMessage());
  }

  @Test
  void ifAndWhileOnEncryptedValuesSayWhyAndWhatToUse() {
    CompileException branch =
        fails(
            """
            def f(x: Encrypted[int4, (2,)]):
                if x > 2:
                    x = x + 1
                return x
            """);
    assertEquals(2, line(branch));
    assertTrue(branch.getMessage().contains("'if' on an encrypted value is not supported"));
    assertTrue(branch.getMessage().contains("np.where"), branch.getMessage());
    CompileException loop =
        fails(
            """
            def f(x: Encrypted[int4, (2,)]):
                while x > 0:
                    x = x - 1
                return x
            """);
    assertEquals(2, line(loop));
    assertTrue(loop.getMessage().contains("'while' on an encrypted condition is not supported"));
  }

  @Test
  void aClearParameterIsTracedButRefusedForACircuitAtTheParameter(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String src =
        """
        def f(x: Encrypted[int4, (2,)], m: Clear[uint2, (2,)]):
            return x + m
        """;
    Program traced = LangTesting.compile(src);
    assertEquals(2, traced.inputs().size());
    java.nio.file.Path file = dir.resolve("m.fhe");
    java.nio.file.Files.writeString(file, src);
    CompileException e =
        assertThrows(CompileException.class, () -> new LangFrontend().compileFile(file));
    assertEquals(1, line(e));
    assertTrue(e.getMessage().contains("parameter 'm' is Clear[...]"), e.getMessage());
    assertTrue(e.getMessage().contains("module-level constant"), e.getMessage());
  }
}
