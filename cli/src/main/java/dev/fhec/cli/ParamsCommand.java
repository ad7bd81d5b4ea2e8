package dev.fhec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fhec.compiler.optimizer.CircuitProfile;
import dev.fhec.compiler.optimizer.ErrorTarget;
import dev.fhec.compiler.optimizer.LookupGroup;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.optimizer.OptimizedParameters;
import dev.fhec.compiler.optimizer.ParameterOptimizer;
import dev.fhec.runtime.params.ParameterSet;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fhec params}: the cheapest 128-bit secure parameters for lookups of a given precision and
 * 2-norm, without compiling a circuit. Lets users see what a precision costs before they build a
 * model around it, and compare with Concrete's v0 table.
 */
@Command(
    name = "params",
    mixinStandardHelpOptions = true,
    description = {
      "Finds the cheapest 128-bit secure TFHE parameters for table lookups of a given input"
          + " precision and 2-norm (the norm ν of the dot product feeding each lookup)."
    },
    footer = {
      "",
      "Examples:",
      "  fhec params --precision 4 --norm2 1 --p-error 6.3e-5",
      "  fhec params --precision 8 --norm2 2^10 --json"
    })
public final class ParamsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-p", "--precision"},
      required = true,
      paramLabel = "BITS",
      description = "lookup input precision in bits (1..16)")
  int precision;

  @Option(
      names = "--norm2",
      defaultValue = "1",
      paramLabel = "NU",
      converter = PowerOfTwoConverter.class,
      description =
          "2-norm ν of the dot product feeding each lookup, e.g. 1, 40 or 2^10 (default 1)")
  double norm2;

  @Option(
      names = "--p-error",
      paramLabel = "E",
      description = "error probability per lookup (default: global 1e-5 over --count lookups)")
  Double pError;

  @Option(
      names = "--global-p-error",
      paramLabel = "E",
      description = "error probability of all --count lookups together (default 1e-5)")
  Double globalPError;

  @Option(
      names = "--count",
      defaultValue = "1",
      paramLabel = "N",
      description = "number of lookups (scales the complexity and the global error; default 1)")
  long count;

  @Option(names = "--json", description = "print JSON instead of text")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ErrorTarget target;
    LookupGroup group;
    try {
      if (pError != null && globalPError != null) {
        throw new IllegalArgumentException("give --p-error or --global-p-error, not both");
      }
      target =
          pError != null
              ? new ErrorTarget.PerLookup(pError)
              : new ErrorTarget.Global(
                  globalPError != null ? globalPError : ErrorTarget.DEFAULT_GLOBAL);
      group = LookupGroup.ofNorm2(precision, norm2, count);
    } catch (IllegalArgumentException e) {
      err.println("fhec params: " + e.getMessage());
      err.println("hint: run 'fhec params --help'");
      return FhecCommand.USER_ERROR;
    }
    OptimizedParameters r;
    try {
      r = new ParameterOptimizer().optimize(CircuitProfile.of(group), target);
    } catch (NoParametersException e) {
      err.println("fhec params: " + e.getMessage());
      err.println(e.hint());
      return FhecCommand.USER_ERROR;
    }
    if (json) {
      out.println(toJson(r));
    } else {
      printText(out, r);
    }
    out.flush();
    return FhecCommand.OK;
  }

  static String toJson(OptimizedParameters r) {
    ParameterSet s = r.parameters();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("lwe_dimension", s.n());
    m.put("glwe_dimension", s.k());
    m.put("polynomial_size", s.bigN());
    m.put("pbs_base_log", s.pbs().baseLog());
    m.put("pbs_level", s.pbs().levels());
    m.put("ks_base_log", s.ks().baseLog());
    m.put("ks_level", s.ks().levels());
    m.put("ks_bits", r.keyswitch32() ? 32 : 64);
    m.put("lwe_noise_std", s.lweNoiseStd());
    m.put("glwe_noise_std", s.glweNoiseStd());
    m.put("p_error", r.maxPError());
    m.put("global_p_error", r.globalPError());
    m.put("complexity", r.complexity());
    m.put("why", r.why());
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void printText(PrintWriter out, OptimizedParameters r) {
    ParameterSet s = r.parameters();
    out.printf(Locale.ROOT, "parameters   %s%n", s.name());
    out.printf(
        Locale.ROOT,
        "  LWE n = %d, GLWE k = %d, N = %d (k·N = %d)%n",
        s.n(),
        s.k(),
        s.bigN(),
        s.bigLweDimension());
    out.printf(
        Locale.ROOT,
        "  bootstrap %s, keyswitch %s on %d bits%n",
        s.pbs(),
        s.ks(),
        r.keyswitch32() ? 32 : 64);
    out.printf(
        Locale.ROOT,
        "  σ lwe = 2^%.2f, σ glwe = 2^%.2f (128-bit curve)%n",
        Math.log(s.lweNoiseStd()) / Math.log(2),
        Math.log(s.glweNoiseStd()) / Math.log(2));
    out.printf(
        Locale.ROOT,
        "p_error      %.3g per lookup, %.3g global (target: %s %.3g)%n",
        r.maxPError(),
        r.globalPError(),
        r.target() instanceof ErrorTarget.Global ? "global" : "per lookup",
        r.target().value());
    out.printf(
        Locale.ROOT,
        "complexity   %.4g (per lookup: keyswitch %d + bootstrap %d)%n",
        r.complexity(),
        r.keyswitchComplexity(),
        r.bootstrapComplexity());
    out.printf(Locale.ROOT, "why          %s%n", r.why());
    out.printf(Locale.ROOT, "search       %.1f ms%n", r.searchNanos() / 1e6);
  }

  /** Reads a number or a power of two written {@code 2^e}. */
  static final class PowerOfTwoConverter implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      String v = value.trim();
      try {
        if (v.startsWith("2^")) {
          return Math.pow(2.0, Double.parseDouble(v.substring(2)));
        }
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a number or a power of two like 2^10");
      }
    }
  }
}
