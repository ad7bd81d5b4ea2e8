package dev.fhec.compiler.lowering;

import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.optimizer.PartitionedParameters;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Many-LUT fusion (CLOT21, ePrint 2021/729; compiler.md §8.10): lookups that read the same
 * encrypted value become one {@link Instruction.ManyTlu}, one bootstrap per element for all of
 * them, and a {@link Instruction.Gather} per original lookup picks its function's outputs.
 *
 * <p>Exact: output j of the many-LUT is the sample extraction of the box holding table j's entry,
 * the same integer the separate lookup returns. The price is precision: F functions of a w-bit
 * value need the noise margin of a (w + log2 F)-bit lookup, which can move the bootstrap into a
 * costlier partition (a larger N, a larger key). So {@link #choose} fuses a group only when the
 * optimizer's complexity of the whole circuit says it pays, and reports both figures either way.
 *
 * <p>Candidates: exact lookups (table of 2^w entries, one table for every element) of the same
 * value with the same output width and signedness (the many-LUT has one output type). Of k such
 * lookups the first F = 2^⌊log2 k⌋ are fused (F ≤ 8), the others stay separate.
 */
public final class ManyLookups {
  private ManyLookups() {}

  /** The most functions fused into one bootstrap (3 extra bits of precision). */
  static final int MAX_FUNCTIONS = 8;

  /**
   * Lookups of one value that one many-LUT can compute.
   *
   * @param input the value they read
   * @param inputWidth its width w
   * @param instructions indices of the lookups (program order), the first {@link #functions()}
   *     fused
   */
  public record Group(int input, int inputWidth, List<Integer> instructions) {
    public Group {
      instructions = List.copyOf(instructions);
    }

    /** F: the lookups one many-LUT computes (a power of two). */
    public int functions() {
      return Math.min(MAX_FUNCTIONS, Integer.highestOneBit(instructions.size()));
    }

    /** The precision of the fused bootstrap: w + log2 F. */
    public int precision() {
      return inputWidth + Integer.numberOfTrailingZeros(functions());
    }
  }

  /**
   * The groups of {@code c} (a lowered circuit) that a many-LUT could compute, in program order.
   */
  public static List<Group> candidates(LoweredCircuit c) {
    Map<List<Integer>, List<Integer>> byKey = new LinkedHashMap<>();
    for (int i = 0; i < c.instructions().size(); i++) {
      if (!(c.instructions().get(i) instanceof Instruction.Tlu t) || t.tables().length != 1) {
        continue;
      }
      ValueInfo in = c.value(t.a());
      ValueInfo out = c.value(t.out());
      if (c.tables().get(t.tables()[0]).inputWidth() != in.width()) {
        continue; // approximate rounding reads fewer bits: not interleavable
      }
      byKey
          .computeIfAbsent(
              List.of(t.a(), out.width(), out.signed() ? 1 : 0, t.partition()),
              k -> new ArrayList<>())
          .add(i);
    }
    List<Group> groups = new ArrayList<>();
    for (Map.Entry<List<Integer>, List<Integer>> e : byKey.entrySet()) {
      if (e.getValue().size() >= 2) {
        int a = e.getKey().get(0);
        groups.add(new Group(a, c.value(a).width(), e.getValue()));
      }
    }
    return groups;
  }

  /**
   * {@code lowered} with every group of {@code groups} fused: the first lookup of a group becomes
   * the many-LUT (into a new value of shape [F] + the input's shape) followed by one gather per
   * fused lookup (defining that lookup's value, with its origin); the other fused lookups go.
   */
  public static LoweredCircuit fuse(LoweredCircuit lowered, List<Group> groups) {
    LoweredCircuit c = lowered;
    Map<Integer, Group> first = new HashMap<>();
    java.util.Set<Integer> dropped = new java.util.HashSet<>();
    for (Group g : groups) {
      first.put(g.instructions().get(0), g);
      dropped.addAll(g.instructions().subList(1, g.functions()));
    }
    List<ValueInfo> values = new ArrayList<>(c.values());
    List<Instruction> out = new ArrayList<>();
    List<Integer> origins = new ArrayList<>();
    for (int i = 0; i < c.instructions().size(); i++) {
      Instruction ins = c.instructions().get(i);
      if (dropped.contains(i)) {
        continue;
      }
      Group g = first.get(i);
      if (g == null) {
        out.add(ins);
        origins.add(lowered.origins().get(i));
        continue;
      }
      int f = g.functions();
      ValueInfo in = c.value(g.input());
      Instruction.Tlu head = (Instruction.Tlu) ins;
      ValueInfo type = c.value(head.out());
      int[] shape = new int[in.shape().length + 1];
      shape[0] = f;
      System.arraycopy(in.shape(), 0, shape, 1, in.shape().length);
      int many = values.size();
      values.add(new ValueInfo(shape, type.width(), type.signed(), true, type.partition()));
      int[] tables = new int[f];
      for (int j = 0; j < f; j++) {
        tables[j] = ((Instruction.Tlu) c.instructions().get(g.instructions().get(j))).tables()[0];
      }
      out.add(new Instruction.ManyTlu(many, g.input(), tables, head.partition()));
      origins.add(lowered.origins().get(i));
      int n = in.size();
      for (int j = 0; j < f; j++) {
        int member = g.instructions().get(j);
        int[] element = new int[n];
        for (int e = 0; e < n; e++) {
          element[e] = j * n + e;
        }
        out.add(
            new Instruction.Gather(
                c.instructions().get(member).out(), new int[] {many}, new int[0], element));
        origins.add(lowered.origins().get(member));
      }
    }
    return new LoweredCircuit(
        c.name(), values, c.constants(), c.tables(), out, c.inputs(), c.outputs(), origins);
  }

  /**
   * Greedy in program order: fuse a group when the optimizer's plan for the whole circuit with it
   * fused (and the groups taken before) is preferable to the plan without ({@link
   * PartitionedParameters#preferableTo}: within the key budget, then lower complexity). One
   * optimizer run per candidate group; none when there is no candidate.
   *
   * @param lowered the circuit the optimizer chose {@code parameters} for
   * @param optimize the multi-parameter optimizer under the compilation's target and key budget
   */
  public static LoweringChoice choose(
      LoweredCircuit lowered,
      PartitionedParameters parameters,
      Function<LoweredCircuit, PartitionedParameters> optimize) {
    List<Group> groups = candidates(lowered);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%nmany-LUT (several lookups of one value in one PBS):"));
    if (groups.isEmpty()) {
      sb.append(" no two exact lookups read the same value with the same output type");
      return new LoweringChoice(lowered, parameters, sb.toString());
    }
    List<Group> taken = new ArrayList<>();
    LoweredCircuit best = lowered;
    PartitionedParameters bestPlan = parameters;
    for (Group g : groups) {
      List<Group> trial = new ArrayList<>(taken);
      trial.add(g);
      LoweredCircuit fused = fuse(lowered, trial);
      PartitionedParameters q;
      try {
        q = optimize.apply(fused);
      } catch (NoParametersException e) {
        q = null;
      }
      boolean take = q != null && q.preferableTo(bestPlan);
      long saved = (long) (g.functions() - 1) * lowered.value(g.input()).size();
      sb.append(
          String.format(
              Locale.ROOT,
              "%n  %%%d (%d-bit, %,d elements): %d lookups -> 1 many-LUT at %d bits (%,d PBS"
                  + " fewer): whole circuit %s fused, %.4e separate; %s",
              g.input(),
              g.inputWidth(),
              lowered.value(g.input()).size(),
              g.functions(),
              g.precision(),
              saved,
              q == null ? "no parameters" : String.format(Locale.ROOT, "%.4e", q.complexity()),
              bestPlan.complexity(),
              take ? "fused" : "kept separate"));
      if (take) {
        taken.add(g);
        best = fused;
        bestPlan = q;
      }
    }
    return new LoweringChoice(best, bestPlan, sb.toString());
  }
}
