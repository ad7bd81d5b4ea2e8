package dev.fhec.compiler.passes;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.report.OpKinds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a bounded program guarantees: the input ranges it accepts, and the nodes whose range does
 * not follow from their operands' (they rely on calibration). Checked on the final program, so it
 * holds whatever policy or pass produced the bounds: a node is sound when one step of interval
 * analysis ({@link MeasureBounds#interval}) from its operands' final ranges stays inside its own.
 * With every input in range and no listed node past its width, the circuit computes the program's
 * math exactly; a listed node that exceeds its width is an overflow, which simulation reports.
 */
public final class BoundsAudit {
  private BoundsAudit() {}

  /**
   * An input's accepted range.
   *
   * @param name the input's name
   * @param min smallest accepted value
   * @param max largest accepted value
   * @param declared whether the source declared a range (or width); false = from the inputset only
   */
  public record InputRange(String name, long min, long max, boolean declared) {}

  /**
   * A node whose range relies on calibration.
   *
   * @param node SSA id in the final program
   * @param op the op kind, as the report names it
   * @param location where it came from in the user's source
   * @param calibratedMin lower end of the range the circuit was built for
   * @param calibratedMax upper end
   * @param soundMin lower end of its sound range, or null when none is known
   * @param soundMax upper end, or null
   * @param width the encoding width: values in [−2^(w−1), 2^(w−1)) (signed) or [0, 2^w) still
   *     compute exactly; beyond it the node overflows
   */
  public record Reliance(
      int node,
      String op,
      String location,
      long calibratedMin,
      long calibratedMax,
      Long soundMin,
      Long soundMax,
      int width) {
    /** "%5 (matmul at model.json#/nodes/0) calibrated [-20, 9], sound [-144, 144], 6 bits". */
    public String describe() {
      return "%"
          + node
          + " ("
          + op
          + " at "
          + location
          + "): calibrated ["
          + calibratedMin
          + ", "
          + calibratedMax
          + "], sound "
          + (soundMin == null ? "unknown" : "[" + soundMin + ", " + soundMax + "]")
          + ", encoded in "
          + width
          + " bits";
    }
  }

  /**
   * The audit of {@code compiled} (bounded, widths assigned).
   *
   * @param inputs accepted range of every input, in input order
   * @param calibrated nodes relying on calibration, in SSA order (empty = sound for every input)
   */
  public record Result(List<InputRange> inputs, List<Reliance> calibrated) {
    public Result {
      inputs = List.copyOf(inputs);
      calibrated = List.copyOf(calibrated);
    }

    /** True when every encrypted range follows from the declared input ranges. */
    public boolean sound() {
      return calibrated.isEmpty();
    }
  }

  /**
   * Audits {@code compiled}; {@code source} (the program before any pass) says which inputs
   * declared a range.
   */
  public static Result of(Program source, Program compiled) {
    Map<Integer, Optional<Bounds>> declared = new HashMap<>();
    for (Node in : source.inputs()) {
      declared.put(((Op.Input) in.op()).index(), MeasureBounds.declared(in));
    }
    Bounds[] b = new Bounds[compiled.nodes().size()];
    for (Node n : compiled.nodes()) {
      b[n.id()] = n.bounds().orElse(null);
    }
    Map<Integer, Tensor> clear = new HashMap<>();
    List<InputRange> inputs = new ArrayList<>();
    List<Reliance> calibrated = new ArrayList<>();
    for (Node n : compiled.nodes()) {
      if (n.type().isFloat() || b[n.id()] == null) {
        continue;
      }
      Bounds own = b[n.id()];
      Bounds sound;
      if (n.op() instanceof Op.Input in) {
        sound = declared.getOrDefault(in.index(), Optional.empty()).orElse(null);
        inputs.add(new InputRange(in.name(), own.min(), own.max(), sound != null));
        sound = sound == null ? null : sound.union(own);
      } else if (!n.type().encrypted()) {
        continue;
      } else {
        try {
          sound = MeasureBounds.interval(compiled, n, b, clear);
        } catch (CompileException | ArithmeticException | IllegalArgumentException e) {
          sound = null;
        }
      }
      if (sound == null || sound.min() < own.min() || sound.max() > own.max()) {
        calibrated.add(
            new Reliance(
                n.id(),
                OpKinds.kind(n.op()), // the report's name for it
                n.location().toString(),
                own.min(),
                own.max(),
                sound == null ? null : sound.min(),
                sound == null ? null : sound.max(),
                n.type().element() instanceof ElementType.IntType t ? t.width() : 0));
      }
    }
    return new Result(inputs, calibrated);
  }
}
