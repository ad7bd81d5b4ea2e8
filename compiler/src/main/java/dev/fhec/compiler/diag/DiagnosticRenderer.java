package dev.fhec.compiler.diag;

import dev.fhec.compiler.ir.IrPrinter;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Program;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders diagnostics as annotated IR, Concrete-style: the program is printed and each diagnostic
 * about a node appears as {@code ^^^^ message} under that node's line; diagnostics about no node
 * are listed first, one per line.
 */
public final class DiagnosticRenderer {
  private DiagnosticRenderer() {}

  public static String render(Program program, List<Diagnostic> diagnostics) {
    StringBuilder head = new StringBuilder();
    Map<Integer, List<String>> notes = new LinkedHashMap<>();
    for (Diagnostic d : diagnostics) {
      String severity = d.severity().name().toLowerCase(java.util.Locale.ROOT);
      if (d.node().isPresent() && d.node().getAsInt() < program.nodes().size()) {
        String where = d.location() instanceof Location.Unknown ? "" : " (" + d.location() + ")";
        notes
            .computeIfAbsent(d.node().getAsInt(), k -> new ArrayList<>())
            .add(severity + ": " + d.message() + where);
      } else {
        head.append(d).append('\n');
      }
    }
    return head + IrPrinter.print(program, IrPrinter.Options.DEFAULT, notes);
  }
}
