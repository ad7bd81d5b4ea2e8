package dev.fhec.cli;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.report.InspectionReport;
import dev.fhec.compiler.report.KeySizes;
import dev.fhec.compiler.report.Statistics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = {
      "Compiles a model into a bundle: circuit.json (the executable circuit), program.ir (the"
          + " final IR), report.json (statistics) and manifest.json.",
      "The frontend is chosen by extension: .fhe (Python-like), .json (graph), .onnx.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  fhec compile samples/gpt2-head-tiny/model.json --inputset"
          + " samples/gpt2-head-tiny/inputset.npz -o head.fhec",
      "  fhec compile model.onnx --inputset calib.npz --n-bits 6 --global-p-error 1e-6 -o m.zip"
    })
final class CompileCommand implements Callable<Integer> {
  @ParentCommand FhecCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "<model>",
      description = "The model (.fhe, .json or .onnx).")
  Path model;

  @Option(
      names = "--inputset",
      paramLabel = "<file>",
      description =
          "Calibration samples (.npz/.npy/.json) that bound every value. Default: <model>.inputset.npz"
              + " or inputset.npz beside the model, if present.")
  Path inputset;

  @Option(
      names = "--no-inputset",
      description =
          "Ignore any inputset beside the model: bound every value from the declared input"
              + " ranges alone (sound for every accepted input).")
  boolean noInputset;

  @Option(
      names = "--n-bits",
      paramLabel = "<bits>",
      description = "Quantization bits for float models (ONNX).")
  Integer nBits;

  @Option(
      names = "--round-to",
      paramLabel = "<bits>",
      description = "Round table-lookup inputs wider than this to this many most significant bits.")
  Integer roundTo;

  @Option(
      names = "--exact-rounding",
      description = "Round exactly (one PBS per removed bit) instead of approximately (free).")
  boolean exactRounding;

  @Option(
      names = "--seed-compatible",
      description =
          "Skip the lookup optimizations (common subexpressions, composed lookups) to reproduce"
              + " the bootstrap count of the seed's (and Concrete's) lowering.")
  boolean seedCompatible;

  @Option(
      names = "--single-parameter",
      description =
          "One parameter set for every table lookup (Concrete's MONO) instead of one per lookup"
              + " precision.")
  boolean singleParameter;

  @Option(
      names = "--max-keys",
      paramLabel = "<size>",
      description =
          "Cap on the seeded evaluation keys, e.g. 1GB or 500MB (decimal units, as reported);"
              + " the optimizer trades complexity for smaller keys and reports the cost. Default:"
              + " none.")
  String maxKeys;

  @Option(
      names = "--max-key-memory",
      paramLabel = "<size>",
      description =
          "Cap on the expanded evaluation keys, the memory that running the circuit needs for"
              + " them (the \"expanded in memory\" figure), e.g. 16GB; the optimizer trades"
              + " complexity for smaller keys and reports the cost. Default: none.")
  String maxKeyMemory;

  @Option(
      names = "--products",
      paramLabel = "quarter|shared|auto",
      description =
          "Lowering of encrypted × encrypted products: quarter squares (2 lookups per scalar"
              + " product), shared squares (each operand's squares once), or auto (default): each"
              + " product by the optimizer's complexity of the whole circuit.")
  String products;

  @ArgGroup(exclusive = true)
  ErrorTarget error;

  static final class ErrorTarget {
    @Option(
        names = "--p-error",
        paramLabel = "<p>",
        description = "Error probability of each table lookup.")
    Double pError;

    @Option(
        names = "--global-p-error",
        paramLabel = "<p>",
        description = "Error probability of the whole circuit (default 1e-5).")
    Double globalPError;
  }

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "<bundle>",
      description = "Output bundle: a directory, or a .zip file.")
  Path output;

  @Option(
      names = "--bounds",
      paramLabel = "<policy>",
      description =
          "Where value ranges come from: sound (interval analysis of the declared input ranges),"
              + " calibrated (the inputset's), or auto (default: sound wherever it fits the"
              + " calibrated lookup precision, calibrated elsewhere; the nodes relying on"
              + " calibration are listed).")
  String bounds;

  @Option(
      names = "--calibration-margin",
      paramLabel = "<f>",
      description =
          "Widen every calibrated range by this fraction of its span on each side (default 0),"
              + " within the sound range: headroom for inputs beyond the inputset.")
  Double calibrationMargin;

  @Option(names = "--json", description = "Print the statistics as JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Io.requireFile(model, "model", "give the path of a .fhe, .json or .onnx file");
    String ext = extension(model);
    if (dev.fhec.compiler.frontend.Frontend.forFile(model).isEmpty()) {
      throw new UserException(
          "cannot tell the model format of " + model + " (extension '." + ext + "')",
          dev.fhec.compiler.frontend.Frontend.formatsHint());
    }
    if (noInputset && inputset != null) {
      throw new UserException(
          "--no-inputset and --inputset exclude each other", "give one of them");
    }
    Optional<Path> calib =
        noInputset ? Optional.empty() : Optional.ofNullable(inputset).or(() -> besideModel(model));
    calib.ifPresent(p -> Io.requireFile(p, "inputset", "give a .npz/.npy/.json file of samples"));
    if (inputset == null && calib.isPresent() && !json) {
      err.println("fhec: using inputset " + calib.get());
    }
    CompileOptions options;
    try {
      options =
          new CompileOptions(
              error != null && error.pError != null
                  ? OptionalDouble.of(error.pError)
                  : OptionalDouble.empty(),
              error != null && error.globalPError != null
                  ? error.globalPError
                  : CompileOptions.DEFAULT_GLOBAL_P_ERROR,
              roundTo == null ? OptionalInt.empty() : OptionalInt.of(roundTo),
              exactRounding,
              CompileOptions.MAX_TLU_WIDTH,
              !seedCompatible);
      CompileOptions.BoundsPolicy policy = CompileOptions.BoundsPolicy.AUTO;
      if (bounds != null) {
        try {
          policy = CompileOptions.BoundsPolicy.valueOf(bounds.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new UserException(
              "--bounds must be sound, calibrated or auto, got '" + bounds + "'",
              "auto is sound wherever that costs no lookup precision");
        }
      }
      options =
          options
              .withBounds(policy, calibrationMargin == null ? 0 : calibrationMargin.doubleValue())
              .withSingleParameter(singleParameter);
      if (maxKeys != null) {
        options = options.withMaxKeys(parseSize("--max-keys", maxKeys));
      }
      if (maxKeyMemory != null) {
        options = options.withMaxKeyMemory(parseSize("--max-key-memory", maxKeyMemory));
      }
      if (seedCompatible && products == null) {
        options = options.withProducts(CompileOptions.Products.QUARTER);
      }
      if (products != null) {
        try {
          options =
              options.withProducts(
                  CompileOptions.Products.valueOf(products.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new UserException(
              "--products must be quarter, shared or auto, got '" + products + "'",
              "auto picks per product by the optimizer's complexity");
        }
      }
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), "see 'fhec compile --help' for the valid ranges");
    }
    if (nBits != null && (nBits < 1 || nBits > CompileOptions.MAX_TLU_WIDTH)) {
      throw new UserException(
          "--n-bits must be in 1.." + CompileOptions.MAX_TLU_WIDTH + ", got " + nBits,
          "8 bits or fewer keeps table lookups cheap");
    }
    long t0 = System.nanoTime();
    Bundle c;
    try {
      c =
          root.engine()
              .compile(
                  new Engine.CompileRequest(
                      model,
                      calib,
                      nBits == null ? OptionalInt.empty() : OptionalInt.of(nBits),
                      options));
    } catch (NoParametersException e) {
      throw new UserException(
          e.getMessage(), ExitCodes.noParametersHint(e).substring("hint: ".length()));
    }
    if (c.manifest().options().containsKey("round_to_auto") && !json) {
      err.println(
          "fhec: no parameters exist for the float model's full-width lookups: rounded their"
              + " inputs to "
              + c.manifest().options().get("round_to_auto")
              + " bits (give --round-to R or fewer --n-bits to choose)");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, String> opts = new LinkedHashMap<>(c.manifest().options()); // e.g. ONNX scales
    calib.ifPresent(p -> opts.put("inputset", p.toString()));
    if (nBits != null) {
      opts.put("n-bits", nBits.toString());
    }
    if (roundTo != null) {
      opts.put("round-to", roundTo.toString());
    }
    if (singleParameter) {
      opts.put("single-parameter", "true");
    }
    if (maxKeys != null) {
      opts.put("max-keys", Long.toString(options.maxKeys()));
    }
    if (maxKeyMemory != null) {
      opts.put("max-key-memory", Long.toString(options.maxKeyMemory()));
    }
    if (products != null) {
      opts.put("products", options.products().name().toLowerCase(Locale.ROOT));
    }
    options.pError().ifPresent(p -> opts.put("p-error", Double.toString(p)));
    opts.put("global-p-error", Double.toString(options.globalPError()));
    if (bounds != null) {
      opts.put("bounds", options.bounds().name().toLowerCase(Locale.ROOT));
    }
    if (calibrationMargin != null) {
      opts.put("calibration-margin", calibrationMargin.toString());
    }
    Bundle.Manifest m = c.manifest();
    Bundle bundle =
        c.withManifest(
            new Bundle.Manifest(
                m.formatVersion(),
                m.name(),
                model.toString(),
                m.inputs(),
                m.outputs(),
                opts,
                m.bounds()));
    if (Files.exists(output) && !Files.isDirectory(output) && !Bundle.isZip(output)) {
      throw new UserException(
          output + " exists and is not a bundle directory", "choose another -o path");
    }
    bundle.write(output);
    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("bundle", output.toString());
      j.put("seconds", seconds);
      j.put("bitWidth", c.report().maxBitWidth());
      j.put("pbsCount", c.report().pbsCount());
      j.put("parameters", c.report().parameters());
      j.put("keySizes", c.report().keySizes());
      j.put("statistics", c.report().statistics());
      j.put("pbsByOp", c.report().pbsByOp());
      Io.printJson(out, j);
    } else {
      printSummary(out, c.report(), output, seconds);
      if (m.bounds() != null && !m.bounds().calibrated().isEmpty()) {
        err.println(
            "fhec: warning: "
                + m.bounds().calibrated().size()
                + " node(s) rely on calibration (inputs unlike the inputset can overflow them;"
                + " fhec simulate reports it):");
        for (var r : m.bounds().calibrated()) {
          err.println("  " + r.describe());
        }
        err.println(
            "  use --bounds sound, --calibration-margin F or --round-to R for more headroom");
      }
      warnIfKeysOutgrowThisMachine(err, c.report().keySizes().evaluationKeys());
    }
    return ExitCodes.OK;
  }

  /**
   * Running a circuit holds its expanded evaluation keys in memory; when they outgrow this machine
   * a user finds out only at {@code fhec run}, after keygen. Say it now, with the option that
   * trades complexity for smaller keys.
   */
  private void warnIfKeysOutgrowThisMachine(PrintWriter err, long expandedKeys) {
    long machine =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    if (maxKeyMemory != null || expandedKeys <= machine * 0.75) {
      return;
    }
    err.println(
        "fhec: warning: running this circuit needs about "
            + KeySizes.human(expandedKeys)
            + " of memory for its evaluation keys; this machine has "
            + KeySizes.human(machine));
    err.println(
        "  recompile with --max-key-memory SIZE (e.g. --max-key-memory "
            + Math.max(1, (long) (machine * 0.6 / 1e9))
            + "GB) to trade complexity for smaller keys, or run it on a larger server");
  }

  /** "1GB", "1.5 GB", "500MB", "2000000" (bytes): decimal units, as the reports print sizes. */
  static long parseSize(String option, String text) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(b|kb|mb|gb|tb)?\\s*")
            .matcher(text);
    if (!m.matches()) {
      throw new UserException(
          option + " must be a size such as 1GB or 500MB, got '" + text + "'",
          "units are decimal: kB, MB, GB, TB");
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    double scale =
        switch (unit) {
          case "kb" -> 1e3;
          case "mb" -> 1e6;
          case "gb" -> 1e9;
          case "tb" -> 1e12;
          default -> 1;
        };
    double bytes = Double.parseDouble(m.group(1)) * scale;
    if (!(bytes >= 1) || bytes >= Long.MAX_VALUE) {
      throw new UserException(
          option + " must be at least 1 byte, got '" + text + "'", "e.g. " + option + " 1GB");
    }
    return (long) bytes;
  }

  static void printSummary(PrintWriter out, InspectionReport r, Path output, double seconds) {
    out.printf(Locale.ROOT, "Compiled %s in %.2f s -> %s%n", r.name(), seconds, output);
    describe(out, r);
  }

  /** The statistics block shared by compile and inspect, ending with the bit-width line. */
  static void describe(PrintWriter out, InspectionReport r) {
    InspectionReport.Parameters p = r.parameters();
    row(out, "nodes", Integer.toString(r.nodes().size()));
    row(out, "PBS / run", String.format(Locale.ROOT, "%,d", r.pbsCount()));
    row(out, "parameters", p.description());
    row(
        out,
        "p_error",
        String.format(
            Locale.ROOT,
            "%s per PBS, %s global (target: %s)",
            sci(p.choice().pErrorPerPbs()),
            sci(p.choice().globalPError()),
            p.choice().target()));
    row(out, "security", p.secure() ? "128-bit (both keys meet the curve)" : "NOT 128-bit secure");
    for (var alt : p.choice().alternatives()) {
      row(
          out,
          "instead of",
          String.format(
              Locale.ROOT,
              "%s, complexity %s: %s",
              alt.parameters(),
              sci(alt.cost()),
              alt.verdict()));
    }
    KeySizes k = r.keySizes();
    row(
        out,
        "client key",
        KeySizes.human(k.secretKeys())
            + " in memory, "
            + KeySizes.human(k.clientKeyFile())
            + " file on disk");
    row(
        out,
        "eval keys",
        KeySizes.human(k.evaluationKeys())
            + " expanded in memory, "
            + KeySizes.human(k.evaluationKeysFile())
            + " seeded file on disk");
    Statistics st = r.statistics();
    row(
        out,
        "inputs",
        KeySizes.human(st.sizeOfInputs())
            + " expanded in memory, "
            + KeySizes.human(st.sizeOfInputsFile())
            + " seeded file on disk");
    StringBuilder where = new StringBuilder();
    for (InspectionReport.PbsShare s : r.pbsByOp()) {
      where
          .append(where.isEmpty() ? "" : ", ")
          .append(s.op())
          .append(' ')
          .append(
              String.format(
                  Locale.ROOT, "%.0f%%", r.pbsCount() == 0 ? 0.0 : 100.0 * s.pbs() / r.pbsCount()));
    }
    row(out, "PBS by op", where.isEmpty() ? "none" : where.toString());
    out.println("Circuit compiled with " + r.maxBitWidth() + " bit-width");
    out.flush();
  }

  private static void row(PrintWriter out, String k, String v) {
    out.printf(Locale.ROOT, "  %-12s %s%n", k, v);
  }

  static String sci(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3g", v);
  }

  static String extension(Path p) {
    return dev.fhec.compiler.frontend.Frontend.extension(p);
  }

  static Optional<Path> besideModel(Path model) {
    Path dir = model.toAbsolutePath().getParent();
    String n = model.getFileName().toString();
    String stem = n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
    for (String candidate : List.of(stem + ".inputset.npz", "inputset.npz")) {
      Path p = model.resolveSibling(candidate);
      if (dir != null && Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
