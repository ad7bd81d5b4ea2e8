package dev.fhec.compiler.stats;

import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.passes.ComputeNorm2;
import dev.fhec.compiler.report.KeySizes;
import dev.fhec.compiler.report.OpKinds;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.params.ParameterSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a compilation reports, as plain data (Jackson serializes it as is): Concrete's
 * statistics (compiler.md §11) and a per-node table for the HTML/JSON report and the CLI.
 *
 * @param name circuit name
 * @param bitWidthLine "Circuit compiled with N bit-width"
 * @param maximumBitWidth N: the largest bounds-derived integer width, clear constants included
 * @param parameters the parameter set of partition 0 (used by every bootstrap of a single-partition
 *     circuit)
 * @param totals circuit-wide counters (bootstraps, keyswitches, additions, multiplications)
 * @param keySizes key sizes of the whole key set ({@link KeySizes}: the one source of them)
 * @param complexity Concrete's cost-model complexity of one execution
 * @param pError largest predicted per-bootstrap error probability
 * @param globalPError predicted probability that any bootstrap of one execution fails
 * @param parameterChoice the optimizer's account of its choice (empty for fixed parameters)
 * @param nodes one row per IR node of the compiled program
 * @param plan the circuit's partitions and keyswitches
 * @param bootstrapsPerPartition bootstraps per execution in each partition, by partition number
 */
public record CompilationReport(
    String name,
    String bitWidthLine,
    int maximumBitWidth,
    ParameterSet parameters,
    CircuitStatistics.Counts totals,
    KeySizes keySizes,
    double complexity,
    double pError,
    double globalPError,
    String parameterChoice,
    List<NodeRow> nodes,
    ParameterPlan plan,
    List<Long> bootstrapsPerPartition) {

  public CompilationReport {
    nodes = List.copyOf(nodes);
    bootstrapsPerPartition = List.copyOf(bootstrapsPerPartition);
  }

  /** Bootstraps per execution in each partition of {@code c}'s plan. */
  public static List<Long> bootstrapsPerPartition(Circuit c) {
    List<Long> out = new java.util.ArrayList<>();
    for (int p = 0; p < c.plan().size(); p++) {
      out.add(c.pbsCount(p));
    }
    return out;
  }

  /**
   * One IR node.
   *
   * @param id node id ({@code %id} in the printed IR)
   * @param op operation name ({@link OpKinds#kind}, as every report spells it)
   * @param shape tensor shape
   * @param encrypted whether it is a ciphertext tensor
   * @param min lower bound (null for floats and unbounded nodes)
   * @param max upper bound
   * @param bitWidth assigned encoding width (0 if none)
   * @param bootstraps bootstraps its lowering performs
   * @param keyswitches keyswitches its lowering performs
   * @param norm2Squared largest ν² entering one of its bootstraps (0 without bootstraps)
   * @param irNorm2Squared the same ν² predicted on the IR by {@link ComputeNorm2} before lowering
   *     (an upper bound of {@code norm2Squared}, equal to it for literal clear operands)
   * @param tablePrecision largest table input width of its bootstraps (0 without)
   * @param location where it came from
   */
  public record NodeRow(
      int id,
      String op,
      int[] shape,
      boolean encrypted,
      Long min,
      Long max,
      int bitWidth,
      long bootstraps,
      long keyswitches,
      double norm2Squared,
      double irNorm2Squared,
      int tablePrecision,
      String location) {}

  /**
   * The per-node rows of {@code program} compiled to {@code c}, whose instruction i implements node
   * {@code origins.get(i)}.
   */
  public static List<NodeRow> rows(Program program, Circuit c, List<Integer> origins) {
    double[] nu = Norm2Analysis.analyze(c);
    double[] ir = ComputeNorm2.analyze(program).bootstrapInput();
    int n = program.nodes().size();
    long[] pbs = new long[n];
    long[] ks = new long[n];
    double[] norm = new double[n];
    int[] prec = new int[n];
    for (int i = 0; i < c.instructions().size(); i++) {
      Instruction ins = c.instructions().get(i);
      int origin = origins.get(i);
      CircuitStatistics.Counts k = CircuitStatistics.of(c, ins);
      pbs[origin] += k.bootstraps();
      ks[origin] += k.keyswitches();
      if (ins instanceof Instruction.Tlu t) {
        norm[origin] = Math.max(norm[origin], nu[t.a()]);
        prec[origin] = Math.max(prec[origin], CircuitStatistics.precision(c, t));
      } else if (ins instanceof Instruction.ManyTlu t) {
        norm[origin] = Math.max(norm[origin], nu[t.a()]);
        prec[origin] = Math.max(prec[origin], CircuitStatistics.precision(c, t));
      }
    }
    List<NodeRow> rows = new ArrayList<>();
    for (Node node : program.nodes()) {
      int id = node.id();
      int width = node.type().element() instanceof ElementType.IntType it ? it.width() : 0;
      rows.add(
          new NodeRow(
              id,
              OpKinds.kind(node.op()),
              node.type().shape(),
              node.type().encrypted(),
              node.bounds().map(b -> b.min()).orElse(null),
              node.bounds().map(b -> b.max()).orElse(null),
              width,
              pbs[id],
              ks[id],
              norm[id],
              ir[id],
              prec[id],
              node.location().toString()));
    }
    return rows;
  }
}
