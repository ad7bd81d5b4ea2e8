package dev.fhec.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.compiler.stats.CompilationReport;
import dev.fhec.runtime.params.ParameterSets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The IR pass {@code compute-norm2} agrees with {@link dev.fhec.compiler.stats.Norm2Analysis} on
 * the lowered circuit: for every node with bootstraps the IR's ν² is ≥ the circuit's, and equal in
 * these programs, whose clear operands are literal constants (the lowering adds no ν² the IR rules
 * do not account for). Hand-computed values pin the rules themselves.
 */
class Norm2ConsistencyTest {
  private static CompiledCircuit compile(Consumer<ProgramBuilder> body) {
    ProgramBuilder b = new ProgramBuilder("n");
    body.accept(b);
    return Fhec.compile(b.build(), CompileOptions.defaults(), List.of(), ParameterSets.TOY_N256);
  }

  /** Asserts IR ≥ circuit everywhere and equality; returns the IR's per-node bootstrap ν². */
  private static double[] consistent(CompiledCircuit cc) {
    double[] ir = ComputeNorm2.analyze(cc.program()).bootstrapInput();
    int withBootstraps = 0;
    for (CompilationReport.NodeRow row : cc.report().nodes()) {
      assertEquals(ir[row.id()], row.irNorm2Squared(), "report column of %" + row.id());
      if (row.bootstraps() > 0) {
        withBootstraps++;
        assertTrue(ir[row.id()] >= row.norm2Squared(), "%" + row.id());
        assertEquals(row.norm2Squared(), ir[row.id()], "%" + row.id());
      } else {
        assertEquals(0.0, ir[row.id()], "%" + row.id() + " has no bootstraps");
      }
    }
    assertTrue(withBootstraps > 0);
    return ir;
  }

  private static int lookupOf(CompiledCircuit cc, int k) {
    int seen = 0;
    Program p = cc.program();
    for (var n : p.nodes()) {
      if (n.op() instanceof Op.TableLookup && seen++ == k) {
        return n.id();
      }
    }
    throw new AssertionError("no lookup " + k);
  }

  @Test
  void leveledChainThenClearMatmulThenProduct() {
    CompiledCircuit cc =
        compile(
            b -> {
              int x = b.input("x", new int[] {2}, new IntType(true, 3), true);
              int y = b.input("y", new int[] {2}, new IntType(true, 3), true);
              int z = b.input("z", new int[] {2}, new IntType(true, 3), true);
              int s = b.sub(b.add(b.mul(x, b.constant(3)), y), b.mul(z, b.constant(2)));
              int r = b.unary(UnaryFn.Simple.RELU, s);
              int m =
                  b.matmul(
                      r, b.constant(new Tensor.Ints(new int[] {2, 2}, new long[] {1, 3, 2, 0})));
              b.output(b.unary(UnaryFn.Simple.RELU, m)).output(b.mul(x, y));
            });
    double[] ir = consistent(cc);
    // 3²·1 + 1 + 2²·1 = 14; Σw² over the columns of [[1,3],[2,0]] = max(1+4, 9+0) = 9; x±y: 2.
    assertEquals(14.0, ir[lookupOf(cc, 0)]);
    assertEquals(9.0, ir[lookupOf(cc, 1)]);
  }

  @Test
  void maxMinComparisonsReductionsSumsAndExactRounding() {
    CompiledCircuit cc =
        compile(
            b -> {
              int x = b.input("x", new int[] {5}, new IntType(false, 3), true);
              int y = b.input("y", new int[] {5}, new IntType(false, 3), true);
              int mx = b.binary(Op.BinaryKind.MAXIMUM, b.add(x, y), y);
              int lt = b.binary(Op.BinaryKind.LESS, x, b.mul(y, b.constant(2)));
              int red = b.reduce(Op.ReduceKind.MAX, b.add(x, x), 0, false);
              int sm = b.sum(b.add(x, y), List.of(0), false);
              int rnd = b.roundBits(b.add(b.mul(x, b.constant(2)), y), 2, true);
              b.output(mx).output(lt).output(red).output(b.unary(UnaryFn.Simple.RELU, sm));
              b.output(rnd);
            });
    consistent(cc);
  }

  @Test
  void encTimesEncMatmulAndWhere() {
    CompiledCircuit cc =
        compile(
            b -> {
              int a = b.input("a", new int[] {2, 3}, new IntType(true, 2), true);
              int c = b.input("c", new int[] {3, 2}, new IntType(true, 2), true);
              int p = b.matmul(a, c);
              int mask = b.constant(new Tensor.Ints(new int[] {2, 2}, new long[] {1, 0, 0, 1}));
              int q = b.input("q", new int[] {2, 2}, new IntType(true, 2), true);
              int w = b.where(mask, b.mul(p, b.constant(3)), b.neg(q));
              b.output(b.unary(UnaryFn.Simple.RELU, w));
            });
    double[] ir = consistent(cc);
    // Each of the 2·k products enters with 1 + 1 and their sum over k = 3 leaves with 2·3 = 6;
    // the where (two encrypted branches, so not fused) adds 3²·6 and the input q's 1: 55.
    assertEquals(55.0, ir[lookupOf(cc, 0)]);
  }

  @Test
  void aComputedClearMatrixIsBoundedByItsBoundsSoTheIrIsAnUpperBound() {
    CompiledCircuit cc =
        compile(
            b -> {
              int x = b.input("x", new int[] {2}, new IntType(true, 3), true);
              int w = b.neg(b.constant(new Tensor.Ints(new int[] {2, 2}, new long[] {1, 3, 2, 0})));
              b.output(b.unary(UnaryFn.Simple.RELU, b.matmul(x, w)));
            });
    int t = lookupOf(cc, 0);
    double ir = ComputeNorm2.analyze(cc.program()).bootstrapInput()[t];
    double circuit = cc.report().nodes().get(t).norm2Squared();
    // The circuit sees the folded weights: max(1+4, 9+0) = 9; the IR only knows w ∈ [−3, 0]
    // per element, so k·3² = 18.
    assertEquals(9.0, circuit);
    assertEquals(18.0, ir);
  }
}
