package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.runtime.exec.ClearSimulator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The differential oracle for shared squares on random programs: products of every shape (matrix ×
 * matrix, vector × matrix, matrix × vector, vector · vector, batched with a broadcast batch,
 * elementwise, elementwise broadcast), signed and unsigned operands of 1–4 bits, read by a table
 * lookup (the doubled value's MSBs), by a leveled op (a halving lookup) or as an output (a halving
 * lookup). Reference evaluation of the source = cleartext simulation of the circuit under both
 * lowerings, on random inputs over the whole declared range, and the bootstrap count is the
 * formula's ({@link Products#lookups} + the consumers' lookups).
 */
class SharedSquaresOracleTest {

  private static final int PROGRAMS = 36;

  @Test
  void randomProductsAgreeWithTheReferenceUnderBothLowerings() {
    Random rnd = new Random(2026);
    for (int i = 0; i < PROGRAMS; i++) {
      int shape = i % 7;
      int consumer = (i / 7) % 3;
      Program p = randomProgram(rnd, shape, consumer);
      check(p, CompileOptions.Products.QUARTER, rnd, i);
      check(p, CompileOptions.Products.SHARED, rnd, i);
      // The formulas count every element; dead-element pruning (a constant consumer, e.g. relu of
      // a product that cannot be positive) is checked above and counted without it here.
      CompiledCircuit quarter = check(p, CompileOptions.Products.QUARTER, rnd, i, false);
      CompiledCircuit shared = check(p, CompileOptions.Products.SHARED, rnd, i, false);
      long consumers = quarter.pbsCount();
      for (int id : Products.of(quarter.program())) {
        consumers -= Products.lookups(quarter.program(), id, Products.Kind.QUARTER);
      }
      long expected = consumers;
      for (int id : Products.of(shared.program())) {
        expected += Products.lookups(shared.program(), id, Products.Kind.SHARED);
      }
      assertEquals(expected, shared.pbsCount(), "program " + i + " bootstraps");
      assertTrue(
          shared.report().parameterChoice().contains("shared squares"),
          shared.report().parameterChoice());
    }
  }

  /** A matmul [6,4]·[4,5] read by a lookup: m·k·n + m·k + k·n = 164 against 2·m·k·n = 240. */
  @Test
  void sharedSquaresCountMatchesTheFormula() {
    int m = 6;
    int k = 4;
    int n = 5;
    ProgramBuilder b = new ProgramBuilder("mm");
    int x = b.input("x", new int[] {m, k}, new IntType(true, 3), true);
    int y = b.input("y", new int[] {k, n}, new IntType(false, 2), true);
    b.output(b.unary(UnaryFn.Simple.RELU, b.matmul(x, y)));
    Program p = b.build();
    CompiledCircuit cc = check(p, CompileOptions.Products.SHARED, new Random(1), 0);
    assertEquals((long) m * k * n + m * k + k * n + m * n, cc.pbsCount());
    CompiledCircuit q = check(p, CompileOptions.Products.QUARTER, new Random(1), 0);
    assertEquals(2L * m * k * n + m * n, q.pbsCount());
  }

  /**
   * --products auto with the optimizer: for one product the greedy choice is the cheaper of the two
   * whole circuits, and the report names both complexities.
   */
  @Test
  void autoPicksTheLoweringWithTheLowerWholeCircuitComplexity() {
    for (boolean output : List.of(false, true)) {
      ProgramBuilder b = new ProgramBuilder("mm");
      int x = b.input("x", new int[] {4, 8}, new IntType(true, 3), true);
      int y = b.input("y", new int[] {8, 4}, new IntType(true, 3), true);
      int mm = b.matmul(x, y);
      Program p = b.output(output ? mm : b.unary(UnaryFn.Simple.RELU, mm)).build();
      double quarter = complexity(p, CompileOptions.Products.QUARTER);
      double shared = complexity(p, CompileOptions.Products.SHARED);
      CompiledCircuit auto = Fhec.compile(p, CompileOptions.defaults(), List.of());
      assertEquals(Math.min(quarter, shared), auto.report().complexity(), 1e-6 * quarter);
      String account = auto.report().parameterChoice();
      assertTrue(
          account.contains(String.format(java.util.Locale.ROOT, "%.4e with quarter", quarter))
              && account.contains(String.format(java.util.Locale.ROOT, "%.4e with shared", shared)),
          account);
      assertTrue(
          account.contains(
              (shared < quarter ? "shared squares" : "quarter squares") + " (quarter squares"),
          account);
    }
  }

  private static double complexity(Program p, CompileOptions.Products how) {
    return Fhec.compile(p, CompileOptions.defaults().withProducts(how), List.of())
        .report()
        .complexity();
  }

  private static Program randomProgram(Random rnd, int shape, int consumer) {
    ProgramBuilder b = new ProgramBuilder("p");
    int m = 1 + rnd.nextInt(3);
    int k = 1 + rnd.nextInt(4);
    int n = 1 + rnd.nextInt(3);
    int[][] shapes =
        switch (shape) {
          case 0 -> new int[][] {{m, k}, {k, n}};
          case 1 -> new int[][] {{k}, {k, n}};
          case 2 -> new int[][] {{m, k}, {k}};
          case 3 -> new int[][] {{k}, {k}};
          case 4 -> new int[][] {{2, 1, m, k}, {1, 2, k, n}};
          case 5 -> new int[][] {{m, n}, {m, n}};
          default -> new int[][] {{m, 1}, {1, n}};
        };
    int x = b.input("x", shapes[0], randomType(rnd), true);
    int y = b.input("y", shapes[1], randomType(rnd), true);
    int prod = shape < 5 ? b.matmul(x, y) : b.mul(x, y);
    int out =
        switch (consumer) {
          case 0 -> b.unary(UnaryFn.Simple.RELU, prod);
          case 1 -> b.add(prod, b.unary(UnaryFn.Simple.ABS, prod));
          default -> prod;
        };
    return b.output(out).build();
  }

  private static IntType randomType(Random rnd) {
    return new IntType(rnd.nextBoolean(), 1 + rnd.nextInt(4));
  }

  private static CompiledCircuit check(
      Program source, CompileOptions.Products how, Random rnd, int program) {
    return check(source, how, rnd, program, true);
  }

  private static CompiledCircuit check(
      Program source, CompileOptions.Products how, Random rnd, int program, boolean optimize) {
    CompiledCircuit cc =
        Fhec.compile(
            source,
            CompileOptions.defaults().withProducts(how).withOptimizeLookups(optimize),
            List.of(),
            DifferentialOracleTest.TOY);
    for (int trial = 0; trial < 60; trial++) {
      List<long[]> raw = DifferentialOracleTest.rangeInputs(source, rnd, trial);
      List<Tensor> inputs = DifferentialOracleTest.tensors(source, raw);
      List<Tensor> expected = ReferenceEvaluator.evaluate(source, inputs);
      ClearSimulator.Result got =
          ClearSimulator.run(cc.circuit(), raw, ClearSimulator.Options.exact());
      for (int o = 0; o < expected.size(); o++) {
        assertArrayEquals(
            ((Tensor.Ints) expected.get(o)).data(),
            got.outputs().get(o),
            how + " program " + program + " output " + o + " trial " + trial);
      }
    }
    return cc;
  }
}
