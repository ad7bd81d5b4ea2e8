package dev.fhec.compiler.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.frontend.lang.NpyArrayFiles;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.passes.BoundsAudit;
import dev.fhec.compiler.passes.MeasureBounds;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random inputs from the whole declared range (not only the inputset) through the compiled circuit,
 * against the source program's math (the reference evaluator): a circuit with sound bounds agrees
 * on every input; one relying on calibration agrees wherever {@link OverflowCheck} finds no
 * overflow, and the overflow is reported otherwise — never a silent wrong value.
 */
class BoundsDifferentialTest {
  private static final int SAMPLES = 300;

  /** relu(x @ W) with a requantizing lookup: matmul, lookup, leveled add. */
  private static final String LINEAR =
      """
      {"name": "linear", "inputs": [{"name": "x", "shape": [2, 4], "dtype": "int",
        "encrypted": true, "range": [-4, 3]}],
       "constants": [{"name": "w", "shape": [4, 3], "dtype": "int",
                      "data": [1, -2, 0, 3, 1, -1, 0, 2, 2, -1, -1, 1]}],
       "nodes": [{"name": "a", "op": "matmul", "inputs": ["x", "w"]},
                 {"name": "r", "op": "relu", "inputs": ["a"]},
                 {"name": "f", "op": "astype", "inputs": ["r"], "dtype": "float"},
                 {"name": "g", "op": "mul", "inputs": ["f", 0.37]},
                 {"name": "h", "op": "rint", "inputs": ["g"]},
                 {"name": "q", "op": "astype", "inputs": ["h"], "dtype": "int"},
                 {"name": "y", "op": "add", "inputs": ["q", "a"]}],
       "outputs": ["y"]}
      """;

  /** An encrypted product and a sum: the two-squares lowering needs x+y and x−y to fit. */
  private static final String PRODUCT =
      """
      {"name": "product", "inputs": [
         {"name": "x", "shape": [3], "dtype": "int", "encrypted": true, "range": [-5, 5]},
         {"name": "y", "shape": [3], "dtype": "int", "encrypted": true, "range": [0, 3]}],
       "nodes": [{"name": "z", "op": "mul", "inputs": ["x", "y"]},
                 {"name": "s", "op": "sum", "inputs": ["z"]},
                 {"name": "m", "op": "maximum", "inputs": ["x", "y"]}],
       "outputs": ["s", "m"]}
      """;

  /** A float chain with a square: the lookup's output range is its exact image. */
  private static final String SQUARE =
      """
      {"name": "square", "inputs": [{"name": "x", "shape": [5], "dtype": "int",
        "encrypted": true, "range": [-7, 7]}],
       "nodes": [{"name": "p", "op": "power", "inputs": ["x"], "exponent": 2},
                 {"name": "q", "op": "astype", "inputs": ["p"], "dtype": "int"},
                 {"name": "s", "op": "sum", "inputs": ["q"], "axis": [0], "keepdims": true},
                 {"name": "y", "op": "sub", "inputs": ["s", "x"]}],
       "outputs": ["y"]}
      """;

  /** The language's declared ranges: a value range, and a width's whole range. */
  private static final String LANG =
      """
      import numpy as np

      def f(x: Encrypted[int4, (4,), (-5, 6)], y: Encrypted[int3, (4,)]):
          z = x * y
          return np.maximum(z, 0) + x
      """;

  private static List<Program> soundPrograms() {
    List<Program> ps = new ArrayList<>();
    for (String json : List.of(LINEAR, PRODUCT, SQUARE)) {
      ps.add(JsonGraphFrontend.parse(json, "t.json", Optional.empty()));
    }
    Program lang = new LangFrontend(new NpyArrayFiles()).compile(LANG, "t.fhe", Path.of("."));
    assertEquals(new Bounds(-5, 6), MeasureBounds.declared(lang.inputs().get(0)).orElseThrow());
    assertEquals(new Bounds(-4, 3), MeasureBounds.declared(lang.inputs().get(1)).orElseThrow());
    ps.add(lang);
    return ps;
  }

  @Test
  void soundCircuitsAgreeWithTheProgramOnTheWholeDeclaredRange() {
    for (Program p : soundPrograms()) {
      // Without an inputset (the default policy is then sound), and with a narrow one under
      // --bounds sound.
      CompileOptions sound =
          CompileOptions.defaults().withBounds(CompileOptions.BoundsPolicy.SOUND, 0);
      for (Run r :
          List.of(
              run(p, CompileOptions.defaults(), List.of(), 11),
              run(p, sound, narrow(p, 7, 1), 11))) {
        assertTrue(r.audit.sound(), p.name() + ": " + r.audit.calibrated());
        assertEquals(0, r.overflowed, p.name());
        assertEquals(SAMPLES, r.agreed, p.name());
      }
    }
  }

  @Test
  void calibratedCircuitsReportEveryOverflowAndAgreeOtherwise() {
    Program p = JsonGraphFrontend.parse(LINEAR, "t.json", Optional.empty());
    CompileOptions calibrated =
        CompileOptions.defaults().withBounds(CompileOptions.BoundsPolicy.CALIBRATED, 0);
    Run r = run(p, calibrated, narrow(p, 7, 2), 12);
    assertFalse(r.audit.sound());
    assertTrue(r.overflowed > 0, "uniform inputs over [-4, 3] leave the [-2, 2] calibration");
    assertTrue(r.agreed > 0);
    assertEquals(SAMPLES, r.overflowed + r.agreed + r.undefined);
    // A margin widens the calibrated ranges: fewer overflows, still never a wrong value.
    Run wide =
        run(
            p,
            calibrated.withBounds(CompileOptions.BoundsPolicy.CALIBRATED, 1.0),
            narrow(p, 7, 2),
            12);
    assertTrue(wide.overflowed < r.overflowed, wide.overflowed + " vs " + r.overflowed);
  }

  @Test
  void theTinyHeadReportsOverflowsInsteadOfWrongResults() throws Exception {
    Path dir = Path.of("../samples/gpt2-head-tiny");
    Program p = JsonGraphFrontend.load(dir.resolve("model.json"));
    List<List<Tensor>> inputset = BundleCompiler.readInputset(dir.resolve("inputset.npz"), p);
    Run r = run(p, CompileOptions.defaults(), inputset, 13);
    assertFalse(r.audit.sound());
    assertTrue(r.overflowed > 0);
    assertEquals(SAMPLES, r.overflowed + r.agreed + r.undefined);
    // The reproduction: all 3s used to decrypt to a wrong result with exit 0.
    long[] threes = new long[48];
    java.util.Arrays.fill(threes, 3);
    Optional<OverflowCheck.Overflow> o = OverflowCheck.first(r.bundle, List.of(threes));
    assertTrue(o.isPresent());
    assertTrue(o.get().location().contains("model.json#/nodes/"), o.get().message());
  }

  @Test
  void anEncryptedRunAtTheEdgesOfTheDeclaredRangeGivesTheProgramsMath() {
    // Σx² over x ∈ [-7, 7]: a 4-bit lookup (TOY_N2048 serves it with margin), an 8-bit sum.
    String json =
        """
        {"name": "squares", "inputs": [{"name": "x", "shape": [5], "dtype": "int",
          "encrypted": true, "range": [-7, 7]}],
         "nodes": [{"name": "p", "op": "power", "inputs": ["x"], "exponent": 2},
                   {"name": "q", "op": "astype", "inputs": ["p"], "dtype": "int"},
                   {"name": "s", "op": "sum", "inputs": ["q"]}],
         "outputs": ["s"]}
        """;
    Program p = JsonGraphFrontend.parse(json, "t.json", Optional.empty());
    CompiledCircuit cc =
        Fhec.compile(p, CompileOptions.defaults(), List.of(), ParameterSets.TOY_N2048);
    assertTrue(BoundsAudit.of(p, cc.program()).sound());
    Circuit c = cc.circuit();
    double[] nu2 = Norm2Analysis.analyze(c);
    for (Instruction i : c.instructions()) {
      if (i instanceof Instruction.Tlu t) {
        double pFail =
            NoiseModel.errorProbability(c.parameters(), c.value(t.a()).width(), nu2[t.a()]);
        assertTrue(pFail < 1e-6, "lookup fails with probability " + pFail);
      }
    }
    ClientKey ck = KeyGenerator.generateClientKey(c.parameters(), Seed.ofLong(21));
    EvaluationKeys ek =
        KeyGenerator.generateEvaluationKeys(ck, Seed.ofLong(22), Seed.ofLong(23), Seed.ofLong(24));
    long[] x = {-7, 7, 0, -6, 6}; // the declared range's edges
    List<Tensor> ref = ReferenceEvaluator.evaluate(p, List.of(new Tensor.Ints(new int[] {5}, x)));
    List<EncryptedTensor> out =
        CircuitExecutor.run(
            c, ek, List.of(ClientTensors.encrypt(ck, x, c.value(c.inputs().get(0)))));
    long[] got = ClientTensors.decrypt(ck, out.get(0));
    Tensor.Ints want = (Tensor.Ints) ref.get(0);
    for (int i = 0; i < got.length; i++) {
      assertEquals(want.at(i), got[i], "element " + i);
    }
    assertEquals(49 + 49 + 36 + 36, got[0]);
  }

  private record Run(
      Bundle bundle, BoundsAudit.Result audit, int agreed, int overflowed, int undefined) {}

  private static Run run(
      Program p, CompileOptions options, List<List<Tensor>> inputset, long seed) {
    CompiledCircuit cc = Fhec.compile(p, options, inputset);
    Bundle b = BundleCompiler.bundle(p, cc, "t.json", Map.of(), options);
    BoundsAudit.Result audit = BoundsAudit.of(p, cc.program());
    Random rnd = new Random(seed);
    int agreed = 0;
    int overflowed = 0;
    int undefined = 0;
    for (int s = 0; s < SAMPLES; s++) {
      List<Tensor> in = new ArrayList<>();
      List<long[]> flat = new ArrayList<>();
      for (Node n : p.inputs()) {
        var range = MeasureBounds.declared(n).orElseThrow();
        long[] d = new long[n.type().size()];
        for (int i = 0; i < d.length; i++) {
          d[i] = range.min() + (long) (rnd.nextDouble() * (range.max() - range.min() + 1));
        }
        in.add(new Tensor.Ints(n.type().shape(), d));
        flat.add(d);
      }
      List<Tensor> ref;
      try {
        ref = ReferenceEvaluator.evaluate(p, in);
      } catch (ReferenceEvaluator.EvaluationException e) {
        undefined++; // the program's own math is undefined there (e.g. 1/0)
        continue;
      }
      if (OverflowCheck.first(b, flat).isPresent()) {
        overflowed++;
        continue;
      }
      ClearSimulator.Result sim =
          ClearSimulator.run(cc.circuit(), flat, ClearSimulator.Options.exact());
      for (int o = 0; o < ref.size(); o++) {
        Tensor.Ints want = (Tensor.Ints) ref.get(o);
        long[] w = new long[want.size()];
        for (int i = 0; i < w.length; i++) {
          w[i] = want.at(i);
        }
        assertArrayEquals(w, sim.outputs().get(o), p.name() + " sample " + s + " output " + o);
      }
      agreed++;
    }
    return new Run(b, audit, agreed, overflowed, undefined);
  }

  /** An inputset in [-spread, spread]: narrower than the declared ranges. */
  private static List<List<Tensor>> narrow(Program p, long seed, int spread) {
    Random rnd = new Random(seed);
    List<List<Tensor>> set = new ArrayList<>();
    for (int s = 0; s < 20; s++) {
      List<Tensor> in = new ArrayList<>();
      for (Node n : p.inputs()) {
        long[] d = new long[n.type().size()];
        for (int i = 0; i < d.length; i++) {
          d[i] =
              Math.max(
                  MeasureBounds.declared(n).orElseThrow().min(),
                  rnd.nextInt(2 * spread + 1) - spread);
        }
        in.add(new Tensor.Ints(n.type().shape(), d));
      }
      set.add(in);
    }
    return set;
  }
}
