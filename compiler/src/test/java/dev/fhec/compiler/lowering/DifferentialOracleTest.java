package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The differential oracle: for random inputs within the declared input widths, the reference
 * evaluation of the source program equals the cleartext simulation of the compiled circuit, and the
 * PBS count matches the per-construct formulas.
 */
class DifferentialOracleTest {
  static final ParameterSet TOY =
      new ParameterSet(
          "TOY_ORACLE",
          new LweDimension(16),
          new GlweDimension(1),
          new PolynomialSize(256),
          new Decomposition(8, 2),
          new Decomposition(4, 3),
          1e-5,
          1e-9);

  static int in(ProgramBuilder b, String name, int[] shape, boolean signed, int width) {
    return b.input(name, shape, new IntType(signed, width), true);
  }

  static int ints(ProgramBuilder b, int[] shape, long... data) {
    return b.constant(new Tensor.Ints(shape, data));
  }

  /** Compiles with fixed TOY parameters and checks 200 random inputs; returns the circuit. */
  static CompiledCircuit check(Program source) {
    CompiledCircuit cc = Fhec.compile(source, CompileOptions.defaults(), List.of(), TOY);
    Random rnd = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      List<Tensor> inputs = new ArrayList<>();
      List<long[]> raw = new ArrayList<>();
      for (Node n : source.inputs()) {
        IntType t = (IntType) n.type().element();
        long lo = t.signed() ? -(1L << (t.width() - 1)) : 0;
        long span = 1L << t.width();
        long[] d = new long[n.type().size()];
        for (int i = 0; i < d.length; i++) {
          d[i] = lo + (long) (rnd.nextDouble() * span);
        }
        inputs.add(new Tensor.Ints(n.type().shape(), d));
        raw.add(d);
      }
      List<Tensor> expected = ReferenceEvaluator.evaluate(source, inputs);
      ClearSimulator.Result got =
          ClearSimulator.run(cc.circuit(), raw, ClearSimulator.Options.exact());
      for (int o = 0; o < expected.size(); o++) {
        assertArrayEquals(
            ((Tensor.Ints) expected.get(o)).data(),
            got.outputs().get(o),
            "output " + o + " differs on trial " + trial);
      }
    }
    return cc;
  }

  /**
   * Inputs of {@code p} over their whole declared range: trial 0 every element at its minimum,
   * trial 1 at its maximum, later trials uniform.
   */
  static List<long[]> rangeInputs(Program p, Random rnd, int trial) {
    List<long[]> raw = new ArrayList<>();
    for (Node n : p.inputs()) {
      IntType t = (IntType) n.type().element();
      long lo = t.signed() ? -(1L << (t.width() - 1)) : 0;
      long[] d = new long[n.type().size()];
      for (int i = 0; i < d.length; i++) {
        d[i] =
            trial == 0
                ? lo
                : trial == 1 ? lo + (1L << t.width()) - 1 : lo + rnd.nextLong(1L << t.width());
      }
      raw.add(d);
    }
    return raw;
  }

  /** {@code raw} as the tensors of {@code p}'s inputs. */
  static List<Tensor> tensors(Program p, List<long[]> raw) {
    List<Tensor> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      out.add(new Tensor.Ints(p.inputs().get(i).type().shape(), raw.get(i)));
    }
    return out;
  }

  static Program build(Consumer<ProgramBuilder> body) {
    ProgramBuilder b = new ProgramBuilder("t");
    body.accept(b);
    return b.build();
  }

  @Test
  void leveledArithmeticWithConstants() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {2, 3}, false, 4);
              int y = in(b, "y", new int[] {2, 3}, true, 3);
              int s = b.add(x, y);
              int c = b.mul(s, ints(b, new int[] {3}, 2, -3, 5));
              int d = b.sub(ints(b, new int[0], 7), c);
              int e = b.sub(d, x);
              b.output(b.neg(e));
            });
    CompiledCircuit cc = check(p);
    assertEquals(0, cc.pbsCount());
  }

  @Test
  void matmulEncTimesClearBothSides() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {3, 4}, true, 3);
              int w = ints(b, new int[] {4, 2}, 1, -2, 3, 0, -1, 1, 2, 2);
              int left = b.matmul(x, w);
              int v = ints(b, new int[] {3}, 1, 2, -1);
              b.output(left).output(b.matmul(v, x));
            });
    assertEquals(0, check(p).pbsCount());
  }

  @Test
  void encTimesEncMatmulCostsTwoBootstrapsPerScalarProduct() {
    int m = 2;
    int k = 3;
    int n = 4;
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {m, k}, true, 3);
              int y = in(b, "y", new int[] {k, n}, false, 3);
              b.output(b.matmul(x, y));
            });
    CompiledCircuit cc = check(p);
    assertEquals(2L * m * k * n, cc.pbsCount());
  }

  @Test
  void batchedEncTimesEncMatmulAndElementwiseProduct() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {1, 2, 3, 2}, true, 2);
              int y = in(b, "y", new int[] {1, 2, 2, 3}, false, 2);
              int mm = b.matmul(x, y);
              int z = in(b, "z", new int[] {1, 2, 3, 3}, false, 2);
              b.output(b.mul(mm, z));
            });
    CompiledCircuit cc = check(p);
    assertEquals(2L * 2 * 3 * 2 * 3 + 2L * 18, cc.pbsCount());
  }

  @Test
  void exponentialRequantChainIsOneLookupPerElement() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {2, 5}, true, 4);
              int f = b.cast(x, new FloatType());
              int scaled = b.mul(f, b.constant(0.25));
              int e = b.unary(UnaryFn.Simple.EXP, scaled);
              int q = b.div(e, b.constant(0.37));
              int r = b.unary(UnaryFn.Simple.RINT, q);
              b.output(b.cast(r, new IntType(false, 0)));
            });
    CompiledCircuit cc = check(p);
    assertEquals(10, cc.pbsCount());
    assertTrue(
        cc.program().nodes().stream().anyMatch(nd -> nd.op() instanceof Op.TableLookup),
        "fused into a table lookup");
  }

  @Test
  void perElementConstantsGivePerElementTables() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {1, 3, 3}, true, 4);
              int mask = ints(b, new int[] {3, 3}, 1, 0, 0, 1, 1, 0, 1, 1, 1);
              int f = b.cast(x, new FloatType());
              int scaled = b.mul(f, b.constant(0.5));
              int masked = b.where(mask, scaled, b.constant(-9.0));
              int r = b.unary(UnaryFn.Simple.RINT, masked);
              b.output(b.cast(r, new IntType(true, 0)));
            });
    CompiledCircuit cc = check(p);
    assertEquals(2, cc.circuit().tables().size(), "masked and unmasked tables, deduplicated");
    // The 3 masked elements are the constant −9 whatever x is: built without a bootstrap.
    assertEquals(6, cc.pbsCount());
  }

  @Test
  void maxViaReluChainCostsOneBootstrapPerStep() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {3, 5}, true, 4);
              b.output(b.reduce(Op.ReduceKind.MAX, x, 1, true));
              b.output(b.reduce(Op.ReduceKind.MIN, x, 0, false));
            });
    CompiledCircuit cc = check(p);
    assertEquals(3 * 4 + 5 * 2, cc.pbsCount());
  }

  @Test
  void maxTreeKeepsTheNoiseGrowthLogarithmic() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {2, 64}, true, 3);
              b.output(b.reduce(Op.ReduceKind.MAX, x, 1, false));
            });
    CompiledCircuit cc = check(p);
    assertEquals(2 * 63, cc.pbsCount());
    // Level k of the tree compares two values of ν² = k: ν² = 2k, k = 1..6 (a chain would reach
    // 64).
    double maxNu2 =
        cc.report().nodes().stream().mapToDouble(r -> r.norm2Squared()).max().orElseThrow();
    assertEquals(12, maxNu2);
  }

  @Test
  void integerUnivariateOpsAreFused() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {6}, true, 4);
              int shifted = b.sub(x, ints(b, new int[0], 5));
              int relu = b.unary(UnaryFn.Simple.RELU, shifted);
              int clip = b.unary(new UnaryFn.Clip(0, 6), relu);
              int sq = b.mul(shifted, shifted);
              int cmp = b.binary(Op.BinaryKind.LESS, shifted, ints(b, new int[0], 2));
              int mx = b.binary(Op.BinaryKind.MAXIMUM, x, ints(b, new int[0], 9));
              b.output(clip)
                  .output(sq)
                  .output(cmp)
                  .output(mx)
                  .output(b.unary(UnaryFn.Simple.ABS, shifted));
            });
    CompiledCircuit cc = check(p);
    // max(x, 9) is 9 for every 4-bit x: its constant table needs one bootstrap for the ciphertext
    // the other five copies are built from (DeadElements).
    assertEquals(4 * 6 + 1, cc.pbsCount(), "one lookup per element per fused op");
  }

  @Test
  void encryptedBinaryMaxAndComparison() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {4}, true, 3);
              int y = in(b, "y", new int[] {4}, false, 3);
              b.output(b.binary(Op.BinaryKind.MAXIMUM, x, y));
              b.output(b.binary(Op.BinaryKind.MINIMUM, x, y));
              b.output(b.binary(Op.BinaryKind.GREATER_EQUAL, x, y));
            });
    assertEquals(3 * 4, check(p).pbsCount());
  }

  @Test
  void dataMovementAndLeveledWhere() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {2, 3, 4}, true, 4);
              int t = b.transpose(x, 2, 0, 1);
              int s = b.slice(t, List.of(1, 0, 0), List.of(4, 2, 3), List.of(2, 1, 2));
              int r = b.reshape(s, 2, 2, 2);
              int c = b.concat(List.of(r, r), 1);
              int sum = b.sum(c, List.of(1), false);
              int bc = b.broadcastTo(sum, 3, 2, 2);
              int g = b.gather(x, List.of(3, 0), 2);
              int mask = ints(b, new int[] {3, 1, 1}, 1, 0, 1);
              int w = b.where(mask, bc, ints(b, new int[0], -1));
              b.output(w).output(g).output(b.sum(x, List.of(), false));
            });
    assertEquals(0, check(p).pbsCount());
  }
}
