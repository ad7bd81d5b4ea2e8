package dev.fhec.compiler.optimizer;

import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.compiler.stats.CircuitStatistics;
import dev.fhec.compiler.stats.Norm2Analysis;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The noise DAG of a lowered circuit: which noise sources reach every lookup input and every
 * circuit output, and with which squared 2-norm weight (Concrete's symbolic variances, compiler.md
 * §8.5 "DAG version" and §8.8).
 *
 * <p>Why: {@link dev.fhec.compiler.stats.Norm2Analysis} gives one ν² per value, enough for one
 * parameter set; with several partitions the noise of a lookup input depends on <em>where</em> its
 * terms were bootstrapped (V_BR of each source partition), on fresh inputs (V_fresh of the big key
 * they are encrypted under) and on conversion keyswitches between big keys. This class keeps the
 * weights per source, so one pass gives every constraint for any partitioning.
 *
 * <p>Noise atoms for m partitions: FRESH(p) = index p, BR(p) = m + p, CONV(a→b) = 2m + a·m + b. A
 * value's noise is Σ weight·atom; rules as Norm2Analysis (add sums weights, a clear multiplication
 * scales them by max c², a matmul by max Σc², a sum by the number of terms, data movement keeps
 * them), with the largest weight over elements taken atom by atom (an upper bound of the worst
 * element). Lookups and outputs are the only places a ciphertext is read, so constraining both
 * bounds every leveled chain.
 */
public final class NoiseDag {
  /**
   * One table lookup instruction.
   *
   * @param instruction index in the circuit's instruction list
   * @param input the value id it reads
   * @param out the value id it defines
   * @param precision its table's input width p_in
   * @param count number of bootstraps (elements)
   */
  public record Lookup(int instruction, int input, int out, int precision, long count) {}

  /**
   * One circuit output.
   *
   * @param index position in the circuit's outputs
   * @param value its value id
   * @param width its width in bits
   * @param count elements
   */
  public record Output(int index, int value, int width, long count) {
    String label() {
      return "output " + index + " (value " + value + ")";
    }
  }

  private final LoweredCircuit circuit;
  private final double[] factor; // per instruction: weight factor of its single encrypted operand
  private final long[] leveledTerms; // per instruction: Concrete's leveled sum size
  private final int[] lookupOf; // per instruction: index into lookups, or −1
  private final List<Lookup> lookups = new ArrayList<>();
  private final List<Output> outputs = new ArrayList<>();

  private NoiseDag(LoweredCircuit circuit) {
    this.circuit = circuit;
    List<Instruction> ins = circuit.instructions();
    factor = new double[ins.size()];
    leveledTerms = new long[ins.size()];
    lookupOf = new int[ins.size()];
    Arrays.fill(lookupOf, -1);
    for (int i = 0; i < ins.size(); i++) {
      Instruction in = ins.get(i);
      factor[i] =
          switch (in) {
            case Instruction.MulEC m ->
                Norm2Analysis.maxSquare(circuit.constants().get(m.constant()));
            case Instruction.MatMulEC m ->
                Norm2Analysis.contractedSquareSum(circuit.constants().get(m.constant()), true);
            case Instruction.MatMulCE m ->
                Norm2Analysis.contractedSquareSum(circuit.constants().get(m.constant()), false);
            case Instruction.Sum s ->
                (double) circuit.value(s.a()).size() / Math.max(1, circuit.value(s.out()).size());
            case Instruction.Input x -> 1;
            case Instruction.AddEE x -> 1;
            case Instruction.SubEE x -> 1;
            case Instruction.Neg x -> 1;
            case Instruction.AddEC x -> 1;
            case Instruction.SubCE x -> 1;
            case Instruction.Gather x -> 1;
            case Instruction.Reinterpret x -> 1;
            case Instruction.Tlu x -> 1;
            case Instruction.ManyTlu x -> 1;
            case Instruction.Keyswitch x ->
                throw new IllegalStateException("a lowered circuit has no conversions");
          };
      if (in instanceof Instruction.Tlu t) {
        lookupOf[i] = lookups.size();
        lookups.add(
            new Lookup(i, t.a(), t.out(), circuit.precision(t), circuit.value(t.out()).size()));
      } else if (in instanceof Instruction.ManyTlu t) {
        // One bootstrap per input element at precision w + log2 F (CLOT21).
        lookupOf[i] = lookups.size();
        lookups.add(
            new Lookup(i, t.a(), t.out(), circuit.precision(t), circuit.value(t.a()).size()));
      } else {
        CircuitStatistics.Counts k = CircuitStatistics.of(circuit.values(), in);
        leveledTerms[i] = k.encryptedAdditions() + k.clearAdditions() + k.clearMultiplications();
      }
    }
    for (int o = 0; o < circuit.outputs().size(); o++) {
      int v = circuit.outputs().get(o);
      ValueInfo info = circuit.value(v);
      if (info.encrypted()) {
        outputs.add(new Output(o, v, info.width(), info.size()));
      }
    }
  }

  /** The noise DAG of {@code circuit}. */
  public static NoiseDag of(LoweredCircuit circuit) {
    return new NoiseDag(circuit);
  }

  public LoweredCircuit circuit() {
    return circuit;
  }

  public List<Lookup> lookups() {
    return List.copyOf(lookups);
  }

  public List<Output> outputs() {
    return List.copyOf(outputs);
  }

  /** The distinct lookup input precisions, ascending. */
  public int[] precisions() {
    TreeSet<Integer> s = new TreeSet<>();
    for (Lookup l : lookups) {
      s.add(l.precision());
    }
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Σ leveled terms over the circuit (Concrete's sum size). */
  public long leveledTerms() {
    return Arrays.stream(leveledTerms).sum();
  }

  /**
   * The single-parameter profile: lookups grouped by (precision, ν²) with ν² = the sum of their
   * fresh and bootstrap weights (fresh noise is counted as V_BR, an upper bound since V_fresh ≤
   * V_BR), and one {@link OutputConstraint} per output, fresh and bootstrap weights apart.
   *
   * @throws NoParametersException if an output is too wide for any noise (61 or 62 bits)
   */
  public CircuitProfile singleProfile() {
    Partitioned a = partition(new int[lookups.size()], 1);
    List<LookupGroup> groups = new ArrayList<>();
    Map<List<Double>, Long> byKey = new LinkedHashMap<>();
    for (Partitioned.LookupTerms g : a.lookups()) {
      double nu2 = Math.max(1, g.weights()[0] + g.weights()[1]);
      byKey.merge(List.of((double) g.precision(), nu2), g.count(), Long::sum);
    }
    for (Map.Entry<List<Double>, Long> e : byKey.entrySet()) {
      groups.add(new LookupGroup(e.getKey().get(0).intValue(), e.getKey().get(1), e.getValue()));
    }
    List<OutputConstraint> outs = new ArrayList<>();
    for (Partitioned.OutputTerms o : a.outputs()) {
      outs.add(o.constraint(0, 1));
    }
    return new CircuitProfile(groups, leveledTerms(), outs);
  }

  /**
   * The constraints when lookup {@code i} bootstraps in partition {@code lookupPartition[i]} of
   * {@code partitions}. Leveled values live where their operands live; circuit inputs take the
   * partition of their first consumer lookup (so they need no conversion); a leveled operation
   * whose operands live in different partitions converts the others into the partition its
   * consumers want (or its first operand's), once per (value, partition).
   */
  public Partitioned partition(int[] lookupPartition, int partitions) {
    return partition(lookupPartition, lookupPartition, partitions);
  }

  /**
   * As {@link #partition(int[], int)}, except that the output of lookup {@code i} lives in
   * partition {@code home[i]}: when that differs from where it bootstraps, one conversion keyswitch
   * per output element moves it there right after the bootstrap (worth it when its consumers would
   * otherwise keyswitch many times from a much larger big key). {@code home} may continue with one
   * entry per circuit input (in client order): the partition whose big key the client encrypts it
   * under, or −1 for the partition its first consumer wants.
   */
  public Partitioned partition(int[] lookupPartition, int[] home, int partitions) {
    int inputs = circuit.inputs().size();
    if (lookupPartition.length != lookups.size()
        || home.length != lookups.size() && home.length != lookups.size() + inputs) {
      throw new IllegalArgumentException(
          lookupPartition.length + " partitions for " + lookups.size() + " lookups");
    }
    int m = partitions;
    int atoms = 2 * m + m * m;
    List<Instruction> ins = circuit.instructions();
    int values = circuit.values().size();
    int[] desired = new int[values];
    Arrays.fill(desired, -1);
    for (int i = ins.size() - 1; i >= 0; i--) {
      Instruction in = ins.get(i);
      int want = lookupOf[i] >= 0 ? lookupPartition[lookupOf[i]] : desired[in.out()];
      for (int a : in.operands()) {
        if (desired[a] < 0) {
          desired[a] = want;
        }
      }
    }
    int[] part = new int[values];
    Arrays.fill(part, -1);
    int[] root = new int[values];
    for (int v = 0; v < values; v++) {
      root[v] = v;
    }
    double[][] w = new double[values][];
    long[][] conversions = new long[m][m];
    long[] leveled = new long[m];
    Map<Long, double[]> converted = new HashMap<>();
    Map<GroupKey, long[]> groups = new LinkedHashMap<>();
    for (int i = 0; i < ins.size(); i++) {
      Instruction in = ins.get(i);
      int out = in.out();
      if (!circuit.value(out).encrypted()) {
        continue;
      }
      switch (in) {
        case Instruction.Input x -> {
          int chosen = home.length > lookups.size() ? home[lookups.size() + x.index()] : -1;
          part[out] = chosen >= 0 ? chosen : desired[out] >= 0 ? desired[out] : 0;
          w[out] = unit(atoms, part[out]);
        }
        case Instruction.Tlu t ->
            lookupTerms(
                i, t.a(), out, m, atoms, lookupPartition, home, part, w, groups, conversions);
        case Instruction.ManyTlu t ->
            lookupTerms(
                i, t.a(), out, m, atoms, lookupPartition, home, part, w, groups, conversions);
        case Instruction.Keyswitch x ->
            throw new IllegalStateException("a lowered circuit has no conversions");
        case Instruction.AddEE x ->
            combine(out, x.a(), x.b(), m, desired, part, root, w, converted);
        case Instruction.SubEE x ->
            combine(out, x.a(), x.b(), m, desired, part, root, w, converted);
        case Instruction.Gather g -> {
          int target = -1;
          long largest = -1;
          boolean single = true;
          for (int s : g.sources()) {
            single &= s == g.sources()[0];
            long size = circuit.value(root[s]).size();
            if (part[s] >= 0 && (size > largest || size == largest && part[s] == desired[out])) {
              target = part[s];
              largest = size;
            }
          }
          if (single) {
            root[out] = root[g.sources()[0]]; // convert before data movement, on fewer elements
          }
          part[out] = target;
          double[] acc = new double[atoms];
          for (int s : g.sources()) {
            if (part[s] >= 0) {
              double[] ws = convert(s, target, m, part, root, w, converted);
              for (int j = 0; j < atoms; j++) {
                acc[j] = Math.max(acc[j], ws[j]);
              }
            }
          }
          w[out] = acc;
        }
        case Instruction.Neg x -> unary(i, out, x.a(), part, w);
        case Instruction.AddEC x -> unary(i, out, x.a(), part, w);
        case Instruction.SubCE x -> unary(i, out, x.a(), part, w);
        case Instruction.MulEC x -> unary(i, out, x.a(), part, w);
        case Instruction.MatMulEC x -> unary(i, out, x.a(), part, w);
        case Instruction.MatMulCE x -> unary(i, out, x.a(), part, w);
        case Instruction.Sum x -> unary(i, out, x.a(), part, w);
        case Instruction.Reinterpret x -> unary(i, out, x.a(), part, w);
      }
      if (part[out] >= 0) {
        leveled[part[out]] += leveledTerms[i];
      }
    }
    for (Map.Entry<Long, double[]> e : converted.entrySet()) {
      int v = (int) (e.getKey() / m);
      int to = (int) (e.getKey() % m);
      conversions[part[v]][to] += circuit.value(v).size();
    }
    List<Partitioned.LookupTerms> lookupTerms = new ArrayList<>();
    for (Map.Entry<GroupKey, long[]> e : groups.entrySet()) {
      GroupKey k = e.getKey();
      lookupTerms.add(
          new Partitioned.LookupTerms(k.src, k.dst, k.precision, k.weights, e.getValue()[0]));
    }
    List<Partitioned.OutputTerms> outputTerms = new ArrayList<>();
    for (Output o : outputs) {
      if (o.width() > OutputConstraint.MAX_PRECISION) {
        throw new NoParametersException(
            o.label()
                + " is "
                + o.width()
                + " bits wide: at more than "
                + OutputConstraint.MAX_PRECISION
                + " bits no noise fits under half a step. Use smaller constants or shorter sums"
                + " so that the output needs fewer bits",
            null,
            0,
            OutputConstraint.MAX_PRECISION);
      }
      outputTerms.add(
          new Partitioned.OutputTerms(
              o.label(), o.value(), o.width(), part[o.value()], w[o.value()], o.count()));
    }
    int[] wants = new int[lookups.size()];
    for (int l = 0; l < wants.length; l++) {
      wants[l] = desired[lookups.get(l).out()];
    }
    return new Partitioned(m, part, lookupTerms, outputTerms, conversions, leveled, wants);
  }

  /** The terms of lookup instruction {@code i} (a Tlu or a many-LUT) reading value {@code a}. */
  private void lookupTerms(
      int i,
      int a,
      int out,
      int m,
      int atoms,
      int[] lookupPartition,
      int[] home,
      int[] part,
      double[][] w,
      Map<GroupKey, long[]> groups,
      long[][] conversions) {
    int l = lookupOf[i];
    int dst = lookupPartition[l];
    groups
            .computeIfAbsent(
                new GroupKey(part[a], dst, lookups.get(l).precision(), w[a]), k -> new long[1])[
            0] +=
        lookups.get(l).count();
    part[out] = home[l];
    w[out] = unit(atoms, m + dst);
    if (home[l] != dst) {
      w[out][2 * m + dst * m + home[l]] = 1;
      // One conversion per output element: F per bootstrap for a many-LUT.
      conversions[dst][home[l]] += circuit.value(out).size();
    }
  }

  private record GroupKey(int src, int dst, int precision, double[] weights) {
    @Override
    public boolean equals(Object o) {
      return o instanceof GroupKey g
          && src == g.src
          && dst == g.dst
          && precision == g.precision
          && Arrays.equals(weights, g.weights);
    }

    @Override
    public int hashCode() {
      return ((src * 31 + dst) * 31 + precision) * 31 + Arrays.hashCode(weights);
    }
  }

  private void unary(int i, int out, int a, int[] part, double[][] w) {
    part[out] = part[a];
    if (w[a] == null) {
      return;
    }
    if (factor[i] == 1) {
      w[out] = w[a];
      return;
    }
    double[] r = w[a].clone();
    for (int j = 0; j < r.length; j++) {
      r[j] *= factor[i];
    }
    w[out] = r;
  }

  /**
   * a ± b: when they live in different partitions, the operand with fewer elements before data
   * movement is converted (ties: into the partition the consumers want).
   */
  private void combine(
      int out,
      int a,
      int b,
      int m,
      int[] desired,
      int[] part,
      int[] root,
      double[][] w,
      Map<Long, double[]> converted) {
    if (part[a] < 0 || part[b] < 0) {
      int e = part[a] >= 0 ? a : b;
      part[out] = part[e];
      w[out] = w[e];
      return;
    }
    long sa = circuit.value(root[a]).size();
    long sb = circuit.value(root[b]).size();
    int target =
        part[a] == part[b] || sa > sb || sa == sb && desired[out] != part[b] ? part[a] : part[b];
    double[] wa = convert(a, target, m, part, root, w, converted);
    double[] wb = convert(b, target, m, part, root, w, converted);
    double[] r = new double[wa.length];
    for (int j = 0; j < r.length; j++) {
      r[j] = wa[j] + wb[j];
    }
    part[out] = target;
    w[out] = r;
  }

  /**
   * The weights of value v once keyswitched big→big into {@code target}; the keyswitch runs on v's
   * root (v before data movement, same weights), once per (root, target).
   */
  private static double[] convert(
      int v,
      int target,
      int m,
      int[] part,
      int[] root,
      double[][] w,
      Map<Long, double[]> converted) {
    if (part[v] == target) {
      return w[v];
    }
    double[] r = w[v].clone();
    r[2 * m + part[v] * m + target] += 1;
    converted.putIfAbsent((long) root[v] * m + target, r);
    return r;
  }

  private static double[] unit(int atoms, int index) {
    double[] r = new double[atoms];
    r[index] = 1;
    return r;
  }

  /**
   * The constraints of one partitioning.
   *
   * @param partitions m
   * @param valuePartition for every value id, the partition whose big key it lives under (−1 for
   *     clear values)
   * @param lookups lookups grouped by (source partition, destination partition, p_in, weights)
   * @param outputs one entry per encrypted circuit output
   * @param conversions [from][to] number of big→big conversion keyswitches
   * @param leveledTerms per partition, the leveled sum size of the values living there
   * @param consumerPartition per lookup, the partition its output's first consumer wants (−1 if
   *     none)
   */
  public record Partitioned(
      int partitions,
      int[] valuePartition,
      List<LookupTerms> lookups,
      List<OutputTerms> outputs,
      long[][] conversions,
      long[] leveledTerms,
      int[] consumerPartition) {

    /** Index of the FRESH(p) atom. */
    public int fresh(int p) {
      return p;
    }

    /** Index of the BR(p) atom. */
    public int blindRotation(int p) {
      return partitions + p;
    }

    /** Index of the CONV(a→b) atom. */
    public int conversion(int a, int b) {
      return 2 * partitions + a * partitions + b;
    }

    /**
     * Lookups reading a value under {@code src}'s big key, bootstrapping in {@code dst}, with input
     * noise Σ weights·atoms + V_KS(src big → dst small) + V_MS(dst).
     */
    public record LookupTerms(int src, int dst, int precision, double[] weights, long count) {}

    /** An output living under {@code partition}'s big key, with noise Σ weights·atoms. */
    public record OutputTerms(
        String label, int value, int precision, int partition, double[] weights, long count) {
      /** The single-parameter constraint (only valid when {@code m} = 1). */
      OutputConstraint constraint(int p, int m) {
        return new OutputConstraint(label, precision, weights[p], weights[m + p], count);
      }
    }
  }
}
