package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.ValueInfo;
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
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Exact rounding (carry add, then one bit-extracting bootstrap per removed bit): exhaustive
 * agreement of the clear simulation with round half up, ⌊(x + 2^(l−1)) / 2^l⌋·2^l, computed here
 * with {@link Math#floorDiv}; the PBS count; and the widths the lookups read.
 */
class ExactRoundingTest {
  /** Round half up (toward +∞), computed independently of the compiler. */
  static long roundHalfUp(long x, int l) {
    return Math.floorDiv(x + (1L << (l - 1)), 1L << l) * (1L << l);
  }

  @Test
  void tieRuleOfTheReferenceEvaluatorIsRoundHalfUp() {
    assertEquals(4, ReferenceEvaluator.roundBits(2, 2));
    assertEquals(0, ReferenceEvaluator.roundBits(-2, 2));
    assertEquals(-4, ReferenceEvaluator.roundBits(-3, 2));
    for (int l = 1; l < 8; l++) {
      for (long x = -300; x <= 300; x++) {
        assertEquals(roundHalfUp(x, l), ReferenceEvaluator.roundBits(x, l), x + " by " + l);
      }
    }
  }

  @Test
  void exhaustiveOverEveryInputForSeveralWidthsSignsAndLsbs() {
    int cases = 0;
    for (boolean signed : new boolean[] {false, true}) {
      for (int w = 1; w <= 7; w++) {
        for (int l = 1; l <= w; l++) {
          checkExhaustive(signed, w, l);
          cases++;
        }
      }
    }
    assertEquals(56, cases);
  }

  private static void checkExhaustive(boolean signed, int w, int l) {
    ProgramBuilder b = new ProgramBuilder("round");
    int x = b.input("x", new int[] {2}, new IntType(signed, w), true);
    Program p = b.output(b.roundBits(x, l, true)).build();
    CompiledCircuit cc =
        Fhec.compile(p, CompileOptions.defaults(), List.of(), DifferentialOracleTest.TOY);
    String what = (signed ? "int" : "uint") + w + " by " + l;
    assertEquals(2L * l, cc.pbsCount(), what + ": one bootstrap per removed bit and element");
    long lo = signed ? -(1L << (w - 1)) : 0;
    long hi = signed ? (1L << (w - 1)) - 1 : (1L << w) - 1;
    for (long v = lo; v <= hi; v++) {
      long[] in = {v, lo + hi - v};
      long[] got =
          ClearSimulator.run(cc.circuit(), List.of(in), ClearSimulator.Options.exact())
              .outputs()
              .get(0);
      long[] ref =
          ((Tensor.Ints)
                  ReferenceEvaluator.evaluate(p, List.of(new Tensor.Ints(new int[] {2}, in)))
                      .get(0))
              .data();
      long[] expected = {roundHalfUp(in[0], l), roundHalfUp(in[1], l)};
      assertArrayEquals(expected, got, what + " at x = " + v);
      assertArrayEquals(expected, ref, what + " (reference) at x = " + v);
    }
    // The i-th extraction reads the running width w' − i; w' holds [round(lo), hi + 2^(l−1)].
    int wPrime = cc.circuit().values().get(cc.circuit().inputs().get(0)).width();
    List<Integer> read = tableWidths(cc);
    List<Integer> expectedRead = new ArrayList<>();
    for (int i = 0; i < l; i++) {
      expectedRead.add(wPrime - i);
    }
    assertEquals(expectedRead, read, what);
    assertTrue(wPrime <= w + 1, what + ": at most one extra bit, got " + wPrime);
  }

  /** Per Tlu instruction, in order: log2 of its table size (the bits it reads). */
  static List<Integer> tableWidths(CompiledCircuit cc) {
    List<Integer> r = new ArrayList<>();
    for (Instruction i : cc.circuit().instructions()) {
      if (i instanceof Instruction.Tlu t) {
        r.add(
            Integer.numberOfTrailingZeros(
                cc.circuit().tables().get(t.tables()[0]).entries().length));
      }
    }
    return r;
  }

  @Test
  void roundTableInputsWithExactRoundingFeedsTheLookupAtMostRBits() {
    ProgramBuilder b = new ProgramBuilder("p");
    int z = b.input("z", new int[] {2}, new IntType(false, 10), true);
    int r = b.unary(UnaryFn.Simple.RELU, b.sub(z, b.constant(Tensor.Ints.scalar(500))));
    Program p = b.output(r).build();
    int target = 4;
    CompileOptions exact =
        new CompileOptions(OptionalDouble.empty(), 1e-5, OptionalInt.of(target), true, 16, true);
    CompiledCircuit cc = Fhec.compile(p, exact, List.of(), DifferentialOracleTest.TOY);
    // relu(z − 500) is one fused lookup on z ∈ [0, 1023]; l = 7 keeps round(z)/2^7 ∈ [0, 8] in 4
    // bits (l = 6 would give [0, 16]), and z + 2^6 needs 11 bits.
    int l = 7;
    assertEquals(2L * (l + 1), cc.pbsCount(), "l extractions and the relu per element");
    List<Integer> read = tableWidths(cc);
    assertEquals(l + 1, read.size());
    int consumer = read.get(l);
    assertTrue(consumer <= target, "the relu reads " + consumer + " bits");
    for (int i = 0; i < l; i++) {
      assertTrue(read.get(i) <= CompileOptions.MAX_TLU_WIDTH, "extraction " + i + ": " + read);
    }
    for (long v = 0; v < 1024; v++) {
      long[] in = {v, 1023 - v};
      long[] got =
          ClearSimulator.run(cc.circuit(), List.of(in), ClearSimulator.Options.exact())
              .outputs()
              .get(0);
      for (int e = 0; e < 2; e++) {
        assertEquals(Math.max(0, roundHalfUp(in[e], l) - 500), got[e], "z = " + in[e]);
      }
    }
  }

  @Test
  void exactRoundingWiderThanTheTableLimitIsALocatedError() {
    ProgramBuilder b = new ProgramBuilder("p");
    int z = b.input("z", new int[] {2}, new IntType(false, 20), true);
    int rb = b.roundBits(z, 14, true);
    Program p = b.output(b.unary(UnaryFn.Simple.RELU, rb)).build();
    CompileException e =
        assertThrows(
            CompileException.class,
            () ->
                Fhec.compile(p, CompileOptions.defaults(), List.of(), DifferentialOracleTest.TOY));
    assertTrue(
        e.getMessage().contains("%" + rb) && e.getMessage().contains("exact rounding"),
        e.getMessage());
  }

  @Test
  void extraBitWhenTheCarryAddOverflowsTheInputWidth() {
    // x ∈ [0, 3] (2 bits), l = 2: round(x) ∈ {0, 4} and x + 2 ∈ [2, 5] both need 3 bits.
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {1}, new IntType(false, 2), true);
    Program p = b.output(b.roundBits(x, 2, true)).build();
    CompiledCircuit cc =
        Fhec.compile(p, CompileOptions.defaults(), List.of(), DifferentialOracleTest.TOY);
    ValueInfo in = cc.circuit().values().get(cc.circuit().inputs().get(0));
    assertEquals(3, in.width());
  }

  @Test
  void jsonRoundBitsExactThenALookupOverTheDeclaredRange() {
    String json =
        """
        {"version": 1, "name": "rb",
         "inputs": [{"name": "x", "shape": [3], "dtype": "int", "signed": true,
                     "encrypted": true, "range": [-20, 27]}],
         "nodes": [{"name": "r", "op": "round_bits", "inputs": ["x"], "lsbs": 3, "exact": true},
                   {"name": "y", "op": "relu", "inputs": ["r"]}],
         "outputs": ["r", "y"]}
        """;
    Program p = JsonGraphFrontend.parse(json, "rb.json", Optional.empty());
    List<long[]> samples = new ArrayList<>();
    List<List<Tensor>> inputset = new ArrayList<>();
    for (long v = -20; v <= 27; v++) {
      long[] in = {v, -20 + 27 - v, Math.floorMod(v * 7, 48) - 20};
      samples.add(in);
      inputset.add(List.of(new Tensor.Ints(new int[] {3}, in.clone())));
    }
    CompiledCircuit cc =
        Fhec.compile(p, CompileOptions.defaults(), inputset, DifferentialOracleTest.TOY);
    assertEquals(3L * (3 + 1), cc.pbsCount(), "3 extractions and the relu per element");
    List<Integer> read = tableWidths(cc);
    int w = cc.circuit().values().get(cc.circuit().inputs().get(0)).width();
    assertEquals(List.of(w, w - 1, w - 2), read.subList(0, 3));
    assertEquals(w - 3, (int) read.get(3), "the relu reads the rounded value's MSBs");
    for (long[] in : samples) {
      List<long[]> out =
          ClearSimulator.run(cc.circuit(), List.of(in), ClearSimulator.Options.exact()).outputs();
      for (int e = 0; e < 3; e++) {
        long r = roundHalfUp(in[e], 3);
        assertEquals(r, out.get(0)[e], "round(" + in[e] + ")");
        assertEquals(Math.max(0, r), out.get(1)[e], "relu(round(" + in[e] + "))");
      }
    }
  }

  /**
   * Under real (TOY) encryption every value of a 5-bit input, ties included, rounds exactly: the
   * extractions read exact multiples, so no value sits near a rounding boundary of the modulus
   * switch (unlike approximate rounding, which may go either way at a tie).
   */
  @Test
  void encryptedRunIsExactIncludingTies() {
    ProgramBuilder b = new ProgramBuilder("exact");
    int x = b.input("x", new int[] {32}, new IntType(false, 5), true);
    int rb = b.roundBits(x, 3, true);
    int t = b.unary(UnaryFn.Simple.RELU, b.sub(rb, b.constant(Tensor.Ints.scalar(8))));
    Program p = b.output(rb).output(t).build();
    CompiledCircuit cc =
        Fhec.compile(p, CompileOptions.defaults(), List.of(), ParameterSets.TOY_N512);
    Circuit c = cc.circuit();
    ClientKey ck = KeyGenerator.generateClientKey(c.parameters(), Seed.ofLong(21));
    EvaluationKeys ek =
        KeyGenerator.generateEvaluationKeys(ck, Seed.ofLong(22), Seed.ofLong(23), Seed.ofLong(24));
    long[] in = new long[32];
    for (int i = 0; i < 32; i++) {
      in[i] = i;
    }
    List<EncryptedTensor> out =
        CircuitExecutor.run(
            c, ek, List.of(ClientTensors.encrypt(ck, in, c.value(c.inputs().get(0)))));
    long[] rounded = ClientTensors.decrypt(ck, out.get(0));
    long[] relu = ClientTensors.decrypt(ck, out.get(1));
    for (int i = 0; i < 32; i++) {
      assertEquals(roundHalfUp(i, 3), rounded[i], "round(" + i + ")");
      assertEquals(Math.max(0, roundHalfUp(i, 3) - 8), relu[i], "relu(round(" + i + ") - 8)");
    }
  }
}
