package dev.fhec.compiler.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fhec.compiler.lowering.DeadElements;
import dev.fhec.compiler.report.InspectionReport;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.exec.ClearSimulator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds where a run leaves the ranges the circuit was built for. A value outside its node's range
 * is wrong in the encrypted run even inside its encoding width (a lookup table is tabulated over
 * the range only), so the simulator's own check (the padding bit) is not enough: this one simulates
 * the circuit once more with every node's value as an output and compares each with the node's
 * range, in SSA order, so the first one named is the cause.
 */
public final class OverflowCheck {
  private OverflowCheck() {}

  /**
   * One overflow.
   *
   * @param node IR node id (as in report.json and program.ir)
   * @param op its op kind
   * @param location where it came from in the user's source
   * @param element flat index of the first element out of range
   * @param value that element's value
   * @param min the node's range
   * @param max the node's range
   */
  public record Overflow(
      int node, String op, String location, int element, long value, long min, long max) {
    /** One line for the user, ending with the ways out. */
    public String message() {
      return "overflow at %"
          + node
          + " ("
          + op
          + " at "
          + location
          + "): element "
          + element
          + " = "
          + value
          + " is outside the range ["
          + min
          + ", "
          + max
          + "] the circuit was compiled for";
    }
  }

  /** The hint every overflow message ends with. */
  public static final String HINT =
      "recompile with a representative inputset, a wider --calibration-margin, --bounds sound,"
          + " or --round-to R; 'fhec inspect' lists the nodes that rely on calibration";

  /** The circuit value holding each checked node's result, from the bundle; empty if unknown. */
  public static Map<Integer, Integer> nodeValues(Bundle b) {
    Map<Integer, Integer> out = new LinkedHashMap<>();
    BoundsManifest bm = b.manifest().bounds();
    if (bm == null || bm.instructionOrigins().size() != b.circuit().instructions().size()) {
      return out;
    }
    List<Instruction> ins = b.circuit().instructions();
    for (int i = 0; i < ins.size(); i++) {
      out.put(bm.instructionOrigins().get(i), ins.get(i).out()); // the node's last instruction
    }
    return out;
  }

  /** The first overflow of the run on {@code inputs} (flat, circuit order), if any. */
  public static Optional<Overflow> first(Bundle b, List<long[]> inputs) {
    List<Overflow> all = of(b).check(inputs, true);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** Every node out of its range in the run on {@code inputs} (first element each, SSA order). */
  public static List<Overflow> all(Bundle b, List<long[]> inputs) {
    return of(b).check(inputs, false);
  }

  /** A checker for many runs of one bundle (the probe circuit is built once). */
  public static Checker of(Bundle b) {
    Map<Integer, Integer> nodeValue = nodeValues(b);
    List<InspectionReport.NodeRow> rows = new ArrayList<>();
    List<Integer> outputs = new ArrayList<>();
    List<Integer> shifts = new ArrayList<>();
    List<boolean[]> live = new ArrayList<>();
    boolean[][] demanded = DeadElements.demand(b.circuit());
    for (InspectionReport.NodeRow r : b.report().nodes()) {
      Integer v = nodeValue.get(r.id());
      if (r.encrypted() && r.min() != null && v != null) {
        rows.add(r);
        outputs.add(v);
        // A shared-squares product read only by lookups is left doubled, one bit wider than its
        // node (Lowering#halve): its value is 2·(x·y).
        shifts.add(b.circuit().value(v).width() == r.bitWidth() + 1 ? 1 : 0);
        live.add(demanded[v]);
      }
    }
    Map<Integer, List<Integer>> operands = new LinkedHashMap<>();
    for (InspectionReport.NodeRow r : b.report().nodes()) {
      operands.put(r.id(), r.operands());
    }
    return new Checker(
        rows.isEmpty() ? null : withOutputs(b.circuit(), outputs), rows, shifts, live, operands);
  }

  /**
   * The circuit with other outputs. Through its JSON form, so that every component of the circuit
   * (its parameters, whatever else a newer format adds) is kept as it is.
   */
  private static Circuit withOutputs(Circuit c, List<Integer> outputs) {
    ObjectMapper json = BundleJson.mapper();
    ObjectNode tree = json.valueToTree(c);
    ArrayNode out = tree.putArray("outputs");
    outputs.forEach(out::add);
    try {
      return json.treeToValue(tree, Circuit.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("circuit does not round-trip through JSON", e);
    }
  }

  /** Checks runs of one bundle against its nodes' ranges. */
  public static final class Checker {
    private final Circuit probe;
    private final List<InspectionReport.NodeRow> rows;
    private final List<Integer> shifts;

    /** Per row, the elements an output depends on (a dead element holds a meaningless copy). */
    private final List<boolean[]> live;

    private final Map<Integer, List<Integer>> operands;

    private Checker(
        Circuit probe,
        List<InspectionReport.NodeRow> rows,
        List<Integer> shifts,
        List<boolean[]> live,
        Map<Integer, List<Integer>> operands) {
      this.probe = probe;
      this.rows = List.copyOf(rows);
      this.shifts = List.copyOf(shifts);
      this.live = List.copyOf(live);
      this.operands = operands;
    }

    /**
     * The overflows among {@code found} (one run) that start there: no node they depend on
     * overflowed too. The others (data movement of an overflowed value, lookups reading one) are
     * consequences.
     */
    public List<Overflow> causes(List<Overflow> found) {
      java.util.Set<Integer> over = new java.util.HashSet<>();
      for (Overflow o : found) {
        over.add(o.node());
      }
      java.util.Set<Integer> downstream = new java.util.HashSet<>();
      for (Map.Entry<Integer, List<Integer>> e : operands.entrySet()) { // SSA order
        for (int x : e.getValue()) {
          if (over.contains(x) || downstream.contains(x)) {
            downstream.add(e.getKey());
            break;
          }
        }
      }
      return found.stream().filter(o -> !downstream.contains(o.node())).toList();
    }

    /** The nodes out of range in the run on {@code inputs}; only the first when asked. */
    public List<Overflow> check(List<long[]> inputs, boolean firstOnly) {
      List<Overflow> found = new ArrayList<>();
      if (probe == null) {
        return found;
      }
      ClearSimulator.Result r =
          ClearSimulator.run(
              probe, inputs, new ClearSimulator.Options(0, OptionalLong.empty(), false));
      for (int i = 0; i < rows.size(); i++) {
        InspectionReport.NodeRow row = rows.get(i);
        long[] v = r.outputs().get(i);
        int shift = shifts.get(i);
        boolean[] used = live.get(i);
        for (int e = 0; e < v.length; e++) {
          if (!used[e]) {
            continue;
          }
          long x = v[e] >> shift; // exact: a doubled product is even
          if (x < row.min() || x > row.max()) {
            found.add(new Overflow(row.id(), row.op(), row.location(), e, x, row.min(), row.max()));
            if (firstOnly) {
              return found;
            }
            break;
          }
        }
      }
      return found;
    }
  }
}
