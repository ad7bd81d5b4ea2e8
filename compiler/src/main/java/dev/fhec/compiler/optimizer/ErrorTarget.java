package dev.fhec.compiler.optimizer;

import dev.fhec.compiler.CompileOptions;

/**
 * The error probability the chosen parameters must meet, as Concrete's {@code p_error} (each
 * lookup) or {@code global_p_error} (the whole circuit, 1 − Π(1 − pᵢ)^{countᵢ}).
 */
public sealed interface ErrorTarget {
  /** Concrete's default when neither is set: global 1e−5. */
  double DEFAULT_GLOBAL = 1e-5;

  double value();

  /** Every lookup must fail with probability at most {@code value}. */
  record PerLookup(double value) implements ErrorTarget {
    public PerLookup {
      requireProbability(value);
    }
  }

  /** The whole circuit must fail with probability at most {@code value}. */
  record Global(double value) implements ErrorTarget {
    public Global {
      requireProbability(value);
    }
  }

  static ErrorTarget defaultTarget() {
    return new Global(DEFAULT_GLOBAL);
  }

  /** The target a compilation asks for: its per-lookup p_error if set, else its global one. */
  static ErrorTarget of(CompileOptions options) {
    return options.pError().isPresent()
        ? new PerLookup(options.pError().getAsDouble())
        : new Global(options.globalPError());
  }

  private static void requireProbability(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p_error must be in (0, 1), got " + p);
    }
  }
}
