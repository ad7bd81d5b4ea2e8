package dev.fhec.compiler.ir;

/**
 * Elementwise univariate functions. Integer-valued ones (ABS, RELU, CLIP, SIGN) are valid on
 * integers; the rest are float functions that fusing absorbs into table lookups.
 */
public sealed interface UnaryFn {
  /** Functions without parameters. */
  enum Simple implements UnaryFn {
    EXP,
    LOG,
    SQRT,
    RSQRT,
    RECIPROCAL,
    TANH,
    SIGMOID,
    ERF,
    GELU,
    ABS,
    RELU,
    SIGN,
    /** Round half to even, like numpy rint. */
    RINT,
    FLOOR,
    CEIL
  }

  /** clip(x, min, max). */
  record Clip(double min, double max) implements UnaryFn {}

  /** x^exponent (integer exponents keep integers integer). */
  record Power(double exponent) implements UnaryFn {}
}
