package dev.fhec.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bit-width rules, fusing decisions and bounds soundness. */
class BitWidthAndFusingTest {
  static final CompileOptions OPTS = CompileOptions.defaults();

  static int width(Program p, int id) {
    return ((IntType) p.type(id).element()).width();
  }

  @Test
  void encTimesEncOperandsGetOneMoreBitAndLeveledOpsShare() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {3}, new IntType(false, 4), true);
    int y = b.input("y", new int[] {3}, new IntType(true, 3), true);
    int z = b.input("z", new int[] {3}, new IntType(false, 2), true);
    int prod = b.mul(x, y); // x ∈ [0,15], y ∈ [−4,3]: x+y ∈ [−4,18], x−y ∈ [−3,19] → 6 bits
    int sum = b.add(prod, z); // shares with z
    Program p = Fhec.analyse(b.output(sum).build(), OPTS, List.of());
    assertEquals(6, width(p, x));
    assertEquals(6, width(p, y));
    Bounds prodB = p.node(sum).bounds().orElseThrow();
    assertEquals(new Bounds(-60 + 0, 45 + 3), prodB);
    // prod ∈ [−60, 45] (7 bits signed), sum ∈ [−60, 48]: one class of 7 bits with z.
    assertEquals(7, width(p, sum));
    assertEquals(7, width(p, z));
    assertEquals(7, width(p, 3));
    // The bit-width line counts bounds-derived widths, not assigned ones: 7 (sum), inputs 4/3/2.
    assertEquals(7, AssignBitWidths.maximumIntegerBitWidth(p));
  }

  @Test
  void clearConstantsDoNotConstrainButCountInTheBitWidthLine() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {2}, new IntType(false, 3), true);
    int c = b.constant(Tensor.Ints.scalar(5000));
    int y = b.mul(x, c);
    int t = b.unary(UnaryFn.Simple.RELU, b.sub(x, b.constant(Tensor.Ints.scalar(2))));
    Program p = Fhec.analyse(b.output(y).output(t).build(), OPTS, List.of());
    assertEquals(16, width(p, y), "x·5000 ∈ [0, 35000]: 16 bits");
    assertEquals(16, width(p, x), "x shares the width of its leveled product");
    assertEquals(16, AssignBitWidths.maximumIntegerBitWidth(p));
  }

  @Test
  void tableInputsOverTheLimitAreLocatedErrors() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {2}, new IntType(false, 9), true);
    int wide = b.mul(x, b.constant(Tensor.Ints.scalar(300)));
    b.output(b.unary(UnaryFn.Simple.RELU, b.sub(wide, b.constant(Tensor.Ints.scalar(7)))));
    // relu(300x − 7) is fused onto x itself (9 bits): fine.
    Fhec.analyse(b.build(), OPTS, List.of());
    ProgramBuilder b2 = new ProgramBuilder("p");
    int x2 = b2.input("x", new int[] {2}, new IntType(false, 9), true);
    int y2 = b2.input("y", new int[] {2}, new IntType(false, 9), true);
    int s = b2.add(b2.mul(x2, b2.constant(Tensor.Ints.scalar(300))), y2);
    int r = b2.unary(UnaryFn.Simple.RELU, s);
    CompileException e =
        assertThrows(
            CompileException.class, () -> Fhec.analyse(b2.output(r).build(), OPTS, List.of()));
    assertTrue(e.getMessage().contains("%" + r), e.getMessage());
    assertTrue(e.getMessage().contains("18 bits"), e.getMessage());
    assertTrue(e.getMessage().contains("--round-to"), e.getMessage());
    // With rounding to 8 bits it compiles, and the lookup reads 8 bits.
    CompileOptions round8 =
        new CompileOptions(OptionalDouble.empty(), 1e-5, OptionalInt.of(8), false, 16, true);
    Program p = Fhec.analyse(b2.build(), round8, List.of());
    Node tlu =
        p.nodes().stream().filter(n -> n.op() instanceof Op.TableLookup).findFirst().orElseThrow();
    assertEquals(8, AssignBitWidths.tableInputWidth(p, (Op.TableLookup) tlu.op()));
  }

  @Test
  void encTimesEncOperandsOverTheLimitAreLocatedErrors() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {2}, new IntType(false, 16), true);
    int y = b.input("y", new int[] {2}, new IntType(false, 16), true);
    int m = b.mul(x, y);
    CompileException e =
        assertThrows(
            CompileException.class, () -> Fhec.analyse(b.output(m).build(), OPTS, List.of()));
    assertTrue(
        e.getMessage().contains("%" + m) && e.getMessage().contains("17 bits"), e.getMessage());
  }

  @Test
  void fusingKeepsOneLookupPerChainAndRejectsTwoIndependentValues() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {4}, new IntType(false, 4), true);
    int lin = b.add(b.mul(x, b.constant(Tensor.Ints.scalar(3))), b.constant(Tensor.Ints.scalar(5)));
    int r = b.unary(UnaryFn.Simple.RELU, b.sub(lin, b.constant(Tensor.Ints.scalar(20))));
    int c = b.unary(new UnaryFn.Clip(0, 9), r);
    Program fused =
        new FuseTableLookups().run(b.output(c).build(), new PassContext(OPTS, List.of()));
    List<Node> tlus = fused.nodes().stream().filter(n -> n.op() instanceof Op.TableLookup).toList();
    assertEquals(1, tlus.size(), "relu and clip of 3x+5 are one lookup on x");
    assertEquals(x, ((Op.TableLookup) tlus.get(0).op()).x());
    assertEquals(2, fused.nodes().size(), "the leveled 3x+5 and the inner relu are dead");

    ProgramBuilder b2 = new ProgramBuilder("p");
    int u = b2.input("u", new int[] {4}, new IntType(false, 4), true);
    int v = b2.input("v", new int[] {4}, new IntType(false, 4), true);
    int f =
        b2.add(
            b2.cast(u, new FloatType()), b2.unary(UnaryFn.Simple.EXP, b2.cast(v, new FloatType())));
    int out = b2.cast(b2.unary(UnaryFn.Simple.RINT, f), new IntType(false, 0));
    CompileException e =
        assertThrows(
            CompileException.class,
            () ->
                new FuseTableLookups()
                    .run(b2.output(out).build(), new PassContext(OPTS, List.of())));
    assertTrue(
        e.getMessage().contains("%" + u) && e.getMessage().contains("%" + v), e.getMessage());
  }

  @Test
  void intervalBoundsContainEveryEvaluationAndInputsetBoundsAreExact() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {2, 3}, new IntType(true, 4), true);
    int w = b.constant(new Tensor.Ints(new int[] {3, 2}, new long[] {2, -1, 0, 3, -4, 1}));
    int m = b.matmul(x, w);
    int s = b.sum(m, List.of(0), true);
    int mx = b.reduce(Op.ReduceKind.MAX, m, 1, false);
    Program src = b.output(s).output(mx).build();
    Program fused = new FuseTableLookups().run(src, new PassContext(OPTS, List.of()));
    Program bounded = new MeasureBounds().run(fused, new PassContext(OPTS, List.of()));
    Random rnd = new Random(5);
    long[] lo = new long[bounded.nodes().size()];
    long[] hi = new long[bounded.nodes().size()];
    java.util.Arrays.fill(lo, Long.MAX_VALUE);
    java.util.Arrays.fill(hi, Long.MIN_VALUE);
    List<List<Tensor>> set = new java.util.ArrayList<>();
    for (int t = 0; t < 300; t++) {
      long[] d = new long[6];
      for (int i = 0; i < 6; i++) {
        d[i] = rnd.nextInt(16) - 8;
      }
      List<Tensor> in = List.of(new Tensor.Ints(new int[] {2, 3}, d));
      set.add(in);
      Tensor[] all = ReferenceEvaluator.evaluateAll(bounded, in);
      for (Node n : bounded.nodes()) {
        Tensor.Ints v = (Tensor.Ints) all[n.id()];
        Bounds bd = n.bounds().orElseThrow();
        for (int i = 0; i < v.size(); i++) {
          assertTrue(
              v.at(i) >= bd.min() && v.at(i) <= bd.max(),
              "%" + n.id() + " = " + v.at(i) + " ∉ " + bd);
          lo[n.id()] = Math.min(lo[n.id()], v.at(i));
          hi[n.id()] = Math.max(hi[n.id()], v.at(i));
        }
      }
    }
    // Column 0 of x@w: 2a + 0b − 4c, worst case [−8·6, 7·6]·… computed per column.
    assertEquals(new Bounds(-8 * 2 + 7 * -4, 7 * 2 + -8 * -4), bounded.node(m).bounds().get());
    Program measured =
        new MeasureBounds()
            .run(
                fused,
                new PassContext(
                    OPTS.withBounds(dev.fhec.compiler.CompileOptions.BoundsPolicy.CALIBRATED, 0),
                    set));
    for (Node n : measured.nodes()) {
      assertEquals(new Bounds(lo[n.id()], hi[n.id()]), n.bounds().orElseThrow(), "%" + n.id());
    }
    // The default policy joins the sound ranges in wherever they fit the lookup limit: here all.
    Program auto = new MeasureBounds().run(fused, new PassContext(OPTS, set));
    for (Node n : auto.nodes()) {
      assertEquals(bounded.node(n.id()).bounds(), n.bounds(), "%" + n.id());
    }
  }

  @Test
  void roundingRemovesEnoughBitsForTheRoundedMaximumToFit() {
    assertEquals(7, RoundTableInputs.lsbsToRemove(new Bounds(0, 1023), 4));
    assertEquals(6, RoundTableInputs.lsbsToRemove(new Bounds(0, 990), 4));
    assertEquals(3, RoundTableInputs.lsbsToRemove(new Bounds(-100, 100), 5));
    // Exhaustively: the rounded range fits the target and one bit fewer would not.
    for (int target = 2; target <= 6; target++) {
      for (long hi = 1L << target; hi < 2000; hi += 37) {
        Bounds bd = new Bounds(-hi / 3, hi);
        int l = RoundTableInputs.lsbsToRemove(bd, target);
        Bounds r =
            new Bounds(
                ReferenceEvaluator.roundBits(bd.min(), l) >> l,
                ReferenceEvaluator.roundBits(bd.max(), l) >> l);
        assertTrue(r.bitWidth() <= target);
        if (l > 1 && l > bd.bitWidth() - target) {
          Bounds r1 =
              new Bounds(
                  ReferenceEvaluator.roundBits(bd.min(), l - 1) >> (l - 1),
                  ReferenceEvaluator.roundBits(bd.max(), l - 1) >> (l - 1));
          assertTrue(r1.bitWidth() > target);
        }
      }
    }
  }
}
