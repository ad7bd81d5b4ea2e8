package dev.fhec.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Reports the progress of long work (key generation, encrypted runs, benchmarks). On a terminal it
 * redraws one line: a bar, the count, the rate and the ETA; elsewhere (CI logs, pipes) it prints a
 * plain line at each 10 % step, or after 30 quiet seconds, so logs stay short. Thread-safe:
 * executors call {@link #advance} from worker threads.
 */
public final class ProgressReporter {
  private static final int BAR = 28;
  private static final long PLAIN_INTERVAL_NANOS = 30_000_000_000L;
  private static final long TERMINAL_INTERVAL_NANOS = 100_000_000L;

  private final PrintWriter out;
  private final boolean terminal;
  private final LongSupplier nanoClock;
  private String task = "";
  private String unit = "";
  private long total;
  private long done;
  private long startNanos;
  private long lastPrintNanos;
  private int lastDecile;
  private boolean active;

  public ProgressReporter(PrintWriter out, boolean terminal, LongSupplier nanoClock) {
    this.out = out;
    this.terminal = terminal;
    this.nanoClock = nanoClock;
  }

  /** Terminal mode exactly when the JVM has a console. */
  public static ProgressReporter forConsole(PrintWriter err) {
    return new ProgressReporter(err, System.console() != null, System::nanoTime);
  }

  /** A reporter that prints nothing. */
  public static ProgressReporter silent() {
    return new ProgressReporter(
        new PrintWriter(java.io.Writer.nullWriter()), false, System::nanoTime);
  }

  /** Starts a task of {@code total} steps of {@code unit} (e.g. "PBS"). */
  public synchronized void start(String task, long total, String unit) {
    this.task = task;
    this.unit = unit;
    this.total = Math.max(0, total);
    this.done = 0;
    this.startNanos = nanoClock.getAsLong();
    this.lastPrintNanos = startNanos;
    this.lastDecile = 0;
    this.active = true;
    if (!terminal) {
      out.println(task + ": started, " + total + " " + unit);
      out.flush();
    }
  }

  /** Records {@code steps} more finished steps. */
  public synchronized void advance(long steps) {
    update(done + steps);
  }

  /**
   * Records that {@code completed} steps are finished in all (monotone; late calls are ignored).
   */
  public synchronized void update(long completed) {
    if (!active || completed <= done) {
      return;
    }
    done = Math.min(total, completed);
    long now = nanoClock.getAsLong();
    if (terminal) {
      if (now - lastPrintNanos >= TERMINAL_INTERVAL_NANOS || done == total) {
        out.print("\r" + line(now));
        out.flush();
        lastPrintNanos = now;
      }
    } else {
      int decile = total == 0 ? 10 : (int) (done * 10 / total);
      if (done < total && (decile > lastDecile || now - lastPrintNanos >= PLAIN_INTERVAL_NANOS)) {
        out.println(task + ": " + line(now));
        out.flush();
        lastDecile = decile;
        lastPrintNanos = now;
      }
    }
  }

  /** Ends the task; returns its duration. */
  public synchronized Duration finish() {
    long now = nanoClock.getAsLong();
    Duration d = Duration.ofNanos(now - startNanos);
    if (!active) {
      return d;
    }
    active = false;
    done = total;
    if (terminal) {
      out.print("\r" + line(now) + "\n");
    } else {
      out.println(task + ": done, " + total + " " + unit + " in " + seconds(d.toNanos()));
    }
    out.flush();
    return d;
  }

  /** The progress line without carriage control, e.g. {@code [####....] 40% 40/100 PBS ...}. */
  synchronized String line(long now) {
    double frac = total == 0 ? 1 : (double) done / total;
    int filled = (int) Math.round(frac * BAR);
    StringBuilder b = new StringBuilder();
    if (terminal) {
      b.append(task).append(' ');
    }
    b.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ");
    b.append(
        String.format(Locale.ROOT, "%3d%% %d/%d %s", Math.round(frac * 100), done, total, unit));
    long elapsed = now - startNanos;
    if (elapsed > 0 && done > 0) {
      double rate = done / (elapsed / 1e9);
      b.append(String.format(Locale.ROOT, "  %.1f %s/s", rate, unit));
      long remaining = total - done;
      b.append("  ETA ").append(clock((long) (remaining / rate)));
    } else {
      b.append("  ETA --:--");
    }
    return b.toString();
  }

  static String clock(long seconds) {
    return seconds >= 3600
        ? String.format(
            Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }
}
