package dev.fhec.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** numpy semantics of the reference evaluator, with expected values worked out by hand. */
class ReferenceEvaluatorTest {
  static Tensor.Ints ints(int[] shape, long... d) {
    return new Tensor.Ints(shape, d);
  }

  static Tensor.Floats floats(int[] shape, double... d) {
    return new Tensor.Floats(shape, d);
  }

  @Test
  void castTruncatesTowardZeroAndRintRoundsHalfToEven() {
    Tensor f = floats(new int[] {6}, -2.7, -0.5, 0.5, 1.5, 2.5, 2.7);
    Tensor.Ints t = (Tensor.Ints) ReferenceEvaluator.cast(f, new ElementType.IntType(true, 0));
    assertArrayEquals(new long[] {-2, 0, 0, 1, 2, 2}, t.data());
    Tensor.Floats r = (Tensor.Floats) ReferenceEvaluator.unary(UnaryFn.Simple.RINT, f);
    assertArrayEquals(new double[] {-3, -0.0, 0, 2, 2, 3}, r.data());
  }

  @Test
  void integerDivisionGivesFloatsAndIntegerOpsStayExact() {
    Tensor a = ints(new int[] {2}, 7, -7);
    Tensor b = ints(new int[0], 2);
    assertInstanceOf(Tensor.Floats.class, ReferenceEvaluator.binary(Op.BinaryKind.DIV, a, b));
    assertArrayEquals(
        new double[] {3.5, -3.5},
        ((Tensor.Floats) ReferenceEvaluator.binary(Op.BinaryKind.DIV, a, b)).data());
    assertArrayEquals(
        new long[] {49, 49},
        ((Tensor.Ints) ReferenceEvaluator.binary(Op.BinaryKind.POW, a, b)).data());
    assertArrayEquals(
        new long[] {0, 1},
        ((Tensor.Ints) ReferenceEvaluator.binary(Op.BinaryKind.LESS, a, b)).data());
  }

  @Test
  void broadcastingFollowsNumpy() {
    Tensor col = ints(new int[] {2, 1}, 10, 20);
    Tensor row = ints(new int[] {3}, 1, 2, 3);
    Tensor.Ints s = (Tensor.Ints) ReferenceEvaluator.binary(Op.BinaryKind.ADD, col, row);
    assertArrayEquals(new int[] {2, 3}, s.shape());
    assertArrayEquals(new long[] {11, 12, 13, 21, 22, 23}, s.data());
  }

  @Test
  void matmulHandlesVectorsAndBatches() {
    Tensor m = ints(new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    Tensor v = ints(new int[] {3}, 1, 0, -1);
    Tensor.Ints mv = (Tensor.Ints) ReferenceEvaluator.matmul(m, v);
    assertArrayEquals(new int[] {2}, mv.shape());
    assertArrayEquals(new long[] {-2, -2}, mv.data());
    Tensor u = ints(new int[] {2}, 1, 1);
    Tensor.Ints um = (Tensor.Ints) ReferenceEvaluator.matmul(u, m);
    assertArrayEquals(new long[] {5, 7, 9}, um.data());
    Tensor batch = ints(new int[] {2, 1, 2}, 1, 0, 0, 1);
    Tensor.Ints bm = (Tensor.Ints) ReferenceEvaluator.matmul(batch, m);
    assertArrayEquals(new int[] {2, 1, 3}, bm.shape());
    assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6}, bm.data());
  }

  @Test
  void reductionsAndDataMovement() {
    Tensor x = ints(new int[] {2, 3}, 1, 5, 3, 4, 2, 6);
    assertArrayEquals(
        new long[] {9, 12}, ((Tensor.Ints) ReferenceEvaluator.sum(x, List.of(1), false)).data());
    assertArrayEquals(
        new long[] {4, 5, 6},
        ((Tensor.Ints) ReferenceEvaluator.reduce(Op.ReduceKind.MAX, x, 0, false)).data());
    Tensor.Ints t =
        (Tensor.Ints) ReferenceEvaluator.gather(x, Movement.transpose(x.shape(), List.of(1, 0)));
    assertArrayEquals(new long[] {1, 4, 5, 2, 3, 6}, t.data());
    Tensor.Ints s =
        (Tensor.Ints)
            ReferenceEvaluator.gather(
                x, Movement.slice(x.shape(), List.of(0, 1), List.of(2, 3), List.of(1, 2)));
    assertArrayEquals(new long[] {5, 2}, s.data());
    Tensor.Ints c = (Tensor.Ints) ReferenceEvaluator.concat(List.of(x, x), 1);
    assertArrayEquals(new long[] {1, 5, 3, 1, 5, 3, 4, 2, 6, 4, 2, 6}, c.data());
    Tensor.Ints g =
        (Tensor.Ints) ReferenceEvaluator.gather(x, Movement.take(x.shape(), List.of(2, 0), 1));
    assertArrayEquals(new long[] {3, 1, 6, 4}, g.data());
  }

  @Test
  void roundBitsRoundsTiesUpAndErfIsAccurate() {
    assertEquals(8, ReferenceEvaluator.roundBits(6, 2));
    assertEquals(4, ReferenceEvaluator.roundBits(5, 2));
    assertEquals(-4, ReferenceEvaluator.roundBits(-6, 2));
    // erf(0.5) = 0.5204998778130465, erf(3) = 0.9999779095030014 (A&S tables).
    assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-15);
    assertEquals(0.9999779095030014, Erf.erf(3), 1e-15);
    assertEquals(-Erf.erf(1.2), Erf.erf(-1.2), 0);
  }
}
