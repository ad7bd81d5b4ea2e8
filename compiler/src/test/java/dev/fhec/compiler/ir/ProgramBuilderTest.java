package dev.fhec.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Op.BinaryKind;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramBuilderTest {
  private static final IntType INT = new IntType(true, 0);
  private static final Location LOC = new Location.Json("g.json", "/nodes/3");

  private static int enc(ProgramBuilder b, int... shape) {
    return b.input("x" + b.size(), shape, INT, true);
  }

  private static int clear(ProgramBuilder b, int... shape) {
    return b.input("c" + b.size(), shape, new IntType(false, 0), false);
  }

  @Test
  void broadcastingFollowsNumpy() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = enc(b, 6, 1, 64);
    int y = clear(b, 5, 1);
    int z = b.add(x, y);
    assertArrayEquals(new int[] {6, 5, 64}, b.type(z).shape());
    assertTrue(b.type(z).encrypted());
    int s = b.add(y, b.constant(3L));
    assertArrayEquals(new int[] {5, 1}, b.type(s).shape());
    assertFalse(b.type(s).encrypted());
  }

  @Test
  void broadcastMismatchNamesNodeAndBothShapes() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = enc(b, 6, 64);
    int y = clear(b, 3);
    CompileException e = assertThrows(CompileException.class, () -> b.at(LOC).add(x, y));
    String m = e.getMessage();
    assertTrue(m.contains("%2"), m);
    assertTrue(m.contains("[6,64]") && m.contains("[3]"), m);
    assertEquals(LOC, e.first().location());
    assertEquals(2, e.first().node().getAsInt());
  }

  @Test
  void matmulShapes() {
    ProgramBuilder b = new ProgramBuilder("p");
    int[][][] cases = {
      // lhs, rhs, expected
      {{6, 768}, {768, 64}, {6, 64}},
      {{12, 6, 64}, {12, 64, 6}, {12, 6, 6}},
      {{2, 1, 3, 4}, {5, 4, 7}, {2, 5, 3, 7}},
      {{4}, {4}, {}},
      {{4}, {4, 3}, {3}},
      {{2, 3, 4}, {4}, {2, 3}},
    };
    for (int[][] c : cases) {
      int l = enc(b, c[0]);
      int r = clear(b, c[1]);
      assertArrayEquals(c[2], b.type(b.matmul(l, r)).shape(), Arrays.deepToString(c));
    }
    int l = enc(b, 6, 768);
    int r = clear(b, 64, 768);
    CompileException e = assertThrows(CompileException.class, () -> b.matmul(l, r));
    assertTrue(e.getMessage().contains("[6,768]") && e.getMessage().contains("[64,768]"));
  }

  @Test
  void elementTypes() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = enc(b, 3);
    int f = b.constant(new Tensor.Floats(new int[] {3}, new double[] {0.5, 1, 2}));
    assertInstanceOf(FloatType.class, b.type(b.mul(x, f)).element());
    assertInstanceOf(IntType.class, b.type(b.mul(x, b.constant(2L))).element());
    assertInstanceOf(FloatType.class, b.type(b.div(x, b.constant(2L))).element());
    int cmp = b.binary(BinaryKind.GREATER, x, b.constant(0L));
    assertEquals(new IntType(false, 0), b.type(cmp).element());
    int e = b.unary(UnaryFn.Simple.EXP, x);
    assertInstanceOf(FloatType.class, b.type(e).element());
    int back = b.cast(b.unary(UnaryFn.Simple.RINT, e), INT);
    assertEquals(INT, b.type(back).element());
    assertTrue(b.type(back).encrypted());
  }

  @Test
  void reductionsAndMovement() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = enc(b, 2, 3, 4);
    assertArrayEquals(new int[] {2, 4}, b.type(b.sum(x, List.of(-2), false)).shape());
    assertArrayEquals(new int[] {1, 1, 1}, b.type(b.sum(x, List.of(), true)).shape());
    assertArrayEquals(new int[] {}, b.type(b.sum(x, List.of(), false)).shape());
    assertArrayEquals(
        new int[] {2, 3, 1}, b.type(b.reduce(Op.ReduceKind.MAX, x, -1, true)).shape());
    int r = b.reshape(x, 6, -1);
    assertArrayEquals(new int[] {6, 4}, b.type(r).shape());
    assertEquals(List.of(6, 4), ((Op.Reshape) b.node(r).op()).shape());
    assertThrows(CompileException.class, () -> b.reshape(x, 5, -1));
    assertArrayEquals(new int[] {4, 3, 2}, b.type(b.transpose(x)).shape());
    assertArrayEquals(new int[] {3, 2, 4}, b.type(b.transpose(x, 1, 0, 2)).shape());
    assertThrows(CompileException.class, () -> b.transpose(x, 0, 0, 1));
    int s = b.slice(x, Arrays.asList(null, 1), Arrays.asList(null, -1), List.of(1, 1));
    assertArrayEquals(new int[] {2, 1, 4}, b.type(s).shape());
    int s2 = b.slice(x, List.of(0, 0, 1), List.of(2, 3, 100), List.of(1, 2, 2));
    assertArrayEquals(new int[] {2, 2, 2}, b.type(s2).shape());
    assertArrayEquals(new int[] {2, 3, 8}, b.type(b.concat(List.of(x, x), -1)).shape());
    int y = enc(b, 2, 5, 4);
    assertArrayEquals(new int[] {2, 8, 4}, b.type(b.concat(List.of(x, y), 1)).shape());
    assertThrows(CompileException.class, () -> b.concat(List.of(x, y), 0));
    assertArrayEquals(new int[] {5, 2, 3, 4}, b.type(b.broadcastTo(x, 5, 2, 3, 4)).shape());
    assertThrows(CompileException.class, () -> b.broadcastTo(x, 2, 6, 4));
    int g = b.gather(x, List.of(2, -1, 0), 2);
    assertArrayEquals(new int[] {2, 3, 3}, b.type(g).shape());
    assertEquals(List.of(2, 3, 0), ((Op.Gather) b.node(g).op()).indices());
    assertArrayEquals(new int[] {2, 1, 3, 4}, b.type(b.expandDims(x, 1)).shape());
  }

  @Test
  void whereNeedsClearCondition() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = enc(b, 4, 4);
    int mask = clear(b, 4, 4);
    int w = b.where(mask, x, b.constant(-100L));
    assertArrayEquals(new int[] {4, 4}, b.type(w).shape());
    assertTrue(b.type(w).encrypted());
    assertThrows(CompileException.class, () -> b.where(x, mask, mask));
  }

  @Test
  void undefinedOperandAndNoOutputs() {
    ProgramBuilder b = new ProgramBuilder("p");
    enc(b, 2);
    assertThrows(CompileException.class, () -> b.neg(5));
    assertThrows(CompileException.class, b::build);
    Program p = b.output(b.neg(0)).build();
    assertEquals(2, p.nodes().size());
    assertEquals(List.of(1), p.outputs());
  }
}
