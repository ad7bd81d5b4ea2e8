package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  long now;

  @Test
  void terminalLineShowsRateAndEta() {
    StringWriter sw = new StringWriter();
    ProgressReporter p = new ProgressReporter(new PrintWriter(sw), true, () -> now);
    p.start("run", 100, "PBS");
    now = 10_000_000_000L;
    p.advance(50);
    // 50 PBS in 10 s = 5 PBS/s; 50 left -> 10 s.
    String line = p.line(now);
    assertTrue(line.contains(" 50% 50/100 PBS"), line);
    assertTrue(line.contains("5.0 PBS/s"), line);
    assertTrue(line.endsWith("ETA 00:10"), line);
    assertTrue(sw.toString().startsWith("\rrun ["), sw.toString());
  }

  @Test
  void plainModePrintsAtMostOnceADecileAndADoneLine() {
    StringWriter sw = new StringWriter();
    ProgressReporter p = new ProgressReporter(new PrintWriter(sw), false, () -> now);
    p.start("keygen", 1000, "rows");
    for (int i = 0; i < 1000; i++) {
      now += 1_000_000; // 1 ms per step: never the 30-second rule
      p.advance(1);
    }
    p.finish();
    String[] lines = sw.toString().split("\n");
    // start line + 9 decile lines (10 %..90 %) + done line
    assertEquals(11, lines.length, sw.toString());
    assertTrue(lines[10].startsWith("keygen: done, 1000 rows in 1.00 s"), lines[10]);
    assertTrue(!sw.toString().contains("\r"));
  }

  @Test
  void clockFormatsHours() {
    assertEquals("01:05", ProgressReporter.clock(65));
    assertEquals("2:00:01", ProgressReporter.clock(7201));
  }
}
