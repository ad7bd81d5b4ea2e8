package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.fhec.compiler.stats.Norm2Analysis;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.exec.CircuitExecutor;
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
import org.junit.jupiter.api.Test;

/**
 * Shared squares under encryption (TOY parameters): a matmul read by a lookup (the bootstrap reads
 * the doubled sum's most significant bits) and one that is an output (halved by identity lookups)
 * decrypt to the source program's values.
 */
class SharedSquaresEncryptedTest {

  @Test
  void decryptedSharedSquaresProductsEqualTheReference() {
    ProgramBuilder b = new ProgramBuilder("shared");
    int x = b.input("x", new int[] {2, 3}, new IntType(true, 2), true);
    int y = b.input("y", new int[] {3, 2}, new IntType(true, 2), true);
    int read = b.unary(UnaryFn.Simple.RELU, b.matmul(x, y));
    int out = b.matmul(y, x);
    Program p = b.output(read).output(out).build();
    CompiledCircuit cc =
        Fhec.compile(
            p,
            CompileOptions.defaults().withProducts(CompileOptions.Products.SHARED),
            List.of(),
            ParameterSets.TOY_N2048);
    Circuit c = cc.circuit();
    double[] nu2 = Norm2Analysis.analyze(c);
    boolean doubledRead = false;
    for (Instruction i : c.instructions()) {
      if (i instanceof Instruction.Tlu t) {
        int width = c.value(t.a()).width();
        doubledRead |= c.tables().get(t.tables()[0]).inputWidth() < width;
        double pFail = NoiseModel.errorProbability(c.parameters(), width, nu2[t.a()]);
        assertTrue(pFail < 1e-6, width + "-bit lookup fails with probability " + pFail);
      }
    }
    assertTrue(doubledRead, "a lookup reads a doubled product's most significant bits");
    ClientKey ck = KeyGenerator.generateClientKey(c.parameters(), Seed.ofLong(21));
    EvaluationKeys ek =
        KeyGenerator.generateEvaluationKeys(ck, Seed.ofLong(22), Seed.ofLong(23), Seed.ofLong(24));
    long[][] xs = {{-2, -1, 0, 1, -2, 1}, {1, 1, -2, 0, -1, -2}};
    long[][] ys = {{-2, 1, 0, -1, 1, -2}, {-2, -2, 1, 1, -1, 0}};
    for (int s = 0; s < xs.length; s++) {
      List<EncryptedTensor> in = new ArrayList<>();
      in.add(ClientTensors.encrypt(ck, xs[s], c.value(c.inputs().get(0))));
      in.add(ClientTensors.encrypt(ck, ys[s], c.value(c.inputs().get(1))));
      List<EncryptedTensor> got = CircuitExecutor.run(c, ek, in);
      List<Tensor> expected =
          ReferenceEvaluator.evaluate(
              p,
              List.of(
                  new Tensor.Ints(new int[] {2, 3}, xs[s]),
                  new Tensor.Ints(new int[] {3, 2}, ys[s])));
      for (int o = 0; o < 2; o++) {
        assertArrayEquals(
            ((Tensor.Ints) expected.get(o)).data(),
            ClientTensors.decrypt(ck, got.get(o)),
            "sample " + s + " output " + o);
      }
    }
  }
}
