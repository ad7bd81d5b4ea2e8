package dev.fhec.compiler.passes;

import dev.fhec.compiler.ir.IrPrinter;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Verifier;
import dev.fhec.compiler.passes.Pass.Property;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs a pipeline of {@link Pass}es: checks each pass's {@link Pass#requires()} against the
 * properties established so far (so the pipeline order is checked, not assumed), runs it, records
 * its {@link Pass#establishes()}, runs the {@link Verifier}, and optionally prints the IR and
 * records the time spent — the {@code --print-ir-after=<pass|all>}, {@code --print-ir-dir=DIR} and
 * {@code --timing} switches of the CLI.
 */
public final class PassManager {
  /**
   * Instrumentation switches.
   *
   * @param printIrAfter pass flags after which to print the IR; {@code "all"} means every pass
   * @param printIrDir when present, printed IR goes to numbered files {@code NN-<pass>.fhe} there
   *     (plus {@code 00-input.fhe}) instead of {@code sink}
   * @param sink receives printed IR when no directory is given
   * @param verify run the verifier after every pass (default true)
   * @param printer how to print (default {@link IrPrinter.Options#DEFAULT})
   */
  public record Options(
      Set<String> printIrAfter,
      Optional<Path> printIrDir,
      Consumer<String> sink,
      boolean verify,
      IrPrinter.Options printer) {
    public Options {
      printIrAfter = Set.copyOf(printIrAfter);
      Objects.requireNonNull(printIrDir, "printIrDir");
      Objects.requireNonNull(sink, "sink");
      Objects.requireNonNull(printer, "printer");
    }

    /** Verify after every pass, print nothing. */
    public static Options defaults() {
      return new Options(Set.of(), Optional.empty(), s -> {}, true, IrPrinter.Options.DEFAULT);
    }

    public Options withPrintIrAfter(String passOrAll, Consumer<String> to) {
      return new Options(Set.of(passOrAll), printIrDir, to, verify, printer);
    }

    public Options withPrintIrDir(Path dir) {
      return new Options(
          printIrAfter.isEmpty() ? Set.of("all") : printIrAfter,
          Optional.of(dir),
          sink,
          verify,
          printer);
    }
  }

  /** Wall-clock time spent in one pass (verification excluded). */
  public record PassTiming(String pass, Duration duration) {}

  /**
   * What a pipeline run produced.
   *
   * @param program the final program
   * @param established properties established by the initial state and the passes
   * @param timings one entry per pass, in order
   */
  public record Result(Program program, Set<Property> established, List<PassTiming> timings) {
    public Result {
      established = Set.copyOf(established);
      timings = List.copyOf(timings);
    }

    /** A table of pass timings, one line per pass plus the total. */
    public String timingReport() {
      StringBuilder sb = new StringBuilder();
      Duration total = Duration.ZERO;
      for (PassTiming t : timings) {
        sb.append(
            String.format(Locale.ROOT, "%10.3f ms  %s%n", t.duration().toNanos() / 1e6, t.pass()));
        total = total.plus(t.duration());
      }
      return sb.append(String.format(Locale.ROOT, "%10.3f ms  total%n", total.toNanos() / 1e6))
          .toString();
    }
  }

  private final List<Pass> pipeline;
  private final Options options;

  public PassManager(List<Pass> pipeline, Options options) {
    this.pipeline = List.copyOf(pipeline);
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The pipeline, one flag per line ({@code --dump-pipeline}). */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Pass p : pipeline) {
      sb.append(p.name()).append('\n');
    }
    return sb.toString();
  }

  /**
   * Runs the pipeline on {@code program}.
   *
   * @param initially properties {@code program} already has (e.g. from a frontend)
   * @throws IllegalStateException if a pass's requirements are not established by then (a pipeline
   *     bug, named with the pass and the missing properties)
   * @throws dev.fhec.compiler.diag.CompileException from a pass, or from the verifier with the IR
   *     annotated under the offending nodes
   */
  public Result run(Program program, PassContext context, Set<Property> initially) {
    EnumSet<Property> established = EnumSet.noneOf(Property.class);
    established.addAll(initially);
    int maxTlu = context.options().maxTluWidth();
    if (options.verify()) {
      Verifier.verifyOrThrow(program, established, maxTlu, "given to the pass pipeline");
    }
    emit(0, "input", program, true);
    List<PassTiming> timings = new ArrayList<>();
    Program current = program;
    for (int i = 0; i < pipeline.size(); i++) {
      Pass pass = pipeline.get(i);
      EnumSet<Property> missing = EnumSet.noneOf(Property.class);
      missing.addAll(pass.requires());
      missing.removeAll(established);
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "pass '"
                + pass.name()
                + "' requires "
                + missing
                + " but only "
                + established
                + " are established at that point of the pipeline "
                + names());
      }
      long start = System.nanoTime();
      current = pass.run(current, context);
      timings.add(new PassTiming(pass.name(), Duration.ofNanos(System.nanoTime() - start)));
      established.addAll(pass.establishes());
      emit(i + 1, pass.name(), current, false);
      if (options.verify()) {
        Verifier.verifyOrThrow(current, established, maxTlu, "after pass '" + pass.name() + "'");
      }
    }
    return new Result(current, established, timings);
  }

  private List<String> names() {
    return pipeline.stream().map(Pass::name).toList();
  }

  private void emit(int index, String pass, Program p, boolean isInput) {
    boolean wanted =
        isInput
            ? options.printIrDir().isPresent()
            : options.printIrAfter().contains("all") || options.printIrAfter().contains(pass);
    if (!wanted) {
      return;
    }
    String text = IrPrinter.print(p, options.printer());
    if (options.printIrDir().isPresent()) {
      Path file =
          options
              .printIrDir()
              .get()
              .resolve(String.format(Locale.ROOT, "%02d-%s.fhe", index, pass));
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(
            file,
            "// IR " + (isInput ? "before the pipeline" : "after " + pass) + "\n" + text,
            StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write IR dump " + file, e);
      }
    } else {
      options.sink().accept("// IR after " + pass + "\n" + text);
    }
  }
}
