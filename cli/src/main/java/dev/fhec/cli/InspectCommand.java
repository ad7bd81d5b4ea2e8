package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.report.HtmlReport;
import dev.fhec.compiler.report.InspectionReport;
import dev.fhec.compiler.report.KeySizes;
import dev.fhec.compiler.report.ReportJson;
import dev.fhec.runtime.circuit.CircuitText;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what a compiled bundle costs: bit-widths, PBS count and where they go, parameters and"
          + " why, key sizes, and the nodes that cost most.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  fhec inspect head.fhec",
      "  fhec inspect head.fhec --html head.html   (one self-contained page: graph, tables, charts)",
      "  fhec inspect head.fhec --json | jq .pbsCount",
      "  fhec inspect head.fhec --circuit   (the lowered circuit as text)"
    })
final class InspectCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<bundle>", description = "A bundle directory or .zip.")
  Path bundle;

  @Option(names = "--html", paramLabel = "<file>", description = "Write the HTML report here.")
  Path html;

  @Option(names = "--json", description = "Print the whole report as JSON.")
  boolean json;

  @Option(names = "--ir", description = "Also print the final IR.")
  boolean ir;

  @Option(
      names = "--circuit",
      description =
          "Print the lowered TFHE circuit instead: parameter plan, partitions, keyswitches,"
              + " tables and instructions, in the text form 'CircuitText' parses.")
  boolean circuit;

  @Option(
      names = "--top",
      paramLabel = "<n>",
      defaultValue = "10",
      description = "How many of the costliest nodes to list (default ${DEFAULT-VALUE}).")
  int top;

  /** A multi-parameter circuit's partitions and keyswitches (nothing for a single partition). */
  static void partitions(PrintWriter out, InspectionReport r) {
    if (r.partitions().size() < 2) {
      return;
    }
    out.println();
    out.println("Partitions:");
    for (InspectionReport.Partition p : r.partitions()) {
      out.printf(
          Locale.ROOT,
          "  %-3d %-20s %4d lookups %,12d PBS   BSK %s%n",
          p.index(),
          p.parameters().name(),
          p.lookups(),
          p.pbs(),
          KeySizes.human(p.keySizes().bootstrapKey()));
    }
    out.println("Keyswitching keys:");
    for (InspectionReport.KeyswitchRow k : r.keyswitches()) {
      out.printf(
          Locale.ROOT,
          "  %d -> %d %-12s 2^%d x %d  %,12d per run   %s%n",
          k.from(),
          k.to(),
          k.kind(),
          k.baseLog(),
          k.levels(),
          k.perRun(),
          KeySizes.human(k.bytes()));
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Bundle b = Bundle.read(bundle);
    if (circuit) {
      out.print(CircuitText.print(b.circuit()));
      out.flush();
      return ExitCodes.OK;
    }
    // Sizes and counts from the circuit itself, so a bundle of an older fhec shows them too.
    InspectionReport r = b.report().withFiguresOf(b.circuit());
    if (html != null) {
      Io.createParent(html);
      Files.writeString(html, HtmlReport.render(r));
      if (!json) {
        out.println("Wrote " + html);
      }
    }
    if (json) {
      out.println(ReportJson.write(r));
      out.flush();
      return ExitCodes.OK;
    }
    if (html != null && !ir) {
      out.flush();
      return ExitCodes.OK;
    }
    out.println(r.name() + "  (" + b.manifest().source() + ")");
    out.println("  inputs       " + b.manifest().inputs() + "   outputs " + b.manifest().outputs());
    CompileCommand.describe(out, r);
    partitions(out, r);
    out.println();
    out.println("Precision (bit-width: nodes / elements):");
    for (InspectionReport.PrecisionBin p : r.precision()) {
      out.printf(
          Locale.ROOT,
          "  %5s  %4d nodes  %,12d elements%n",
          p.bitWidth() == 0 ? "-" : p.bitWidth() + "b",
          p.nodes(),
          p.elements());
    }
    List<InspectionReport.NodeRow> costly =
        r.nodes().stream()
            .filter(n -> n.pbs() > 0)
            .sorted(Comparator.comparingLong(InspectionReport.NodeRow::pbs).reversed())
            .limit(top)
            .toList();
    if (!costly.isEmpty()) {
      out.println();
      out.println("Costliest nodes:");
      out.printf(
          Locale.ROOT,
          "  %-6s %-12s %-14s %5s %10s  %s%n",
          "id",
          "op",
          "shape",
          "bits",
          "PBS",
          "location");
      for (InspectionReport.NodeRow n : costly) {
        out.printf(
            Locale.ROOT,
            "  %-6s %-12s %-14s %5d %,10d  %s%n",
            "%" + n.id(),
            n.op(),
            n.shape().toString().replace(" ", ""),
            n.bitWidth(),
            n.pbs(),
            n.location());
      }
    }
    for (String note : r.notes()) {
      out.println("note: " + note);
    }
    if (ir) {
      out.println();
      out.print(b.printedIr());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
