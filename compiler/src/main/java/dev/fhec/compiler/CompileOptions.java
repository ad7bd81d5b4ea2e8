package dev.fhec.compiler;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Options of one compilation, with Concrete-compatible defaults.
 *
 * @param pError per-PBS error probability target; when empty, {@code globalPError} applies
 * @param globalPError error probability of the whole circuit (default 1e-5)
 * @param roundTo if present, table-lookup inputs wider than this are rounded to this many MSBs
 * @param exactRounding exact rounding (one PBS per removed bit) instead of approximate (none)
 * @param maxTluWidth the table-lookup input limit (16, as Concrete)
 * @param optimizeLookups run {@code eliminate-common-subexpressions} and {@code
 *     compose-table-lookups} after fusing, and bootstrap only the lookup elements an output depends
 *     on ({@link dev.fhec.compiler.lowering.DeadElements}) (default); {@code false} reproduces the
 *     seed's lowering bootstrap for bootstrap (see {@link #seedCompatible()})
 * @param bounds where value ranges come from: sound interval analysis, the calibration inputset, or
 *     sound where it fits the lookup limit and calibrated elsewhere (default)
 * @param calibrationMargin calibrated ranges are widened by this fraction of their span on each
 *     side (clipped to the sound range), headroom for inputs beyond the inputset
 * @param singleParameter one parameter set for every lookup ({@code optimizer.ParameterOptimizer},
 *     Concrete's MONO strategy) instead of one per lookup precision ({@code
 *     optimizer.MultiParameterOptimizer}, Concrete's MULTI default)
 * @param products how encrypted × encrypted products are lowered ({@code --products}): quarter
 *     squares, shared squares, or per product by the optimizer's complexity of the whole circuit
 * @param maxKeys the multi-parameter optimizer's cap on the seeded evaluation keys, bytes ({@code
 *     --max-keys}; {@link Long#MAX_VALUE}: none); it trades complexity for smaller keys
 * @param maxKeyMemory the same for the expanded evaluation keys, the memory a server needs to hold
 *     them while it runs the circuit ({@code --max-key-memory}; {@link Long#MAX_VALUE}: none)
 */
public record CompileOptions(
    OptionalDouble pError,
    double globalPError,
    OptionalInt roundTo,
    boolean exactRounding,
    int maxTluWidth,
    boolean optimizeLookups,
    BoundsPolicy bounds,
    double calibrationMargin,
    boolean singleParameter,
    Products products,
    long maxKeys,
    long maxKeyMemory) {

  /**
   * Lowering of encrypted × encrypted products ({@code --products}, reference/compiler.md §8.10).
   */
  public enum Products {
    /** x·y = ⌊(x+y)²/4⌋ − ⌊(x−y)²/4⌋: two lookups per scalar product (Concrete's lowering). */
    QUARTER,
    /**
     * x·y = ((x+y)² − x² − y²)/2 with each operand element's square computed once: m·k·n + m·k +
     * k·n lookups for an (m,k)·(k,n) matmul, on an accumulator one bit wider.
     */
    SHARED,
    /**
     * Each product by the optimizer's complexity of the whole circuit; with fixed parameters
     * (nothing to optimize, and a wider accumulator may not fit them) quarter squares.
     */
    AUTO
  }

  /** Where value ranges come from ({@code --bounds}). */
  public enum BoundsPolicy {
    /** Interval analysis from the declared input ranges, joined with the inputset's. */
    SOUND,
    /**
     * The inputset's ranges (widened by the margin) for every computed value, as Concrete does;
     * inputs keep their declared range.
     */
    CALIBRATED,
    /** Sound for every node whose sound range fits the lookup limit, calibrated elsewhere. */
    AUTO
  }

  public static final double DEFAULT_GLOBAL_P_ERROR = 1e-5;

  /** Default {@link #maxKeys}: no cap. */
  public static final long DEFAULT_MAX_KEYS = Long.MAX_VALUE;

  public static final int MAX_TLU_WIDTH = 16;

  public CompileOptions {
    if (pError.isPresent() && !(pError.getAsDouble() > 0 && pError.getAsDouble() < 1)) {
      throw new IllegalArgumentException("p_error must be in (0, 1), got " + pError.getAsDouble());
    }
    if (!(globalPError > 0 && globalPError < 1)) {
      throw new IllegalArgumentException("global p_error must be in (0, 1), got " + globalPError);
    }
    if (roundTo.isPresent() && (roundTo.getAsInt() < 1 || roundTo.getAsInt() > maxTluWidth)) {
      throw new IllegalArgumentException(
          "round-to must be in 1.." + maxTluWidth + ", got " + roundTo.getAsInt());
    }
    java.util.Objects.requireNonNull(bounds, "bounds");
    java.util.Objects.requireNonNull(products, "products");
    if (maxKeys <= 0 || maxKeyMemory <= 0) {
      throw new IllegalArgumentException(
          "key budgets must be positive, got " + maxKeys + " and " + maxKeyMemory);
    }
    if (!(calibrationMargin >= 0 && calibrationMargin <= 1000)) {
      throw new IllegalArgumentException(
          "calibration margin must be in [0, 1000], got " + calibrationMargin);
    }
  }

  /** The options with the default bounds policy ({@link BoundsPolicy#AUTO}, no margin). */
  public CompileOptions(
      OptionalDouble pError,
      double globalPError,
      OptionalInt roundTo,
      boolean exactRounding,
      int maxTluWidth,
      boolean optimizeLookups) {
    this(
        pError,
        globalPError,
        roundTo,
        exactRounding,
        maxTluWidth,
        optimizeLookups,
        BoundsPolicy.AUTO,
        0,
        false,
        Products.AUTO,
        DEFAULT_MAX_KEYS,
        DEFAULT_MAX_KEYS);
  }

  public static CompileOptions defaults() {
    return new CompileOptions(
        OptionalDouble.empty(),
        DEFAULT_GLOBAL_P_ERROR,
        OptionalInt.empty(),
        false,
        MAX_TLU_WIDTH,
        true);
  }

  /**
   * The defaults without the lookup optimizations and with quarter-square products: the seed's (and
   * Concrete's) bootstrap count.
   */
  public static CompileOptions seedCompatible() {
    return defaults().withOptimizeLookups(false).withProducts(Products.QUARTER);
  }

  /** These options with {@code optimizeLookups} set to {@code on}. */
  public CompileOptions withOptimizeLookups(boolean on) {
    return edit(b -> b.optimizeLookups = on);
  }

  /** These options with another table-lookup input limit. */
  public CompileOptions withMaxTluWidth(int bits) {
    return edit(b -> b.maxTluWidth = bits);
  }

  /** These options with another bounds policy and calibration margin. */
  public CompileOptions withBounds(BoundsPolicy policy, double margin) {
    return edit(
        b -> {
          b.bounds = policy;
          b.calibrationMargin = margin;
        });
  }

  /** These options with table-lookup inputs rounded to {@code bits} most significant bits. */
  public CompileOptions withRoundTo(int bits) {
    return edit(b -> b.roundTo = OptionalInt.of(bits));
  }

  /**
   * These options with one parameter set for the whole circuit ({@code on}) or one per partition.
   */
  public CompileOptions withSingleParameter(boolean on) {
    return edit(b -> b.singleParameter = on);
  }

  /** These options with another lowering of encrypted × encrypted products. */
  public CompileOptions withProducts(Products how) {
    return edit(b -> b.products = how);
  }

  /** These options with a cap on the seeded evaluation keys ({@link Long#MAX_VALUE}: none). */
  public CompileOptions withMaxKeys(long bytes) {
    return edit(b -> b.maxKeys = bytes);
  }

  /**
   * These options with a cap on the expanded evaluation keys, the memory that running the circuit
   * needs for them ({@link Long#MAX_VALUE}: none).
   */
  public CompileOptions withMaxKeyMemory(long bytes) {
    return edit(b -> b.maxKeyMemory = bytes);
  }

  /** A copy with {@code change} applied; the record's constructor checks the result. */
  private CompileOptions edit(java.util.function.Consumer<Editor> change) {
    Editor e = new Editor(this);
    change.accept(e);
    return e.build();
  }

  /** The fields of a copy being edited by one {@code withX} method (one place lists them all). */
  private static final class Editor {
    OptionalDouble pError;
    double globalPError;
    OptionalInt roundTo;
    boolean exactRounding;
    int maxTluWidth;
    boolean optimizeLookups;
    BoundsPolicy bounds;
    double calibrationMargin;
    boolean singleParameter;
    Products products;
    long maxKeys;
    long maxKeyMemory;

    Editor(CompileOptions o) {
      pError = o.pError;
      globalPError = o.globalPError;
      roundTo = o.roundTo;
      exactRounding = o.exactRounding;
      maxTluWidth = o.maxTluWidth;
      optimizeLookups = o.optimizeLookups;
      bounds = o.bounds;
      calibrationMargin = o.calibrationMargin;
      singleParameter = o.singleParameter;
      products = o.products;
      maxKeys = o.maxKeys;
      maxKeyMemory = o.maxKeyMemory;
    }

    CompileOptions build() {
      return new CompileOptions(
          pError,
          globalPError,
          roundTo,
          exactRounding,
          maxTluWidth,
          optimizeLookups,
          bounds,
          calibrationMargin,
          singleParameter,
          products,
          maxKeys,
          maxKeyMemory);
    }
  }

  /** The key budget these options give the multi-parameter optimizer. */
  public dev.fhec.compiler.optimizer.KeyBudget keyBudget() {
    return new dev.fhec.compiler.optimizer.KeyBudget(maxKeys, maxKeyMemory);
  }
}
