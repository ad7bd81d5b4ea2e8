package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.compiler.passes.ComputeNorm2;
import dev.fhec.compiler.stats.CompilationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random programs (leveled arithmetic, products of independent values, fused chains,
 * reductions, data movement) through the whole compiler: the simulation of each compiled circuit
 * must equal the reference evaluation on random inputs ({@link DifferentialOracleTest#check}).
 * Programs whose intervals exceed the table limit are rejected by the compiler and skipped; enough
 * must remain.
 */
class RandomProgramOracleTest {
  static Program random(Random r) {
    ProgramBuilder b = new ProgramBuilder("rand");
    List<Integer> pool = new ArrayList<>();
    pool.add(b.input("x", new int[] {2, 3}, new IntType(r.nextBoolean(), 3), true));
    pool.add(b.input("y", new int[] {2, 3}, new IntType(r.nextBoolean(), 2), true));
    int steps = 3 + r.nextInt(5);
    for (int s = 0; s < steps; s++) {
      int a = pool.get(r.nextInt(pool.size()));
      int c = pool.get(r.nextInt(pool.size()));
      int v =
          switch (r.nextInt(9)) {
            case 0 -> b.add(a, c);
            case 1 -> b.sub(a, c);
            case 2 -> b.mul(a, b.constant(Tensor.Ints.scalar(r.nextInt(7) - 3)));
            case 3 -> b.mul(a, c);
            case 4 ->
                b.unary(
                    UnaryFn.Simple.RELU, b.sub(a, b.constant(Tensor.Ints.scalar(r.nextInt(5)))));
            case 5 -> {
              int f = b.mul(b.cast(a, new FloatType()), b.constant(0.3 + r.nextDouble()));
              yield b.cast(b.unary(UnaryFn.Simple.RINT, f), new IntType(true, 0));
            }
            case 6 -> b.broadcastTo(b.reduce(Op.ReduceKind.MAX, a, 1, true), 2, 3);
            case 7 -> b.reshape(b.transpose(a, 1, 0), 2, 3);
            default -> b.binary(Op.BinaryKind.MINIMUM, a, c);
          };
      pool.add(v);
    }
    b.output(pool.get(pool.size() - 1));
    b.output(b.sum(pool.get(pool.size() - 2), List.of(0), false));
    return b.build();
  }

  @Test
  void randomProgramsAgree() {
    Random r = new Random(2026);
    int checked = 0;
    int rejected = 0;
    for (int i = 0; i < 60; i++) {
      Program p = random(r);
      try {
        DifferentialOracleTest.check(p);
        checked++;
      } catch (CompileException e) {
        assertTrue(e.getMessage().contains("bits"), e.getMessage());
        rejected++;
      }
    }
    assertTrue(checked >= 40, checked + " checked, " + rejected + " rejected as too wide");
  }

  /**
   * The IR pass compute-norm2 predicts, for every node with bootstraps, exactly the ν² that
   * Norm2Analysis finds entering its bootstraps in the lowered circuit (clear operands here are
   * literal constants, so the IR bound is tight).
   */
  @Test
  void irNorm2EqualsTheCircuitsOnRandomPrograms() {
    Random r = new Random(7);
    int compared = 0;
    for (int i = 0; i < 60; i++) {
      Program p = random(r);
      dev.fhec.compiler.CompiledCircuit cc;
      try {
        cc =
            dev.fhec.compiler.Fhec.compile(
                p,
                dev.fhec.compiler.CompileOptions.defaults(),
                List.of(),
                DifferentialOracleTest.TOY);
      } catch (CompileException e) {
        continue;
      }
      double[] ir = ComputeNorm2.analyze(cc.program()).bootstrapInput();
      for (CompilationReport.NodeRow row : cc.report().nodes()) {
        if (row.bootstraps() > 0) {
          assertEquals(row.norm2Squared(), ir[row.id()], "program " + i + " node %" + row.id());
          compared++;
        } else {
          assertEquals(0.0, ir[row.id()], "program " + i + " node %" + row.id());
        }
      }
    }
    assertTrue(compared >= 40, compared + " bootstrapping nodes compared");
  }
}
