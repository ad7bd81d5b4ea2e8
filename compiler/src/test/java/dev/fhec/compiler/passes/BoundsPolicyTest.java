package dev.fhec.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompileOptions.BoundsPolicy;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.quant.PostTrainingQuantizer;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.compiler.quant.QuantizedProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bounds policy: sound where it fits, calibrated (and named) where it does not. */
class BoundsPolicyTest {
  /** 8 terms of x ∈ [-8, 7] times w ∈ {±3}: sound [-180, 180] (9 bits), then a lookup. */
  private static final String ACC =
      """
      {"name": "acc", "inputs": [{"name": "x", "shape": [1, 8], "dtype": "int",
        "encrypted": true, "range": [-8, 7]}],
       "constants": [{"name": "w", "shape": [8, 1], "dtype": "int",
                      "data": [3, -3, 3, -3, 3, -3, 3, -3]}],
       "nodes": [{"name": "a", "op": "matmul", "inputs": ["x", "w"]},
                 {"name": "f", "op": "astype", "inputs": ["a"], "dtype": "float"},
                 {"name": "g", "op": "mul", "inputs": ["f", 0.1]},
                 {"name": "h", "op": "rint", "inputs": ["g"]},
                 {"name": "y", "op": "astype", "inputs": ["h"], "dtype": "int"}],
       "outputs": ["y"]}
      """;

  private static Program acc() {
    return JsonGraphFrontend.parse(ACC, "acc.json", Optional.empty());
  }

  /** Samples with x ∈ {0, 1}: the accumulator stays in [-12, 12] (5 bits). */
  private static List<List<Tensor>> narrow() {
    List<List<Tensor>> set = new ArrayList<>();
    for (int s = 0; s < 16; s++) {
      long[] x = new long[8];
      for (int i = 0; i < 8; i++) {
        x[i] = (s >> (i % 4)) & 1;
      }
      set.add(List.of(new Tensor.Ints(new int[] {1, 8}, x)));
    }
    return set;
  }

  private static Node matmul(Program p) {
    return p.nodes().stream().filter(n -> n.op() instanceof Op.MatMul).findFirst().orElseThrow();
  }

  @Test
  void withoutAnInputsetTheDeclaredRangesBoundEverySoundly() {
    Program p = acc();
    CompiledCircuit cc = Fhec.compile(p, CompileOptions.defaults(), List.of());
    assertEquals(new Bounds(-8, 7), cc.program().node(0).bounds().orElseThrow());
    // Per output column: 4 terms 3·x ≤ 21 and 4 terms −3·x ≤ 24 (x ∈ [-8, 7]): 180, −180 likewise.
    assertEquals(new Bounds(-180, 180), matmul(cc.program()).bounds().orElseThrow());
    BoundsAudit.Result audit = BoundsAudit.of(p, cc.program());
    assertTrue(audit.sound(), audit.calibrated().toString());
    assertEquals(List.of(new BoundsAudit.InputRange("x", -8, 7, true)), audit.inputs());
  }

  @Test
  void anInputWithoutRangeOrInputsetIsRefusedNamingIt() {
    Program p =
        JsonGraphFrontend.parse(
            ACC.replace(", \"range\": [-8, 7]", ""), "a.json", Optional.empty());
    CompileException e =
        assertThrows(
            CompileException.class, () -> Fhec.compile(p, CompileOptions.defaults(), List.of()));
    assertTrue(e.getMessage().contains("no declared range"), e.getMessage());
  }

  @Test
  void autoKeepsTheCalibratedPrecisionAndNamesTheNodesThatRelyOnCalibration() {
    Program p = acc();
    CompiledCircuit auto = Fhec.compile(p, CompileOptions.defaults(), narrow());
    CompiledCircuit calibrated =
        Fhec.compile(p, CompileOptions.defaults().withBounds(BoundsPolicy.CALIBRATED, 0), narrow());
    CompiledCircuit sound =
        Fhec.compile(p, CompileOptions.defaults().withBounds(BoundsPolicy.SOUND, 0), narrow());
    // Calibrated: the accumulator saw [-12, 12]; sound: [-180, 180] joined with it.
    assertEquals(new Bounds(-12, 12), matmul(calibrated.program()).bounds().orElseThrow());
    assertEquals(new Bounds(-180, 180), matmul(sound.program()).bounds().orElseThrow());
    // Auto: 9 sound bits do not fit the 5-bit lookup the calibration needs: calibrated, and named.
    assertEquals(new Bounds(-12, 12), matmul(auto.program()).bounds().orElseThrow());
    assertEquals(calibrated.circuit().parameters().name(), auto.circuit().parameters().name());
    BoundsAudit.Result a = BoundsAudit.of(p, auto.program());
    assertFalse(a.sound());
    assertEquals(1, a.calibrated().size(), a.calibrated().toString());
    BoundsAudit.Reliance r = a.calibrated().get(0);
    assertEquals(matmul(auto.program()).id(), r.node());
    assertEquals("matmul", r.op());
    assertEquals("acc.json#/nodes/0", r.location());
    assertEquals(
        List.of(-12L, 12L, -180L, 180L),
        List.of(r.calibratedMin(), r.calibratedMax(), r.soundMin(), r.soundMax()));
    assertTrue(r.describe().contains("calibrated [-12, 12], sound [-180, 180]"), r.describe());
    // The lookup reads the calibrated range: its output is sound again (its image).
    assertTrue(BoundsAudit.of(p, sound.program()).sound());
  }

  @Test
  void theMarginWidensCalibratedRangesWithinTheSoundOnes() {
    assertEquals(new Bounds(-5, 15), MeasureBounds.widen(new Bounds(0, 10), 0.5, null));
    assertEquals(
        new Bounds(-2, 15), MeasureBounds.widen(new Bounds(0, 10), 0.5, new Bounds(-2, 100)));
    assertEquals(new Bounds(0, 10), MeasureBounds.widen(new Bounds(0, 10), 0, null));
    // A point range still gains a unit per side.
    assertEquals(new Bounds(2, 4), MeasureBounds.widen(new Bounds(3, 3), 0.1, null));
    Program p = acc();
    CompiledCircuit cc =
        Fhec.compile(
            p, CompileOptions.defaults().withBounds(BoundsPolicy.CALIBRATED, 1.0), narrow());
    assertEquals(new Bounds(-36, 36), matmul(cc.program()).bounds().orElseThrow());
  }

  @Test
  void aTableUndefinedOnTheSoundRangeNarrowsItsInputUnderAutoAndFailsUnderSound() {
    // 1/(x + y) with x, y ∈ [0, 3]: the sum can be 0 by the declared ranges, never by the samples.
    String json =
        """
        {"name": "inv", "inputs": [
           {"name": "x", "shape": [2], "dtype": "int", "encrypted": true, "range": [0, 3]},
           {"name": "y", "shape": [2], "dtype": "int", "encrypted": true, "range": [0, 3]}],
         "nodes": [{"name": "s", "op": "add", "inputs": ["x", "y"]},
                   {"name": "f", "op": "astype", "inputs": ["s"], "dtype": "float"},
                   {"name": "r", "op": "reciprocal", "inputs": ["f"]},
                   {"name": "g", "op": "mul", "inputs": ["r", 4.0]},
                   {"name": "q", "op": "astype", "inputs": ["g"], "dtype": "int"}],
         "outputs": ["q"]}
        """;
    Program p = JsonGraphFrontend.parse(json, "inv.json", Optional.empty());
    List<List<Tensor>> set = new ArrayList<>();
    for (int s = 1; s <= 3; s++) {
      set.add(
          List.of(
              new Tensor.Ints(new int[] {2}, new long[] {s, 3}),
              new Tensor.Ints(new int[] {2}, new long[] {1, s})));
    }
    CompiledCircuit auto = Fhec.compile(p, CompileOptions.defaults(), set);
    BoundsAudit.Result a = BoundsAudit.of(p, auto.program());
    assertEquals(1, a.calibrated().size(), a.calibrated().toString());
    assertEquals("add", a.calibrated().get(0).op());
    assertEquals(2L, a.calibrated().get(0).calibratedMin());
    assertEquals(0L, a.calibrated().get(0).soundMin());
    CompileException e =
        assertThrows(
            CompileException.class,
            () ->
                Fhec.compile(p, CompileOptions.defaults().withBounds(BoundsPolicy.SOUND, 0), set));
    assertTrue(e.getMessage().contains("undefined on part of its input range"), e.getMessage());
  }

  @Test
  void anInputsetBeyondTheDeclaredRangeWidensTheAcceptedRange() {
    Program p = acc();
    List<List<Tensor>> set =
        List.of(List.of(new Tensor.Ints(new int[] {1, 8}, new long[] {9, 0, 0, 0, 0, 0, 0, 0})));
    CompiledCircuit cc =
        Fhec.compile(p, CompileOptions.defaults().withBounds(BoundsPolicy.SOUND, 0), set);
    assertEquals(
        List.of(new BoundsAudit.InputRange("x", -8, 9, true)),
        BoundsAudit.of(p, cc.program()).inputs());
  }

  @Test
  void onnxInputsDeclareTheQuantizersRange() {
    var b = new dev.fhec.compiler.ir.ProgramBuilder("f");
    int x = b.input("x", new int[] {1, 2}, new dev.fhec.compiler.ir.ElementType.FloatType(), true);
    int w = b.constant(new Tensor.Floats(new int[] {2, 1}, new double[] {0.5, -1}));
    Program f = b.output(b.matmul(x, w)).build();
    List<List<Tensor>> set =
        List.of(List.of(new Tensor.Floats(new int[] {1, 2}, new double[] {1.5, -0.5})));
    QuantizedProgram q =
        PostTrainingQuantizer.quantize(f, set, Map.of(), QuantizationOptions.ofBits(4));
    Node in = q.program().inputs().get(0);
    assertEquals(Optional.of(new Bounds(-7, 7)), MeasureBounds.declared(in));
  }
}
