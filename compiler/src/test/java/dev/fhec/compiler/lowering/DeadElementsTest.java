package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.compiler.bundle.OverflowCheck;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Seed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DeadElements}: masked attention-like programs (an encrypted product, a per-element mask
 * folded into the next lookup, then consumers that read the constants: max, exp-like lookups, sums,
 * or the output itself) compute the source program's values over the whole declared input range,
 * with fewer bootstraps than the unpruned circuit by exactly the masked elements' lookups, in the
 * clear and encrypted; and the range check ignores the dead elements.
 */
class DeadElementsTest {

  private static final int PROGRAMS = 24;

  @Test
  void maskedProgramsAgreeWithTheReferenceOverTheWholeRange() {
    Random rnd = new Random(2026_12_05);
    int pruned = 0;
    for (int i = 0; i < PROGRAMS; i++) {
      int m = 1 + rnd.nextInt(3);
      int k = 1 + rnd.nextInt(3);
      int n = 2 + rnd.nextInt(3);
      long[] mask = new long[m * n];
      for (int j = 0; j < mask.length; j++) {
        mask[j] = j % n <= j / n ? 1 : rnd.nextInt(2); // causal diagonal kept, the rest random
      }
      Program p = maskedProgram(m, k, n, mask, i % 4, rnd);
      for (CompileOptions.Products how :
          List.of(CompileOptions.Products.QUARTER, CompileOptions.Products.SHARED)) {
        CompiledCircuit full = compile(p, how, false);
        CompiledCircuit cut = compile(p, how, true);
        check(p, cut.circuit(), rnd, "program " + i + " " + how);
        check(p, full.circuit(), rnd, "program " + i + " " + how + " unpruned");
        assertTrue(cut.pbsCount() <= full.pbsCount(), cut.pbsCount() + " vs " + full.pbsCount());
        long masked = java.util.Arrays.stream(mask).filter(v -> v == 0).count();
        if (masked > 0) {
          // At least the masked score lookups go; their products too unless a consumer of the
          // product itself (output 3) still reads them.
          assertTrue(
              cut.pbsCount() <= full.pbsCount() - masked,
              "program " + i + ": " + cut.pbsCount() + " vs " + full.pbsCount());
          pruned++;
        }
      }
    }
    assertTrue(pruned >= PROGRAMS, "masked programs exercised: " + pruned);
  }

  /** The golden's figures, on the whole compile: 30 bootstraps pruned against 45. */
  @Test
  void theMaskedScoresLookupsAndProductsAreNotBootstrapped() {
    long[] mask = {1, 0, 0, 1, 1, 0, 1, 1, 1};
    Program p = maskedProgram(3, 2, 3, mask, 0, new Random(1));
    assertEquals(
        9 * 2 * 2 + 9, compile(p, CompileOptions.Products.QUARTER, false).pbsCount(), "unpruned");
    assertEquals(
        6 * 2 * 2 + 6, compile(p, CompileOptions.Products.QUARTER, true).pbsCount(), "pruned");
  }

  /**
   * Encrypted (TOY_N2048): the constants built without a bootstrap (noiseless ciphertexts of public
   * values) go through later bootstraps (the row max and exp-like lookup) and straight to the
   * output, and decrypt to the reference.
   */
  @Test
  void prunedCircuitsDecryptToTheReference() {
    long[] mask = {1, 0, 0, 1, 1, 0, 1, 1, 1};
    for (int consumer : new int[] {0, 1}) {
      Program p = maskedProgram(3, 2, 3, mask, consumer, new Random(3));
      Circuit c =
          Fhec.compile(p, CompileOptions.defaults(), List.of(), ParameterSets.TOY_N2048).circuit();
      ClientKey ck = KeyGenerator.generateClientKey(c.parameters(), Seed.ofLong(31));
      EvaluationKeys ek =
          KeyGenerator.generateEvaluationKeys(
              ck, Seed.ofLong(32), Seed.ofLong(33), Seed.ofLong(34));
      Random rnd = new Random(5);
      for (int s = 0; s < 3; s++) {
        List<long[]> raw = DifferentialOracleTest.rangeInputs(p, rnd, s);
        List<EncryptedTensor> in = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
          in.add(ClientTensors.encrypt(ck, raw.get(i), c.value(c.inputs().get(i))));
        }
        List<EncryptedTensor> got = CircuitExecutor.run(c, ek, in);
        List<Tensor> want = ReferenceEvaluator.evaluate(p, DifferentialOracleTest.tensors(p, raw));
        assertArrayEquals(
            ((Tensor.Ints) want.get(0)).data(),
            ClientTensors.decrypt(ck, got.get(0)),
            "consumer " + consumer + " sample " + s);
      }
    }
  }

  /**
   * A value out of its calibrated range only where the mask hides it changes no output: the range
   * check does not report it (it did before pruning too, a false alarm), and the result is right.
   */
  @Test
  void theRangeCheckIgnoresDeadElements() {
    ProgramBuilder b = new ProgramBuilder("hidden");
    int x = b.input("x", new int[] {2}, new IntType(true, 4), true);
    int y = b.input("y", new int[] {2}, new IntType(true, 4), true);
    int sum = b.add(x, y);
    int scaled = b.mul(b.cast(sum, new FloatType()), b.constant(0.5));
    int masked =
        b.where(
            b.constant(new Tensor.Ints(new int[] {2}, new long[] {1, 0})),
            scaled,
            b.constant(-1.0));
    Program p =
        b.output(b.cast(b.unary(UnaryFn.Simple.RINT, masked), new IntType(true, 0))).build();
    List<List<Tensor>> inputset = new ArrayList<>();
    for (long v = -2; v <= 2; v++) {
      Tensor t = new Tensor.Ints(new int[] {2}, new long[] {v, -v});
      inputset.add(List.of(t, t));
    }
    CompileOptions options =
        CompileOptions.defaults().withBounds(CompileOptions.BoundsPolicy.CALIBRATED, 0);
    CompiledCircuit cc = Fhec.compile(p, options, inputset);
    Bundle bundle = BundleCompiler.bundle(p, cc, "t.json", Map.of(), options);
    List<long[]> hidden = List.of(new long[] {1, 7}, new long[] {1, 7}); // x + y = 14 masked
    assertTrue(OverflowCheck.first(bundle, hidden).isEmpty(), "a masked element is not checked");
    assertArrayEquals(
        new long[] {1, -1},
        ClearSimulator.run(cc.circuit(), hidden, ClearSimulator.Options.exact()).outputs().get(0));
    List<long[]> visible = List.of(new long[] {7, 1}, new long[] {7, 1}); // x + y = 14 unmasked
    assertFalse(OverflowCheck.first(bundle, visible).isEmpty(), "an unmasked one is");
  }

  /**
   * q [m,k] @ k [k,n] (or q ⊙ k for k = 1 broadcast), masked scores rint(where(mask, s/2, −3)),
   * then: 0 the scores; 1 scores − rowmax (relu chain over the constants), then an exp-like lookup;
   * 2 the row sums of a square of the scores; 3 the scores and the raw product.
   */
  private static Program maskedProgram(int m, int k, int n, long[] mask, int consumer, Random rnd) {
    ProgramBuilder b = new ProgramBuilder("masked");
    int q =
        b.input("q", new int[] {m, k}, new IntType(rnd.nextBoolean(), 1 + rnd.nextInt(2)), true);
    int kk =
        b.input("k", new int[] {k, n}, new IntType(rnd.nextBoolean(), 1 + rnd.nextInt(2)), true);
    int prod = b.matmul(q, kk);
    int scaled = b.mul(b.cast(prod, new FloatType()), b.constant(0.5));
    int where =
        b.where(b.constant(new Tensor.Ints(new int[] {m, n}, mask)), scaled, b.constant(-3.0));
    int scores = b.cast(b.unary(UnaryFn.Simple.RINT, where), new IntType(true, 0));
    switch (consumer) {
      case 0 -> b.output(scores);
      case 1 -> {
        int shifted = b.sub(scores, b.reduce(Op.ReduceKind.MAX, scores, 1, true));
        int e =
            b.unary(UnaryFn.Simple.EXP, b.mul(b.cast(shifted, new FloatType()), b.constant(0.5)));
        b.output(
            b.cast(b.unary(UnaryFn.Simple.RINT, b.mul(e, b.constant(4.0))), new IntType(true, 0)));
      }
      case 2 -> b.output(b.sum(b.mul(scores, scores), List.of(1), false));
      default -> b.output(scores).output(prod);
    }
    return b.build();
  }

  private static CompiledCircuit compile(Program p, CompileOptions.Products how, boolean optimize) {
    return Fhec.compile(
        p,
        CompileOptions.defaults().withProducts(how).withOptimizeLookups(optimize),
        List.of(),
        DifferentialOracleTest.TOY);
  }

  /** Reference = exact simulation (overflow detection on) on the range's corners and 60 draws. */
  private static void check(Program p, Circuit c, Random rnd, String what) {
    for (int trial = 0; trial < 62; trial++) {
      List<long[]> raw = DifferentialOracleTest.rangeInputs(p, rnd, trial);
      List<Tensor> want = ReferenceEvaluator.evaluate(p, DifferentialOracleTest.tensors(p, raw));
      List<long[]> got = ClearSimulator.run(c, raw, ClearSimulator.Options.exact()).outputs();
      for (int o = 0; o < want.size(); o++) {
        assertArrayEquals(
            ((Tensor.Ints) want.get(o)).data(), got.get(o), what + " output " + o + " " + trial);
      }
    }
  }
}
