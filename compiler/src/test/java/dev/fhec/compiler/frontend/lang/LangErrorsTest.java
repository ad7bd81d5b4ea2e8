package dev.fhec.compiler.frontend.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.Location;
import org.junit.jupiter.api.Test;

/** Golden messages for typical mistakes: located, quoting the line, saying what is expected. */
class LangErrorsTest {
  private static String error(String src) {
    CompileException e = assertThrows(CompileException.class, () -> LangTesting.compile(src));
    assertInstanceOf(Location.Source.class, e.first().location());
    return e.getMessage();
  }

  @Test
  void syntaxErrorsComeThroughAsCompileExceptions() {
    assertEquals(
        """
        t.fhe:1:34: expected '->' or ':' but found end of line
            def f(x: Encrypted[int4, (2, 3)])
                                             ^""",
        error("def f(x: Encrypted[int4, (2, 3)])\n    return x\n"));
  }

  @Test
  void unknownNameSuggestsTheClosestOne() {
    assertEquals(
        """
        t.fhe:3:16: unknown name 'valeu'; did you mean 'value'?
                return x + valeu
                           ^^^^^""",
        error("def f(x: Encrypted[int4, (2, 3)]):\n    value = 1\n    return x + valeu\n"));
  }

  @Test
  void shapeMismatchNamesBothShapes() {
    assertEquals(
        """
        t.fhe:2:12: %2: matmul: lhs %0 [2,3], rhs %1 [4,5]: contracted dimensions differ (3 vs 4)
                return x @ w
                       ^^^^^""",
        error("def f(x: Encrypted[int4, (2, 3)], w: Clear[int4, (4, 5)]):\n    return x @ w\n"));
  }

  @Test
  void nonConstantRange() {
    assertEquals(
        """
        t.fhe:3:20: range() bound must be a constant integer, got the tensor %0
                for i in range(x):
                               ^""",
        error(
            "import numpy as np\ndef f(x: Encrypted[int4, (2, 3)]):\n    for i in range(x):\n"
                + "        x = x + 1\n    return x\n"));
  }

  @Test
  void unsupportedCallListsTheSupportedOnes() {
    String msg =
        error("import numpy as np\ndef f(x: Encrypted[int4, (2, 3)]):\n    return np.fft(x)\n");
    assertTrue(
        msg.startsWith(
            "t.fhe:3:12: unsupported numpy attribute np.fft; supported functions: abs, "),
        msg);
    for (String fn :
        new String[] {"exp", "matmul", "sum", "where", "split", "concatenate", "rint"}) {
      assertTrue(msg.contains(" " + fn + ","), fn);
    }
    assertTrue(msg.endsWith("        return np.fft(x)\n               ^^^^^^"), msg);
  }

  @Test
  void recursionInHelpers() {
    assertEquals(
        """
        t.fhe:5:12: recursive call of 'g' (g -> h -> g); helpers are inlined, so recursion is not supported
                return g(x)
                       ^^^^""",
        error(
            "import numpy as np\ndef g(x):\n    return h(x)\ndef h(x):\n    return g(x)\n"
                + "def f(x: Encrypted[int4, (2, 3)]):\n    return g(x)\n"));
  }

  @Test
  void whereNeedsAClearCondition() {
    assertEquals(
        """
        t.fhe:3:21: np.where needs a clear (constant) condition; an encrypted condition is not supported
                return np.where(x > 0, x, 0)
                                ^^^^^""",
        error(
            "import numpy as np\ndef f(x: Encrypted[int4, (2, 3)]):\n    return np.where(x > 0, x, 0)\n"));
  }

  @Test
  void badAnnotationAndMissingEntry() {
    assertEquals(
        """
        t.fhe:1:20: element bit-width must be in 2..32, got 44
            def f(x: Encrypted[int44, (2, 3)]):
                               ^^^^^""",
        error("def f(x: Encrypted[int44, (2, 3)]):\n    return x\n"));
    assertEquals(
        """
        t.fhe:1:1: no entry function: annotate every parameter of the function to compile, e.g. def f(x: Encrypted[int4, (6, 768)])
            def f(x):
            ^""",
        error("def f(x):\n    return x\n"));
  }

  @Test
  void badKeywordIndexAndUnpacking() {
    assertEquals(
        """
        t.fhe:3:22: np.sum() got an unexpected keyword argument 'axes'; it accepts x, axis, keepdims
                return np.sum(x, axes=1)
                                 ^^^^^^""",
        error(
            "import numpy as np\ndef f(x: Encrypted[int4, (2, 3)]):\n    return np.sum(x, axes=1)\n"));
    assertEquals(
        """
        t.fhe:3:14: index 2 is out of bounds for axis 0 with size 2
                return x[2, 0]
                         ^""",
        error("import numpy as np\ndef f(x: Encrypted[int4, (2, 3)]):\n    return x[2, 0]\n"));
    assertEquals(
        """
        t.fhe:3:5: cannot unpack 2 values into 3 names
                a, b, c = np.split(x, 2, axis=0)
                ^^^^^^^""",
        error(
            "import numpy as np\ndef f(x: Encrypted[int4, (2, 3)]):\n"
                + "    a, b, c = np.split(x, 2, axis=0)\n    return a\n"));
  }

  @Test
  void assignmentToASubscriptAndUnsupportedImport() {
    assertEquals(
        """
        t.fhe:2:5: cannot assign to this expression; tensors are immutable, assign to a name instead
                x[0] = 1
                ^^^^""",
        error("def f(x: Encrypted[int4, (2, 3)]):\n    x[0] = 1\n    return x\n"));
    assertEquals(
        """
        t.fhe:1:1: only numpy can be imported, not 'torch'
            import torch
            ^^^^^^^^^^^^""",
        error("import torch\n"));
  }

  @Test
  void hugeLoopsAreRefused() {
    String msg =
        error(
            "def f(x: Encrypted[int4, (2,)]):\n    for i in range(10 ** 9):\n        x = x + 1\n    return x\n");
    assertTrue(
        msg.startsWith(
            "t.fhe:2:14: this loop would unroll to 1000000000 iterations; the limit is 65536"),
        msg);
  }

  @Test
  void invalidConstantArraysAreReportedAtTheCall() {
    assertEquals(
        """
        t.fhe:3:16: np.ones(): dimensions must be >= 1: [0, 2]
                return x + np.ones((0, 2))
                           ^^^^^^^^^^^^^^^""",
        error(
            "import numpy as np\ndef f(x: Encrypted[int4, (2,)]):\n    return x + np.ones((0, 2))\n"));
  }

  @Test
  void laterPassesCanRenderTheirDiagnosticsAgainstTheSource() {
    String src = "def f(x: Encrypted[int4, (2, 3)], w: Clear[int4, (3, 5)]):\n    return x @ w\n";
    dev.fhec.compiler.ir.Program p = LangTesting.compile(src);
    dev.fhec.compiler.ir.Node mm = p.node(p.outputs().get(0));
    String msg =
        LangFrontend.render(
            java.util.List.of(
                dev.fhec.compiler.diag.Diagnostic.error("accumulator needs 17 bits", mm.location()),
                dev.fhec.compiler.diag.Diagnostic.error("elsewhere", Location.UNKNOWN)),
            src);
    assertEquals(
        """
        t.fhe:2:12: accumulator needs 17 bits
                return x @ w
                       ^^^^^
        <unknown>: error: elsewhere""",
        msg);
  }

  @Test
  void divisionByAConstantZeroIsLocated() {
    for (String op : new String[] {"//", "%", "/"}) {
      String msg =
          error(
              "import numpy as np\ndef f(x: Encrypted[int4, (2,)]):\n    return x "
                  + op
                  + " np.array([3, 0])\n");
      assertTrue(msg.startsWith("t.fhe:3:12: division by zero"), msg);
      assertTrue(msg.contains("'" + op + "' is 0 at element 1"), msg);
    }
  }

  @Test
  void constantArrayShapesMustBePositiveAndBounded() {
    // found by the soak fuzz: np.ones((4, -14)) threw NegativeArraySizeException
    String negative =
        error(
            "import numpy as np\ndef f(x: Encrypted[int4, (4, 4)]):\n"
                + "    return x + np.ones((4, -14))\n");
    assertTrue(
        negative.startsWith("t.fhe:3:16: np.ones(): dimensions must be >= 1: [4, -14]"), negative);
    String huge =
        error(
            "import numpy as np\ndef f(x: Encrypted[int4, (4, 4)]):\n"
                + "    return x + np.zeros((100000, 100000))\n");
    assertTrue(
        huge.startsWith("t.fhe:3:16: np.zeros(): shape [100000, 100000] has more than 67108864"),
        huge);
  }
}
