package dev.fhec.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Op.BinaryKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IrTextTest {
  /** A program using every op, every location kind, bounds, widths and odd doubles. */
  static Program everyOp() {
    ProgramBuilder f = new ProgramBuilder("relu_table");
    int e = f.input("e", new int[0], new IntType(true, 4), false);
    int per = f.constant(new Tensor.Ints(new int[] {3}, new long[] {1, 2, 3}));
    f.output(f.add(f.unary(UnaryFn.Simple.RELU, e), per));
    Program fn = f.build();

    ProgramBuilder b = new ProgramBuilder("every op");
    b.at(new Location.Json("g.json", "/inputs/0"));
    int x = b.input("x \"quoted\"\n", new int[] {2, 3}, new IntType(true, 5), true);
    b.at(new Location.Source("m.fhe", 3, 5, 3, 17));
    int c = b.input("c", new int[] {3}, new IntType(false, 0), false);
    b.at(new Location.OnnxNode("m.onnx", "MatMul_1", "MatMul"));
    int k =
        b.constant(new Tensor.Ints(new int[] {3, 2}, new long[] {1, -2, 3, Long.MIN_VALUE, 5, 6}));
    b.at(new Location.Derived("fuse", new Location.Json("g.json", "/nodes/1")));
    int fl =
        b.constant(
            new Tensor.Floats(
                new int[] {3}, new double[] {-0.0, Double.NaN, Double.NEGATIVE_INFINITY}));
    b.at(Location.UNKNOWN);
    int s = b.add(x, c);
    for (BinaryKind kind : BinaryKind.values()) {
      b.binary(kind, x, c);
    }
    b.neg(s);
    int mm = b.matmul(x, k);
    b.sum(mm, List.of(0), true);
    b.reduce(Op.ReduceKind.MAX, x, 1, false);
    b.reduce(Op.ReduceKind.MIN, x, 0, true);
    for (UnaryFn.Simple fnk : UnaryFn.Simple.values()) {
      b.unary(fnk, x);
    }
    b.unary(new UnaryFn.Clip(-1.5, 1e300), x);
    int pw = b.unary(new UnaryFn.Power(2), x);
    b.cast(b.mul(x, fl), new IntType(true, 7));
    b.cast(pw, new FloatType());
    b.where(b.binary(BinaryKind.GREATER, c, b.constant(1L)), x, b.constant(0L));
    b.roundBits(x, 2, true);
    b.reshape(x, 3, 2);
    b.transpose(x);
    b.slice(x, List.of(1), List.of(2), List.of(1));
    b.concat(List.of(x, x, x), 0);
    b.broadcastTo(x, 4, 2, 3);
    b.gather(x, List.of(2, 0), 1);
    int t = b.tableLookup(x, fn);
    int bounded =
        b.node(
            b.node(t).op(),
            b.type(t).withElement(new IntType(false, 3)),
            java.util.Optional.of(new Bounds(-7, 7)));
    return b.output(bounded).output(s).build();
  }

  @Test
  void roundTripIsExact() {
    Program p = everyOp();
    String text = IrPrinter.print(p, IrPrinter.Options.ROUND_TRIP);
    Program back = IrParser.parse(text);
    assertEquals(p, back, text);
    assertEquals(text, IrPrinter.print(back, IrPrinter.Options.ROUND_TRIP));
  }

  @Test
  void printsConcreteLikeLines() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {6, 64}, new IntType(true, 4), true);
    int y = b.node(new Op.Neg(x), b.type(x), java.util.Optional.of(new Bounds(-7, 7)));
    b.output(y);
    String text = IrPrinter.print(b.build());
    assertEquals(
        """
        program p {
          %0 = input(0, "x")  # EncryptedInt<4>[6,64]
          %1 = neg(%0)  # EncryptedInt<4>[6,64] ∈ [-7, 7]
          return %1
        }
        """,
        text);
  }

  @Test
  void largeConstantsAreSummarizedAndRefusedByTheParser() {
    ProgramBuilder b = new ProgramBuilder("p");
    long[] data = new long[100];
    for (int i = 0; i < data.length; i++) {
      data[i] = i - 50;
    }
    b.output(b.constant(new Tensor.Ints(new int[] {10, 10}, data)));
    String text = IrPrinter.print(b.build());
    assertTrue(text.contains("<100 values, min -50, max 49>"), text);
    CompileException e = assertThrows(CompileException.class, () -> IrParser.parse(text));
    assertTrue(e.getMessage().contains("summarized"), e.getMessage());
  }

  @Test
  void typesMayBeOmittedExceptOnInputs() {
    Program p =
        IrParser.parse(
            """
            // a comment
            program q {
              %0 = input(0, "x")  # EncryptedInt[2,3]
              %1 = constant(i64[3] {1, 2, 3})
              %2 = matmul(%0, %1)
              return %2
            }
            """);
    assertEquals("EncryptedInt[2]", p.type(2).toString());
    CompileException e =
        assertThrows(
            CompileException.class,
            () -> IrParser.parse("program q {\n  %0 = input(0, \"x\")\n  return %0\n}"));
    assertInstanceOf(Location.Source.class, e.first().location());
  }

  @Test
  void errorsAreLocatedAndSayWhatWasExpected() {
    String text =
        """
        program q {
          %0 = input(0, "x")  # EncryptedInt[2,3]
          %1 = add(%0, %7)
          return %1
        }
        """;
    CompileException e = assertThrows(CompileException.class, () -> IrParser.parse("t.ir", text));
    Location.Source at = (Location.Source) e.first().location();
    assertEquals(3, at.line());
    assertEquals(16, at.column());
    assertTrue(e.getMessage().contains("%7"), e.getMessage());
    CompileException shape =
        assertThrows(
            CompileException.class,
            () ->
                IrParser.parse(
                    "program q {\n %0 = input(0, \"x\") # ClearInt[2]\n"
                        + " %1 = constant(i64[3] {1, 2, 3})\n %2 = add(%0, %1)\n return %2\n}"));
    assertTrue(shape.getMessage().contains("[2]") && shape.getMessage().contains("[3]"));
    assertEquals(4, ((Location.Source) shape.first().location()).line());
  }

  @Test
  void notesRenderCaretsUnderTheLine() {
    Program p = IrParser.parse("program q {\n %0 = input(0, \"x\") # ClearInt[2]\n return %0\n}");
    String text = IrPrinter.print(p, IrPrinter.Options.DEFAULT, Map.of(0, List.of("bad input")));
    assertTrue(text.contains("\n  ^^^^^^^^^^^^^^^^^^ bad input\n"), text);
    assertNotEquals(text, IrPrinter.print(p));
  }
}
