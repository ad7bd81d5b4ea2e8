package dev.fhec.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The profile names each lookup's partitions and counts its bootstraps, per row and in totals. */
class RunProfileTest {
  @Test
  void rowsAndTotalsNameKindsPartitionsAndBootstraps() {
    Circuit c = MultiPartitionExecutorTest.circuit();
    RunProfile profile = new RunProfile();
    for (Instruction ins : c.instructions()) {
      profile.begin();
      profile.end(c, ins);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    profile.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\n"));
    // Rows: every lookup (8 elements, 8 PBS each), whatever its time.
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("profile: +1 Tlu +p0->p1 +8 +8 .*")),
        lines::toString);
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("profile: +4 Tlu +p1->p0 +8 +8 .*")),
        lines::toString);
    // Totals: one line per kind, lookups and conversions by partitions.
    assertTrue(
        lines.stream().anyMatch(l -> l.matches("profile: Keyswitch p0->p1 +8 +0 .*")),
        lines::toString);
    assertTrue(lines.stream().anyMatch(l -> l.matches("profile: AddEE +8 +0 .*")), lines::toString);
    assertEquals(1, lines.stream().filter(l -> l.startsWith("profile: run ")).count());
  }
}
