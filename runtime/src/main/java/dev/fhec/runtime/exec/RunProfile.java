package dev.fhec.runtime.exec;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where an encrypted run's time goes, per instruction: wall time, process CPU time (all threads,
 * JIT and GC included) and GC time. Instructions run one after the other (each one parallel
 * inside), so the process CPU time between an instruction's start and end is that instruction's.
 * Enabled by {@code -Dfhec.profile=true} (printed to stderr after the run); off, it costs nothing.
 */
final class RunProfile {
  static final boolean ENABLED = Boolean.getBoolean("fhec.profile");

  private record Row(
      String kind, String where, long elements, long pbs, long wall, long cpu, long gc) {}

  private final List<Row> rows = new ArrayList<>();
  private final long start = System.nanoTime();
  private final long startCpu = processCpu();
  private long wall;
  private long cpu;
  private long gc;

  /** Marks the start of an instruction. */
  void begin() {
    wall = System.nanoTime();
    cpu = processCpu();
    gc = gcMillis();
  }

  /** Records instruction {@code ins} of {@code circuit}, begun at the last {@link #begin}. */
  void end(Circuit circuit, Instruction ins) {
    long w = System.nanoTime() - wall;
    long c = processCpu() - cpu;
    long g = gcMillis() - gc;
    int out = circuit.value(ins.out()).partition();
    long size = circuit.value(ins.out()).size();
    String kind = ins.getClass().getSimpleName();
    String where = "p" + out;
    long pbs = 0;
    if (ins instanceof Instruction.Tlu op) {
      where = "p" + circuit.value(op.a()).partition() + "->p" + out;
      pbs = size;
    } else if (ins instanceof Instruction.ManyTlu op) {
      where = "p" + circuit.value(op.a()).partition() + "->p" + out;
      pbs = circuit.value(op.a()).size();
    } else if (ins instanceof Instruction.Keyswitch op) {
      where = "p" + circuit.value(op.a()).partition() + "->p" + out;
    }
    rows.add(new Row(kind, where, size, pbs, w, c, g * 1_000_000L));
  }

  /** Prints per-instruction rows, then totals per kind and partition, to {@code out}. */
  void print(PrintStream out) {
    long totalWall = System.nanoTime() - start;
    long totalCpu = processCpu() - startCpu;
    out.println("profile: instruction, partitions, elements, PBS, wall ms, CPU ms, GC ms");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      if (r.wall() >= 50_000_000L || r.pbs() > 0) {
        out.printf(
            Locale.ROOT,
            "profile: %3d %-10s %-8s %8d %6d %s%n",
            i,
            r.kind(),
            r.where(),
            r.elements(),
            r.pbs(),
            times(r));
      }
    }
    Map<String, Row> groups = new LinkedHashMap<>();
    for (Row r : rows) {
      String k = r.kind() + " " + (r.pbs() > 0 || r.kind().equals("Keyswitch") ? r.where() : "");
      groups.merge(
          k,
          r,
          (a, b) ->
              new Row(
                  a.kind(),
                  a.where(),
                  a.elements() + b.elements(),
                  a.pbs() + b.pbs(),
                  a.wall() + b.wall(),
                  a.cpu() + b.cpu(),
                  a.gc() + b.gc()));
    }
    out.println("profile: totals by instruction kind and partitions");
    for (Map.Entry<String, Row> e : groups.entrySet()) {
      Row r = e.getValue();
      out.printf(
          Locale.ROOT,
          "profile: %-20s %8d %6d %s%s%n",
          e.getKey(),
          r.elements(),
          r.pbs(),
          times(r),
          r.pbs() > 0
              ? String.format(Locale.ROOT, "  %.2f CPU-ms/PBS", r.cpu() / 1e6 / r.pbs())
              : "");
    }
    out.printf(
        Locale.ROOT, "profile: run %.1f s wall, %.1f CPU-s%n", totalWall / 1e9, totalCpu / 1e9);
  }

  private static String times(Row r) {
    return String.format(
        Locale.ROOT,
        "%9.1f %9.1f %7.1f  (CPU/wall %.2f)",
        r.wall() / 1e6,
        r.cpu() / 1e6,
        r.gc() / 1e6,
        r.wall() == 0 ? 0.0 : (double) r.cpu() / r.wall());
  }

  private static long processCpu() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, b.getCollectionTime());
    }
    return t;
  }
}
