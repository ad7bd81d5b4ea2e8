package dev.fhec.compiler.report;

import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.SecurityCurve;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything an inspection report shows about one compiled program, as plain data: the HTML page
 * ({@link HtmlReport}) and the JSON file ({@link ReportJson}) are two renderings of this record, so
 * what a person reads and what a script parses cannot disagree.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param name program name
 * @param source the model file it was compiled from (or empty)
 * @param maxBitWidth the largest integer width of any node ("compiled with N bit-width")
 * @param pbsCount programmable bootstraps per execution, from the compiled circuit
 * @param nodes one row per IR node, in SSA order
 * @param parameters the parameter set of partition 0 (the only one of a single-partition circuit),
 *     its security check and why it was chosen
 * @param keySizes key sizes of the whole key set (every partition, every keyswitching key)
 * @param statistics operation counts of the compiled circuit
 * @param precision how many nodes (and elements) use each bit-width
 * @param pbsByOp where the bootstraps go, by op kind, largest first
 * @param notes remarks the compiler wants the user to see (may be empty)
 * @param partitions the circuit's parameter-plan partitions: parameters, bootstraps, key sizes
 * @param keyswitches the keyswitching keys of the plan and how many keyswitches each does per run
 */
public record InspectionReport(
    int formatVersion,
    String name,
    String source,
    int maxBitWidth,
    long pbsCount,
    List<NodeRow> nodes,
    Parameters parameters,
    KeySizes keySizes,
    Statistics statistics,
    List<PrecisionBin> precision,
    List<PbsShare> pbsByOp,
    List<String> notes,
    List<Partition> partitions,
    List<KeyswitchRow> keyswitches) {

  /**
   * 2: partitions, keyswitches and each node's partition. 3: on-disk file sizes beside in-memory
   * ones (key sizes, size_of_inputs/outputs); the counts are those of {@code CircuitStatistics}.
   */
  public static final int FORMAT_VERSION = 3;

  /** Op kind under which {@link #pbsByOp} lists bootstraps that no IR node accounts for. */
  public static final String LOWERING = "(lowering)";

  public InspectionReport {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(keySizes, "keySizes");
    Objects.requireNonNull(statistics, "statistics");
    nodes = List.copyOf(nodes);
    precision = List.copyOf(precision);
    pbsByOp = List.copyOf(pbsByOp);
    notes = List.copyOf(notes);
    partitions = partitions == null ? List.of() : List.copyOf(partitions);
    keyswitches = keyswitches == null ? List.of() : List.copyOf(keyswitches);
  }

  /**
   * One partition of the parameter plan.
   *
   * @param index partition number (values and lookups name it)
   * @param parameters its parameter set and security check
   * @param lookups lookup instructions bootstrapping in it
   * @param pbs bootstraps per run in it
   * @param keySizes its own secret and bootstrapping keys (keyswitching keys: {@link
   *     KeyswitchRow#bytes})
   */
  public record Partition(
      int index, Parameters parameters, int lookups, long pbs, KeySizes keySizes) {}

  /**
   * One keyswitching key of the plan.
   *
   * @param from partition whose big key it reads
   * @param to partition whose key it writes
   * @param kind "big_to_small" (before a bootstrap in {@code to}) or "big_to_big" (a conversion)
   * @param baseLog decomposition base log
   * @param levels decomposition levels
   * @param bytes size of the key in memory
   * @param perRun keyswitches it does per run
   */
  public record KeyswitchRow(
      int from, int to, String kind, int baseLog, int levels, long bytes, long perRun) {}

  /**
   * One IR node.
   *
   * @param id SSA id
   * @param op op kind ({@link OpKinds#kind})
   * @param detail op attributes in one line
   * @param operands ids read
   * @param shape tensor shape
   * @param encrypted whether the value is encrypted
   * @param signed whether the integer is signed (false for floats)
   * @param bitWidth assigned width, 0 when unassigned or float
   * @param min lower bound, or null when not analysed
   * @param max upper bound, or null when not analysed
   * @param pbs bootstraps this node costs per execution
   * @param norm2 the node's norm2 (MANP) if computed, else null
   * @param location where it came from in the user's source
   * @param partition the partition its encrypted result lives in, or null when unknown or clear
   */
  public record NodeRow(
      int id,
      String op,
      String detail,
      List<Integer> operands,
      List<Integer> shape,
      boolean encrypted,
      boolean signed,
      int bitWidth,
      Long min,
      Long max,
      long pbs,
      Double norm2,
      String location,
      Integer partition) {
    public NodeRow {
      operands = List.copyOf(operands);
      shape = List.copyOf(shape);
    }

    public long size() {
      long s = 1;
      for (int d : shape) {
        s *= d;
      }
      return s;
    }
  }

  /**
   * The parameter set in numbers, its 128-bit security check, and the optimizer's reasoning.
   *
   * @param name set name
   * @param description one-line {@link ParameterSet#toString()}
   * @param n small LWE dimension
   * @param k GLWE dimension
   * @param polynomialSize N
   * @param pbsBaseLog bootstrapping decomposition base log
   * @param pbsLevels bootstrapping decomposition levels
   * @param ksBaseLog keyswitching decomposition base log
   * @param ksLevels keyswitching decomposition levels
   * @param lweNoiseLog2 log2 σ of the small key's noise
   * @param glweNoiseLog2 log2 σ of the GLWE noise
   * @param security the two checks against the 128-bit curve
   * @param choice the optimizer's cost, error and reason
   */
  public record Parameters(
      String name,
      String description,
      int n,
      int k,
      int polynomialSize,
      int pbsBaseLog,
      int pbsLevels,
      int ksBaseLog,
      int ksLevels,
      double lweNoiseLog2,
      double glweNoiseLog2,
      List<SecurityCheck> security,
      ParameterChoice choice) {
    public Parameters {
      security = List.copyOf(security);
    }

    static Parameters of(ParameterSet p, ParameterChoice choice) {
      double lweLog = Math.log(p.lweNoiseStd()) / Math.log(2);
      double glweLog = Math.log(p.glweNoiseStd()) / Math.log(2);
      return new Parameters(
          p.name(),
          p.toString(),
          p.n(),
          p.k(),
          p.bigN(),
          p.pbs().baseLog(),
          p.pbs().levels(),
          p.ks().baseLog(),
          p.ks().levels(),
          lweLog,
          glweLog,
          List.of(
              SecurityCheck.of("LWE (small key, n)", p.n(), lweLog),
              SecurityCheck.of("GLWE (k·N)", p.bigLweDimension(), glweLog)),
          choice);
    }

    /** Whether both checks pass. */
    public boolean secure() {
      return security.stream().allMatch(SecurityCheck::secure);
    }
  }

  /**
   * One check against the 128-bit security curve ({@link SecurityCurve}).
   *
   * @param key which key
   * @param dimension its dimension
   * @param requiredLog2Std the curve's minimal log2 σ at that dimension
   * @param actualLog2Std the set's log2 σ
   * @param secure whether the set meets the curve
   */
  public record SecurityCheck(
      String key, int dimension, double requiredLog2Std, double actualLog2Std, boolean secure) {
    static SecurityCheck of(String key, int dimension, double actualLog2) {
      return new SecurityCheck(
          key,
          dimension,
          SecurityCurve.minLog2Std(dimension),
          actualLog2,
          SecurityCurve.isSecure(dimension, Math.pow(2, actualLog2)));
    }
  }

  /** Nodes and elements at one integer width ({@code bitWidth} 0 = unassigned or float). */
  public record PrecisionBin(int bitWidth, int nodes, long elements, long encryptedElements) {}

  /** Bootstraps spent by one op kind. */
  public record PbsShare(String op, int nodes, long pbs) {}

  /**
   * Builds the report of {@code program} (the final IR, with widths and bounds) compiled into
   * {@code circuit}.
   *
   * @param pbsPerNode bootstraps per node as lowering counted them; nodes missing from the map get
   *     the IR estimate ({@link #estimatePbs})
   * @param norm2 per-node norm2 where computed
   */
  public static InspectionReport of(
      Program program,
      Circuit circuit,
      String source,
      ParameterChoice choice,
      Map<Integer, Long> pbsPerNode,
      Map<Integer, Double> norm2,
      List<String> notes) {
    return of(program, circuit, source, choice, pbsPerNode, norm2, notes, Map.of());
  }

  /**
   * As above, with {@code nodePartition}: for each node, the partition its lowering's result lives
   * in (see {@link #nodePartitions}).
   */
  public static InspectionReport of(
      Program program,
      Circuit circuit,
      String source,
      ParameterChoice choice,
      Map<Integer, Long> pbsPerNode,
      Map<Integer, Double> norm2,
      List<String> notes,
      Map<Integer, Integer> nodePartition) {
    List<NodeRow> rows = new ArrayList<>();
    int maxWidth = 0;
    for (Node node : program.nodes()) {
      int width =
          switch (node.type().element()) {
            case ElementType.IntType t -> t.width();
            case ElementType.FloatType f -> 0;
          };
      boolean signed =
          switch (node.type().element()) {
            case ElementType.IntType t -> t.signed();
            case ElementType.FloatType f -> false;
          };
      maxWidth = Math.max(maxWidth, width);
      long pbs = pbsPerNode.getOrDefault(node.id(), estimatePbs(node));
      rows.add(
          new NodeRow(
              node.id(),
              OpKinds.kind(node.op()),
              OpKinds.detail(node.op()),
              node.op().operands(),
              Arrays.stream(node.type().shape()).boxed().toList(),
              node.type().encrypted(),
              signed,
              width,
              node.bounds().map(b -> b.min()).orElse(null),
              node.bounds().map(b -> b.max()).orElse(null),
              pbs,
              norm2.get(node.id()),
              node.location().toString(),
              nodePartition.get(node.id())));
    }
    long total = circuit.pbsCount();
    return new InspectionReport(
        FORMAT_VERSION,
        program.name(),
        source,
        maxWidth,
        total,
        rows,
        Parameters.of(circuit.parameters(), choice),
        KeySizes.of(circuit.plan()),
        Statistics.of(circuit),
        precisionOf(rows),
        pbsByOpOf(rows, total),
        notes,
        partitionsOf(circuit, choice),
        keyswitchesOf(circuit));
  }

  /**
   * This report with its circuit-wide figures (key and file sizes, statistics) computed afresh from
   * {@code circuit}: a report stored by an older fhec shows today's figures, from the one source.
   */
  public InspectionReport withFiguresOf(Circuit circuit) {
    return new InspectionReport(
        FORMAT_VERSION,
        name,
        source,
        maxBitWidth,
        pbsCount,
        nodes,
        parameters,
        KeySizes.of(circuit.plan()),
        Statistics.of(circuit),
        precision,
        pbsByOp,
        notes,
        partitions,
        keyswitches);
  }

  /** For each node with lowered instructions, the partition of the last one's encrypted result. */
  public static Map<Integer, Integer> nodePartitions(Circuit circuit, List<Integer> origins) {
    Map<Integer, Integer> m = new java.util.HashMap<>();
    for (int i = 0; i < circuit.instructions().size() && i < origins.size(); i++) {
      ValueInfo v = circuit.value(circuit.instructions().get(i).out());
      if (v.encrypted() && origins.get(i) >= 0) {
        m.put(origins.get(i), v.partition());
      }
    }
    return m;
  }

  private static List<Partition> partitionsOf(Circuit c, ParameterChoice choice) {
    List<Partition> out = new ArrayList<>();
    for (int p = 0; p < c.plan().size(); p++) {
      int lookups = 0;
      for (Instruction ins : c.instructions()) {
        if (Circuit.bootstrapPartition(ins) == p) {
          lookups++;
        }
      }
      ParameterSet set = c.plan().partition(p);
      out.add(
          new Partition(
              p, Parameters.of(set, choice), lookups, c.pbsCount(p), KeySizes.partition(set)));
    }
    return out;
  }

  private static List<KeyswitchRow> keyswitchesOf(Circuit c) {
    List<KeyswitchRow> out = new ArrayList<>();
    ParameterPlan plan = c.plan();
    for (KeyswitchSpec s : plan.keyswitches()) {
      long perRun = 0;
      for (Instruction ins : c.instructions()) {
        int from = -1;
        if (s.kind() == KeyswitchSpec.Kind.BIG_TO_SMALL
            && Circuit.bootstrapPartition(ins) == s.to()) {
          from = c.value(ins.operands()[0]).partition();
        } else if (s.kind() == KeyswitchSpec.Kind.BIG_TO_BIG
            && ins instanceof Instruction.Keyswitch k
            && c.value(k.out()).partition() == s.to()) {
          from = c.value(k.a()).partition();
        }
        if (from == s.from()) {
          // One keyswitch per element read (a many-LUT's output has F per element).
          perRun += c.value(ins.operands()[0]).size();
        }
      }
      out.add(
          new KeyswitchRow(
              s.from(),
              s.to(),
              s.kind().name().toLowerCase(java.util.Locale.ROOT),
              s.decomposition().baseLog(),
              s.decomposition().levels(),
              KeySizes.keyswitchKey(plan, s),
              perRun));
    }
    return out;
  }

  /**
   * The report of a compilation by {@link dev.fhec.compiler.Fhec#compile}: per-node bootstraps and
   * norm2 as lowering counted them, the optimizer's cost, error and reasoning.
   */
  public static InspectionReport of(dev.fhec.compiler.CompiledCircuit cc, String source) {
    Map<Integer, Long> pbs = new java.util.HashMap<>();
    Map<Integer, Double> norm2 = new java.util.HashMap<>();
    for (dev.fhec.compiler.stats.CompilationReport.NodeRow row : cc.report().nodes()) {
      pbs.put(row.id(), row.bootstraps());
      if (row.norm2Squared() > 0) {
        norm2.put(row.id(), Math.sqrt(row.norm2Squared()));
      }
    }
    ParameterChoice choice =
        cc.optimization()
            .map(
                o ->
                    new ParameterChoice(
                        o.complexity(),
                        o.maxPError(),
                        o.globalPError(),
                        targetText(o.target()),
                        // The optimizer's account plus the lowering choices it priced.
                        cc.report().parameterChoice(),
                        List.of()))
            .or(
                () ->
                    cc.partitioned()
                        .map(
                            pp ->
                                new ParameterChoice(
                                    pp.complexity(),
                                    pp.maxPError(),
                                    pp.globalPError(),
                                    targetText(pp.target()),
                                    cc.report().parameterChoice(),
                                    budgetAlternative(pp))))
            .orElse(ParameterChoice.fixed("Parameters were fixed by the caller, not optimized."));
    return of(
        cc.program(),
        cc.circuit(),
        source,
        choice,
        pbs,
        norm2,
        List.of(),
        nodePartitions(cc.circuit(), cc.instructionOrigins()));
  }

  /**
   * The plan a binding key budget ruled out, as the choice's alternative: its complexity, its keys
   * and what the budget cost; none when the budget did not change the choice.
   */
  private static List<ParameterChoice.Candidate> budgetAlternative(
      dev.fhec.compiler.optimizer.PartitionedParameters pp) {
    dev.fhec.compiler.optimizer.KeyBudget.Outcome b = pp.budget();
    if (b.budget().unlimited() || !b.binding(pp.complexity())) {
      return List.of();
    }
    return List.of(
        new ParameterChoice.Candidate(
            String.format(
                java.util.Locale.ROOT,
                "without the key budget: %d partitions, eval keys %s seeded / %s expanded",
                b.freePartitions(),
                KeySizes.human(b.freeSeededBytes()),
                KeySizes.human(b.freeExpandedBytes())),
            b.freeComplexity(),
            Double.NaN,
            String.format(
                java.util.Locale.ROOT,
                "over the key budget (%s); the budget %s and costs %+.1f%% complexity",
                b.budget().describe(),
                b.met() ? "is met" : "cannot be met (smallest keys found)",
                100 * (pp.complexity() / b.freeComplexity() - 1))));
  }

  private static String targetText(dev.fhec.compiler.optimizer.ErrorTarget t) {
    return switch (t) {
      case dev.fhec.compiler.optimizer.ErrorTarget.PerLookup p ->
          "p_error ≤ " + p.value() + " per PBS";
      case dev.fhec.compiler.optimizer.ErrorTarget.Global g ->
          String.format(java.util.Locale.ROOT, "global p_error ≤ %.3g", g.value());
    };
  }

  /**
   * Bootstraps of one node judged from the IR alone: a table lookup costs one per element, exact
   * rounding one per removed bit per element, everything else none.
   */
  public static long estimatePbs(Node node) {
    long size = node.type().size();
    if (node.op() instanceof Op.TableLookup) {
      return size;
    }
    if (node.op() instanceof Op.RoundBits r && r.exact()) {
      return size * r.lsbs();
    }
    return 0;
  }

  static List<PrecisionBin> precisionOf(List<NodeRow> rows) {
    Map<Integer, long[]> bins = new TreeMap<>();
    for (NodeRow r : rows) {
      long[] b = bins.computeIfAbsent(r.bitWidth(), w -> new long[3]);
      b[0]++;
      b[1] += r.size();
      if (r.encrypted()) {
        b[2] += r.size();
      }
    }
    List<PrecisionBin> out = new ArrayList<>();
    bins.forEach((w, b) -> out.add(new PrecisionBin(w, (int) b[0], b[1], b[2])));
    return out;
  }

  static List<PbsShare> pbsByOpOf(List<NodeRow> rows, long circuitTotal) {
    Map<String, long[]> by = new LinkedHashMap<>();
    long attributed = 0;
    for (NodeRow r : rows) {
      if (r.pbs() > 0) {
        long[] s = by.computeIfAbsent(r.op(), k -> new long[2]);
        s[0]++;
        s[1] += r.pbs();
        attributed += r.pbs();
      }
    }
    List<PbsShare> out = new ArrayList<>();
    by.forEach((op, s) -> out.add(new PbsShare(op, (int) s[0], s[1])));
    if (circuitTotal > attributed) {
      out.add(new PbsShare(LOWERING, 0, circuitTotal - attributed));
    }
    out.sort((a, b) -> Long.compare(b.pbs(), a.pbs()));
    return out;
  }
}
