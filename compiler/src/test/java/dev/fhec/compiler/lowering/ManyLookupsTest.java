package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.compiler.optimizer.NoiseDag;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.ParameterSets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Many-LUT fusion ({@link ManyLookups}): fused circuits compute bit for bit what the separate
 * lookups compute (simulated on random programs, and encrypted), the optimizer sees a fused lookup
 * at w + log2 F bits, and the compiler fuses only where the whole circuit's complexity drops.
 */
class ManyLookupsTest {

  /** x, then k ≥ 2 lookups of one leveled value (relu(v − c) with distinct c), summed. */
  static Program severalLookupsOfOneValue(Random r, int k) {
    ProgramBuilder b = new ProgramBuilder("many");
    int x = b.input("x", new int[] {2, 3}, new IntType(r.nextBoolean(), 3), true);
    int y = b.input("y", new int[] {2, 3}, new IntType(true, 2), true);
    int v = r.nextBoolean() ? b.add(x, y) : b.sub(x, y);
    int acc = -1;
    for (int j = 0; j < k; j++) {
      int t =
          b.unary(
              j % 2 == 0 ? UnaryFn.Simple.RELU : UnaryFn.Simple.ABS,
              b.sub(v, b.constant(Tensor.Ints.scalar(r.nextInt(5) - 2))));
      acc = acc < 0 ? t : b.add(acc, t);
    }
    b.output(acc);
    b.output(v);
    return b.build();
  }

  private static LoweredCircuit lower(Program p) {
    Program analysed = Fhec.analyse(p, CompileOptions.defaults(), List.of());
    return Lowering.lower(analysed, java.util.Set.of());
  }

  /** {@code lowered} under the TOY_N256 parameters, to simulate or run. */
  private static Circuit toy(LoweredCircuit lowered) {
    return PlanApplication.apply(lowered, ParameterSets.TOY_N256).circuit();
  }

  @Test
  void fusedCircuitsSimulateBitForBitLikeTheSeparateLookups() {
    Random r = new Random(12);
    int fusedGroups = 0;
    int programs = 0;
    for (int i = 0; i < 40; i++) {
      Program p =
          i % 2 == 0
              ? severalLookupsOfOneValue(r, 2 + r.nextInt(4))
              : RandomProgramOracleTest.random(r);
      LoweredCircuit lowered;
      try {
        lowered = lower(p);
      } catch (CompileException e) {
        continue;
      }
      List<ManyLookups.Group> groups = ManyLookups.candidates(lowered);
      LoweredCircuit fused = ManyLookups.fuse(lowered, groups);
      Circuit a = toy(lowered);
      Circuit b = toy(fused);
      assertEquals(fused.instructions().size(), fused.origins().size());
      long saved = 0;
      for (ManyLookups.Group g : groups) {
        saved += (long) (g.functions() - 1) * a.value(g.input()).size();
      }
      assertEquals(a.pbsCount() - saved, b.pbsCount(), "program " + i);
      fusedGroups += groups.size();
      programs++;
      Random rnd = new Random(100 + i);
      for (int trial = 0; trial < 50; trial++) {
        List<long[]> in = DifferentialOracleTest.rangeInputs(p, rnd, trial);
        List<long[]> want = ClearSimulator.run(a, in, ClearSimulator.Options.exact()).outputs();
        List<long[]> got = ClearSimulator.run(b, in, ClearSimulator.Options.exact()).outputs();
        List<Tensor> reference =
            ReferenceEvaluator.evaluate(p, DifferentialOracleTest.tensors(p, in));
        for (int o = 0; o < want.size(); o++) {
          assertArrayEquals(want.get(o), got.get(o), "program " + i + " output " + o);
          assertArrayEquals(((Tensor.Ints) reference.get(o)).data(), got.get(o), "reference");
        }
      }
    }
    assertTrue(programs >= 30, programs + " programs");
    assertTrue(fusedGroups >= 20, fusedGroups + " groups fused");
  }

  @Test
  void theOptimizerSeesTheFusedLookupAtLog2FMoreBits() {
    LoweredCircuit lowered = lower(severalLookupsOfOneValue(new Random(3), 4));
    List<ManyLookups.Group> groups = ManyLookups.candidates(lowered);
    assertEquals(1, groups.size());
    ManyLookups.Group g = groups.get(0);
    assertEquals(4, g.functions());
    LoweredCircuit fused = ManyLookups.fuse(lowered, groups);
    NoiseDag.Lookup many =
        NoiseDag.of(fused).lookups().stream()
            .filter(l -> fused.instructions().get(l.instruction()) instanceof Instruction.ManyTlu)
            .findFirst()
            .orElseThrow();
    assertEquals(g.inputWidth() + 2, many.precision());
    assertEquals(6, many.count()); // one bootstrap per element of the [2,3] input
  }

  @Test
  void aFusedCircuitDecryptsToItsSimulation() {
    Program p = severalLookupsOfOneValue(new Random(5), 2);
    LoweredCircuit lowered = lower(p);
    Circuit c = toy(ManyLookups.fuse(lowered, ManyLookups.candidates(lowered)));
    assertTrue(c.instructions().stream().anyMatch(i -> i instanceof Instruction.ManyTlu));
    KeyGenerator.KeySet keys = KeyGenerator.generate(c.plan(), KeySetIdentity.fresh(c), null);
    Random rnd = new Random(6);
    for (int trial = 0; trial < 3; trial++) {
      List<long[]> in = DifferentialOracleTest.rangeInputs(p, rnd, trial);
      List<EncryptedTensor> enc = new ArrayList<>();
      for (int k = 0; k < in.size(); k++) {
        enc.add(ClientTensors.encrypt(keys.client(), in.get(k), c.value(c.inputs().get(k))));
      }
      List<EncryptedTensor> out = new CircuitExecutor(keys.evaluation()).run(c, enc, null);
      List<long[]> want = ClearSimulator.run(c, in, ClearSimulator.Options.exact()).outputs();
      for (int o = 0; o < want.size(); o++) {
        assertArrayEquals(
            want.get(o), ClientTensors.decrypt(keys.client(), out.get(o)), "output " + o);
      }
    }
  }

  /**
   * The compiler's choice: with optimized parameters a group is fused only when the plan for the
   * fused circuit is preferable, and the report says which and the two complexities.
   */
  @Test
  void theCompilerFusesOnlyWhereTheComplexityDrops() {
    Random r = new Random(8);
    int fused = 0;
    int kept = 0;
    for (int i = 0; i < 6; i++) {
      Program p = severalLookupsOfOneValue(r, 2 + i % 3);
      CompiledCircuit cc = Fhec.compile(p, CompileOptions.defaults(), List.of());
      String why = cc.report().parameterChoice();
      assertTrue(why.contains("many-LUT"), why);
      boolean many =
          cc.circuit().instructions().stream().anyMatch(x -> x instanceof Instruction.ManyTlu);
      assertEquals(many, why.contains("; fused"), why);
      fused += many ? 1 : 0;
      kept += why.contains("kept separate") ? 1 : 0;
      Random rnd = new Random(i);
      for (int trial = 0; trial < 20; trial++) {
        List<long[]> in = DifferentialOracleTest.rangeInputs(p, rnd, trial);
        List<Tensor> reference =
            ReferenceEvaluator.evaluate(p, DifferentialOracleTest.tensors(p, in));
        List<long[]> got =
            ClearSimulator.run(cc.circuit(), in, ClearSimulator.Options.exact()).outputs();
        for (int o = 0; o < got.size(); o++) {
          assertArrayEquals(((Tensor.Ints) reference.get(o)).data(), got.get(o));
        }
      }
    }
    System.out.println("many-LUT choice on 6 programs: " + fused + " fused, " + kept + " kept");
  }
}
