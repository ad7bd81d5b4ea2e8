package dev.fhec.cli;

import dev.fhec.compiler.bundle.BoundsManifest;
import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.OverflowCheck;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.report.InspectionReport;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.exec.ClearSimulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the compiled circuit on clear integers: the same instructions and tables as the"
          + " encrypted run, in milliseconds. Results agree with decrypt bit for bit when no"
          + " bootstrap errs.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  fhec simulate --bundle head.fhec input.npz -o expected.npy",
      "  fhec simulate --bundle head.fhec heldout.npz --overflow-rate"
    })
final class SimulateCommand implements Callable<Integer> {
  @ParentCommand FhecCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "<bundle>",
      description = "The compiled bundle.")
  Path bundle;

  @Mixin InputTensors inputs;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "<file>",
      description = "Result: .npy, .npz or .json (required unless --overflow-rate).")
  Path output;

  @Option(
      names = "--overflow-rate",
      description =
          "Run every sample of the input file (leading axis) and report how many overflow the"
              + " ranges the circuit was compiled for, and at which nodes the overflows start,"
              + " instead of writing results.")
  boolean overflowRate;

  @Override
  public Integer call() throws Exception {
    Bundle b = Bundle.read(bundle);
    if (overflowRate) {
      return overflowRate(b);
    }
    if (output == null) {
      throw new UserException(
          "simulate needs -o <file> for the results", "or pass --overflow-rate to count overflows");
    }
    List<ClearTensor> in = inputs.readFor(b);
    InputTensors.requireInRange(b, in);
    long t0 = System.nanoTime();
    Optional<OverflowCheck.Overflow> o = OverflowCheck.first(b, flat(in));
    if (o.isPresent()) {
      throw new UserException(o.get().message(), OverflowCheck.HINT);
    }
    List<ClearTensor> result;
    try {
      result = root.engine().simulate(b.circuit(), in);
    } catch (ClearSimulator.OverflowException e) {
      throw new UserException(describe(b, e), OverflowCheck.HINT);
    }
    long nanos = System.nanoTime() - t0;
    Io.createParent(output);
    TensorFiles.write(output, Io.named(b.manifest().outputs(), result));
    spec.commandLine()
        .getOut()
        .println(
            "Simulated "
                + b.manifest().name()
                + " in "
                + ProgressReporter.seconds(nanos)
                + " -> "
                + output);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  private int overflowRate(Bundle b) throws Exception {
    if (inputs.sample != null) {
      throw new UserException(
          "--overflow-rate runs every sample; --sample picks one", "drop --sample");
    }
    Map<String, Tensor> all = TensorFiles.read(inputs.input);
    int count = -1;
    for (Tensor t : all.values()) {
      int n = t.shape().length == 0 ? 0 : t.shape()[0];
      count = count < 0 ? n : Math.min(count, n);
    }
    if (count <= 0) {
      throw new UserException(
          inputs.input + " holds no samples", "stack the samples along a leading axis");
    }
    Map<Integer, Integer> perNode = new TreeMap<>();
    Map<Integer, OverflowCheck.Overflow> example = new TreeMap<>();
    int overflowed = 0;
    int outOfRange = 0;
    OverflowCheck.Checker checker = OverflowCheck.of(b);
    for (int s = 0; s < count; s++) {
      List<ClearTensor> in =
          Io.inputsFor(
              b.circuit(), b.manifest().inputs(), Io.sampled(all, s, inputs.input), inputs.input);
      try {
        InputTensors.requireInRange(b, in);
      } catch (UserException e) {
        outOfRange++;
        continue;
      }
      List<OverflowCheck.Overflow> found = checker.check(flat(in), false);
      if (!found.isEmpty()) {
        overflowed++;
      }
      for (OverflowCheck.Overflow o : checker.causes(found)) {
        perNode.merge(o.node(), 1, Integer::sum);
        example.putIfAbsent(o.node(), o);
      }
    }
    var out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "%d of %d samples overflowed (%.2f%%)%s%n",
        overflowed,
        count,
        100.0 * overflowed / count,
        outOfRange == 0 ? "" : "; " + outOfRange + " more lie outside the accepted input ranges");
    if (!perNode.isEmpty()) {
      out.println("where they start (samples per node):");
    }
    for (Map.Entry<Integer, Integer> e : perNode.entrySet()) {
      OverflowCheck.Overflow o = example.get(e.getKey());
      out.printf(
          Locale.ROOT,
          "  %%%d %s at %s: %d sample(s), range [%d, %d], e.g. %d%n",
          o.node(),
          o.op(),
          o.location(),
          e.getValue(),
          o.min(),
          o.max(),
          o.value());
    }
    out.flush();
    return ExitCodes.OK;
  }

  static List<long[]> flat(List<ClearTensor> in) {
    List<long[]> r = new ArrayList<>();
    for (ClearTensor t : in) {
      r.add(t.data());
    }
    return r;
  }

  /** The simulator's own overflow, named by the IR node of the instruction that met it. */
  static String describe(Bundle b, ClearSimulator.OverflowException e) {
    BoundsManifest bm = b.manifest().bounds();
    // The node that produced the value read out of range: the last instruction writing it.
    int i = -1;
    for (int k = 0; k < b.circuit().instructions().size(); k++) {
      if (b.circuit().instructions().get(k).out() == e.valueId()) {
        i = k;
      }
    }
    if (bm != null && i >= 0 && i < bm.instructionOrigins().size()) {
      int node = bm.instructionOrigins().get(i);
      for (InspectionReport.NodeRow r : b.report().nodes()) {
        if (r.id() == node) {
          return "overflow at %"
              + node
              + " ("
              + r.op()
              + " at "
              + r.location()
              + "): "
              + e.getMessage();
        }
      }
    }
    return "overflow: " + e.getMessage();
  }
}
