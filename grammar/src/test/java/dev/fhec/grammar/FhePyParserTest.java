package dev.fhec.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.grammar.ast.BinaryOp;
import dev.fhec.grammar.ast.CompareOp;
import dev.fhec.grammar.ast.Expr;
import dev.fhec.grammar.ast.Expr.Binary;
import dev.fhec.grammar.ast.Expr.Call;
import dev.fhec.grammar.ast.Expr.Name;
import dev.fhec.grammar.ast.Module;
import dev.fhec.grammar.ast.Span;
import dev.fhec.grammar.ast.Stmt;
import dev.fhec.grammar.ast.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per construct of the language; each checks the AST shape and spans. */
class FhePyParserTest {
  private static Module parse(String src) {
    return FhePyParser.parse(src, "t.fhe");
  }

  /** The value of the single statement {@code x = <expr>}. */
  private static Expr expr(String expression) {
    Module m = parse("x = " + expression + "\n");
    assertEquals(1, m.body().size());
    return ((Stmt.Assign) m.body().get(0)).value();
  }

  /** Fully parenthesised rendering, to check precedence independently of the builder. */
  private static String show(Expr e) {
    return switch (e) {
      case Expr.Name n -> n.id();
      case Expr.IntLiteral i -> Long.toString(i.value());
      case Expr.FloatLiteral f -> Double.toString(f.value());
      case Expr.StringLiteral s -> '"' + s.value() + '"';
      case Expr.BoolLiteral b -> b.value() ? "True" : "False";
      case Expr.NoneLiteral n -> "None";
      case Expr.EllipsisLiteral n -> "...";
      case Expr.Unary u -> "(" + (u.op() == UnaryOp.NEG ? "-" : "+") + show(u.operand()) + ")";
      case Expr.Binary b ->
          "(" + show(b.left()) + " " + b.op().symbol() + " " + show(b.right()) + ")";
      case Expr.Compare c ->
          "(" + show(c.left()) + " " + c.op().symbol() + " " + show(c.right()) + ")";
      case Expr.Call c -> {
        StringBuilder sb = new StringBuilder(show(c.function())).append('(');
        List<String> parts =
            new java.util.ArrayList<>(c.args().stream().map(FhePyParserTest::show).toList());
        c.keywords().forEach(k -> parts.add(k.name() + "=" + show(k.value())));
        yield sb.append(String.join(", ", parts)).append(')').toString();
      }
      case Expr.Attribute a -> show(a.value()) + "." + a.name();
      case Expr.Subscript s ->
          show(s.value())
              + "["
              + String.join(", ", s.indices().stream().map(FhePyParserTest::show).toList())
              + "]";
      case Expr.Slice s ->
          s.lower().map(FhePyParserTest::show).orElse("")
              + ":"
              + s.upper().map(FhePyParserTest::show).orElse("")
              + s.step().map(x -> ":" + show(x)).orElse("");
      case Expr.TupleExpr t ->
          "(" + String.join(", ", t.elements().stream().map(FhePyParserTest::show).toList()) + ",)";
      case Expr.ListExpr l ->
          "[" + String.join(", ", l.elements().stream().map(FhePyParserTest::show).toList()) + "]";
    };
  }

  @Test
  void arithmeticPrecedenceFollowsPython() {
    assertEquals("(a + (b * c))", show(expr("a + b * c")));
    assertEquals("((a - b) - c)", show(expr("a - b - c")));
    assertEquals("(-(x ** 2))", show(expr("-x ** 2")));
    assertEquals("(2 ** (-1))", show(expr("2 ** -1")));
    assertEquals("(a ** (b ** c))", show(expr("a ** b ** c")));
    assertEquals("((a @ b) + c)", show(expr("a @ b + c")));
    assertEquals("(((a // b) % c) / d)", show(expr("a // b % c / d")));
    assertEquals("((a + b) < (c * 2))", show(expr("a + b < c * 2")));
  }

  @Test
  void literals() {
    assertEquals(255L, ((Expr.IntLiteral) expr("0xff")).value());
    assertEquals(5L, ((Expr.IntLiteral) expr("0b101")).value());
    assertEquals(1000000L, ((Expr.IntLiteral) expr("1_000_000")).value());
    assertEquals(0.5, ((Expr.FloatLiteral) expr(".5")).value());
    assertEquals(1.0, ((Expr.FloatLiteral) expr("1.")).value());
    assertEquals(-3e-2, -((Expr.FloatLiteral) ((Expr.Unary) expr("-3e-2")).operand()).value());
    assertEquals("ab\n", ((Expr.StringLiteral) expr("'a' \"b\\n\"")).value());
    assertEquals("a\\n", ((Expr.StringLiteral) expr("r'a\\n'")).value());
    assertInstanceOf(Expr.NoneLiteral.class, expr("None"));
    assertEquals(true, ((Expr.BoolLiteral) expr("True")).value());
  }

  @Test
  void callsAttributesAndKeywords() {
    assertEquals(
        "np.sum(x, axis=(-1), keepdims=True)", show(expr("np.sum(x, axis=-1, keepdims=True)")));
    assertEquals("x.reshape(1, 6, 64).T", show(expr("x.reshape(1, 6, 64).T")));
    assertEquals("np.load(\"w.npz\")[\"W\"]", show(expr("np.load(\"w.npz\")[\"W\"]")));
    assertEquals("np.concatenate([a, b], axis=0)", show(expr("np.concatenate([a, b], axis=0)")));
  }

  @Test
  void slicingWithStepsAndNegativeIndices() {
    assertEquals("x[:, 0:64, ::2]", show(expr("x[:, 0:64, ::2]")));
    assertEquals("x[(-1), :(-2):3]", show(expr("x[-1, :-2:3]")));
    assertEquals("x[None, 1:]", show(expr("x[None, 1:]")));
    assertEquals("x[..., 0:1]", show(expr("x[..., 0:1]")));
  }

  @Test
  void tuplesAndUnpacking() {
    Module m = parse("a, (b, c) = x, (y, z)\nt = ()\nu = (1,)\n");
    Stmt.Assign a = (Stmt.Assign) m.body().get(0);
    assertEquals("(a, (b, c,),)", show(a.targets().get(0)));
    assertEquals("(x, (y, z,),)", show(a.value()));
    assertEquals("(,)", show(((Stmt.Assign) m.body().get(1)).value()));
    assertEquals("(1,)", show(((Stmt.Assign) m.body().get(2)).value()));
  }

  @Test
  void comparisons() {
    for (CompareOp op : CompareOp.values()) {
      Expr.Compare c = (Expr.Compare) expr("a " + op.symbol() + " b");
      assertEquals(op, c.op());
    }
  }

  @Test
  void functionWithAnnotationsDocstringAndIndentedBody() {
    String src =
        """
        import numpy as np

        def f(x: Encrypted[int4, (6, 768)], y: Clear[uint8, ()]) -> int:
            \"\"\"Adds.

            Multi-line docstring.\"\"\"
            # a comment line
            z = x + \\
                y   # trailing comment

            return np.sum(z,
                          axis=0)
        """;
    Module m = parse(src);
    assertEquals(2, m.body().size());
    Stmt.FunctionDef f = (Stmt.FunctionDef) m.body().get(1);
    assertEquals("f", f.name());
    assertEquals(2, f.params().size());
    assertEquals("Encrypted[int4, (6, 768,)]", show(f.params().get(0).annotation().orElseThrow()));
    assertEquals("Clear[uint8, (,)]", show(f.params().get(1).annotation().orElseThrow()));
    assertTrue(f.docstring().orElseThrow().startsWith("Adds."));
    assertEquals(3, f.body().size());
    assertEquals(new Span("t.fhe", 3, 1, 12, 26), f.span());
    Stmt.Assign z = (Stmt.Assign) f.body().get(1);
    assertEquals("(x + y)", show(z.value()));
    assertEquals(new Span("t.fhe", 8, 5, 9, 10), z.span());
  }

  @Test
  void nestedBlocksAndDedentToOuterLevels() {
    String src =
        """
        def f(x):
            for i in range(3):
                for j in range(2):
                    x = x + i * j
            return x
        def g(y): return f(y)
        """;
    Module m = parse(src);
    Stmt.FunctionDef f = (Stmt.FunctionDef) m.body().get(0);
    Stmt.For outer = (Stmt.For) f.body().get(0);
    Stmt.For inner = (Stmt.For) outer.body().get(0);
    assertEquals("range(2)", show(inner.iterable()));
    assertInstanceOf(Stmt.Return.class, f.body().get(1));
    Stmt.FunctionDef g = (Stmt.FunctionDef) m.body().get(1);
    assertEquals("f(y)", show(((Stmt.Return) g.body().get(0)).value().orElseThrow()));
  }

  @Test
  void augmentedAssignmentImportsAndSemicolons() {
    Module m = parse("from numpy import exp as e, sum\nx += 1; y @= w\npass\n");
    Stmt.FromImport fi = (Stmt.FromImport) m.body().get(0);
    assertEquals("numpy", fi.module());
    assertEquals("e", fi.names().get(0).alias().orElseThrow());
    assertEquals(BinaryOp.ADD, ((Stmt.AugAssign) m.body().get(1)).op());
    assertEquals(BinaryOp.MATMUL, ((Stmt.AugAssign) m.body().get(2)).op());
    assertInstanceOf(Stmt.Pass.class, m.body().get(3));
  }

  @Test
  void fileWithoutTrailingNewlineAndTabs() {
    Module m = parse("def f(x):\n\treturn x");
    Stmt.FunctionDef f = (Stmt.FunctionDef) m.body().get(0);
    Stmt.Return r = (Stmt.Return) f.body().get(0);
    Name n = (Name) r.value().orElseThrow();
    assertEquals(new Span("t.fhe", 2, 9, 2, 10), n.span());
  }

  @Test
  void matmulSpanCoversOperands() {
    Binary b = (Binary) expr("q @ k.T");
    assertEquals(new Span("t.fhe", 1, 5, 1, 12), b.span());
    Call c = (Call) expr("np.exp(x)");
    assertEquals(new Span("t.fhe", 1, 5, 1, 14), c.span());
  }

  // ---- errors --------------------------------------------------------------------------------

  private static String error(String src) {
    return assertThrows(FhePySyntaxException.class, () -> parse(src)).getMessage();
  }

  @Test
  void missingColonSaysWhatWasExpected() {
    assertEquals(
        """
        t.fhe:1:9: expected '->' or ':' but found end of line
            def f(x)
                    ^""",
        error("def f(x)\n    return x\n"));
  }

  @Test
  void unexpectedIndent() {
    assertEquals(
        """
        t.fhe:2:5: unexpected indent
                y = 2
                ^""",
        error("x = 1\n    y = 2\n"));
  }

  @Test
  void missingIndentedBlock() {
    assertEquals(
        """
        t.fhe:2:1: expected an indented block
            return 1
            ^^^^^^""",
        error("def f():\nreturn 1\n"));
  }

  @Test
  void inconsistentDedent() {
    assertEquals(
        """
        t.fhe:4:3: unindent does not match any outer indentation level
              return x
              ^""",
        error("def f(x):\n    if_ = 1\n    y = 2\n  return x\n"));
  }

  @Test
  void unclosedParenthesisIsReportedAtEndOfFile() {
    String msg = error("y = np.sum(x, axis=0\nz = 1\n");
    assertTrue(
        msg.startsWith(
            """
            t.fhe:1:11: '(' was never closed
                y = np.sum(x, axis=0
                          ^"""),
        msg);
  }

  @Test
  void badCharactersAndUnterminatedString() {
    assertEquals(
        """
        t.fhe:1:7: unexpected character '$'
            x = a $ b
                  ^
        t.fhe:2:5: unterminated string literal
            y = "abc
                ^""",
        error("x = a $ b\ny = \"abc\n"));
  }

  @Test
  void chainedComparisonIsRejected() {
    assertEquals(
        """
        t.fhe:1:5: chained comparisons such as a < b < c are not supported; compare two values at a time
            m = a < b < c
                ^^^^^^^^^""",
        error("m = a < b < c\n"));
  }

  @Test
  void severalErrorsAreAllReported() {
    FhePySyntaxException e =
        assertThrows(
            FhePySyntaxException.class,
            () -> parse("def f(x)\n    return x\nx = (1 +\ndef g(:\n    pass\ny = 3 $\n"));
    assertTrue(e.diagnostics().size() >= 2, e.getMessage());
    for (int i = 1; i < e.diagnostics().size(); i++) {
      assertTrue(e.diagnostics().get(i - 1).span().line() <= e.diagnostics().get(i).span().line());
    }
  }

  @Test
  void errorCountIsBounded() {
    String src = "x = $\n".repeat(200);
    FhePySyntaxException e = assertThrows(FhePySyntaxException.class, () -> parse(src));
    assertEquals(FhePyParser.MAX_ERRORS, e.diagnostics().size());
  }

  @Test
  void semanticChecksInTheBuilder() {
    assertTrue(error("f(a=1, b)\n").contains("positional argument follows keyword argument"));
    assertTrue(error("f(a=1, a=2)\n").contains("keyword argument 'a' repeated"));
    assertTrue(error("def f(a, a):\n    pass\n").contains("duplicate parameter 'a'"));
    assertTrue(error("x = 99999999999999999999\n").contains("does not fit in 64 bits"));
    assertTrue(error("x = 012\n").contains("leading zeros"));
  }

  @Test
  void windowsLineEndingsFormFeedsAndBlankLinesWithSpaces() {
    Module m = parse("def f(x):\r\n    y = x\r\n   \r\n\f    \r\n    return y\r\n");
    Stmt.FunctionDef f = (Stmt.FunctionDef) m.body().get(0);
    assertEquals(2, f.body().size());
    assertEquals(5, f.body().get(1).span().line());
  }

  @Test
  void oneLineBodiesAndEmptyFiles() {
    assertEquals(0, parse("").body().size());
    assertEquals(0, parse("# only a comment\n\n").body().size());
    Stmt.FunctionDef f = (Stmt.FunctionDef) parse("def f(x): y = x; return y").body().get(0);
    assertEquals(2, f.body().size());
  }
}
