package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.compiler.stats.Norm2Analysis;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.params.NoiseModel;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Seed;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The third leg of the oracle on TOY parameters: decrypting the encrypted run of a compiled circuit
 * gives what the clear simulator gives (enc×enc product, relu-chain max, per-element tables,
 * approximate rounding away from ties).
 */
class EncryptedAgreementTest {
  static final int N = 8;

  static Program program() {
    ProgramBuilder b = new ProgramBuilder("agree");
    int x = b.input("x", new int[] {N}, new IntType(false, 3), true);
    int y = b.input("y", new int[] {N}, new IntType(false, 3), true);
    int prod = b.mul(x, y);
    int mx = b.reduce(Op.ReduceKind.MAX, b.reshape(prod, 2, 4), 1, false);
    int z = b.add(b.mul(x, b.constant(Tensor.Ints.scalar(9))), y); // [0, 70]: 7 bits
    long[] bias = new long[N];
    for (int i = 0; i < N; i++) {
      bias[i] = i % 3;
    }
    int f = b.mul(b.cast(z, new FloatType()), b.constant(0.1));
    int q =
        b.add(
            b.cast(b.unary(UnaryFn.Simple.RINT, f), new IntType(false, 0)),
            b.constant(new Tensor.Ints(new int[] {N}, bias)));
    int t =
        b.unary(UnaryFn.Simple.RELU, b.sub(z, b.constant(new Tensor.Ints(new int[] {N}, bias))));
    return b.output(mx).output(q).output(t).build();
  }

  @Test
  void decryptedRunEqualsSimulation() {
    CompileOptions round5 =
        new CompileOptions(OptionalDouble.empty(), 1e-5, OptionalInt.of(5), false, 16, true);
    CompiledCircuit cc = Fhec.compile(program(), round5, List.of(), ParameterSets.TOY_N2048);
    Circuit c = cc.circuit();
    // The test is only meaningful if no bootstrap may fail: the max tree reads 7-bit signed
    // differences, which TOY_N512 (made for 6 bits) gets wrong with probability 5e-3 each.
    double[] nu2 = Norm2Analysis.analyze(c);
    for (Instruction i : c.instructions()) {
      if (i instanceof Instruction.Tlu t) {
        int width = c.value(t.a()).width();
        double pFail = NoiseModel.errorProbability(c.parameters(), width, nu2[t.a()]);
        assertTrue(pFail < 1e-6, width + "-bit lookup fails with probability " + pFail);
      }
    }
    ClientKey ck = KeyGenerator.generateClientKey(c.parameters(), Seed.ofLong(11));
    EvaluationKeys ek =
        KeyGenerator.generateEvaluationKeys(ck, Seed.ofLong(12), Seed.ofLong(13), Seed.ofLong(14));
    long[] x = {0, 1, 2, 3, 4, 5, 6, 7};
    long[] y = {7, 3, 5, 0, 6, 2, 1, 7};
    List<EncryptedTensor> in = new ArrayList<>();
    in.add(ClientTensors.encrypt(ck, x, c.value(c.inputs().get(0))));
    in.add(ClientTensors.encrypt(ck, y, c.value(c.inputs().get(1))));
    List<EncryptedTensor> out = CircuitExecutor.run(c, ek, in);
    List<long[]> sim =
        ClearSimulator.run(c, List.of(x, y), ClearSimulator.Options.exact()).outputs();
    assertArrayEquals(sim.get(0), ClientTensors.decrypt(ck, out.get(0)), "max of products");
    long[] q = ClientTensors.decrypt(ck, out.get(1));
    long[] t = ClientTensors.decrypt(ck, out.get(2));
    // z = 9x + y ∈ [0, 70] is rounded by 2 bits (to 5 MSBs) before both lookups on it; a tie
    // (z ≡ 2 mod 4) may round either way under noise, so only non-ties must agree exactly.
    int checked = 0;
    for (int i = 0; i < N; i++) {
      long z = 9 * x[i] + y[i];
      if (z % 4 != 2) {
        assertEquals(sim.get(1)[i], q[i], "requant of z = " + z);
        assertEquals(sim.get(2)[i], t[i], "relu of z = " + z);
        // Independently: relu(round(z) − bias) with per-element bias.
        long rounded = (z + 2) / 4 * 4;
        assertEquals(Math.max(0, rounded - i % 3), t[i]);
        checked++;
      }
    }
    assertEquals(true, checked >= 4, "enough non-tie elements checked: " + checked);
    // Products x·y = 0 3 10 0 | 24 10 6 49: row maxima.
    assertArrayEquals(new long[] {10, 49}, sim.get(0));
  }
}
