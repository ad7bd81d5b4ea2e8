package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.report.HtmlReport;
import dev.fhec.compiler.report.InspectionReport;
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

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Bundle b = Bundle.read(bundle);
    if (circuit) {
      out.print(CircuitText.print(b.circuit()));
      out.flush();
      return ExitCodes.OK;
    }
    InspectionReport r = b.report();
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
