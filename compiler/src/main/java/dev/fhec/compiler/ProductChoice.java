package dev.fhec.compiler;

import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.compiler.lowering.Products;
import dev.fhec.compiler.optimizer.ErrorTarget;
import dev.fhec.compiler.optimizer.MultiParameterOptimizer;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.optimizer.NoiseDag;
import dev.fhec.compiler.optimizer.ParameterOptimizer;
import dev.fhec.runtime.circuit.ValueInfo;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How each encrypted × encrypted product is lowered ({@link CompileOptions#products()}), and the
 * account the report gives of it.
 *
 * <p>{@code AUTO} judges by the optimizer's complexity of the whole circuit, never by bootstrap
 * count alone: shared squares accumulate one bit wider and may add a halving lookup at the
 * product's width, which can move lookups into a costlier partition. Greedy over groups of alike
 * products (same op, shapes, widths and consumers, e.g. one matmul in every head) in program order:
 * start from quarter squares everywhere, switch a group to shared squares when that lowers the
 * whole circuit's complexity given the choices made so far (one optimizer run per group, plus one).
 * A product whose shared lowering needs no fewer lookups stays on quarter squares without a run.
 *
 * @param shared ids of the products lowered with shared squares
 * @param account one line per product for the report (empty without products)
 */
public record ProductChoice(Set<Integer> shared, String account) {

  public ProductChoice {
    shared = Set.copyOf(shared);
  }

  /** The lowering of every product of {@code p} under {@code options}. */
  public static ProductChoice choose(
      Program p, CompileOptions options, boolean fixedParameters, ErrorTarget target) {
    List<Integer> products = Products.of(p);
    if (products.isEmpty()) {
      return new ProductChoice(Set.of(), "");
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nencrypted products (--products %s):",
            options.products().name().toLowerCase(Locale.ROOT)));
    Set<Integer> shared = new LinkedHashSet<>();
    switch (options.products()) {
      case QUARTER -> {
        for (int id : products) {
          line(sb, p, id, Products.Kind.QUARTER, "forced");
        }
      }
      case SHARED -> {
        for (int id : products) {
          if (fitsShared(p, id)) {
            shared.add(id);
            line(sb, p, id, Products.Kind.SHARED, "forced");
          } else {
            line(
                sb,
                p,
                id,
                Products.Kind.QUARTER,
                "forced shared, but the doubled accumulator"
                    + " exceeds the "
                    + ValueInfo.MAX_WIDTH
                    + "-bit encoding limit");
          }
        }
      }
      case AUTO -> {
        if (fixedParameters) {
          for (int id : products) {
            line(
                sb,
                p,
                id,
                Products.Kind.QUARTER,
                "fixed parameters: nothing to optimize, and a wider accumulator may not fit them");
          }
          break;
        }
        // Products with the same signature (e.g. the same matmul in every head) are decided
        // together: one optimizer run per group, not per product.
        java.util.Map<String, List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int id : products) {
          groups.computeIfAbsent(signature(p, id), k -> new java.util.ArrayList<>()).add(id);
        }
        double best = Double.NaN;
        for (List<Integer> group : groups.values()) {
          int first = group.get(0);
          if (!fitsShared(p, first)) {
            group.forEach(
                id ->
                    line(
                        sb,
                        p,
                        id,
                        Products.Kind.QUARTER,
                        "shared squares would exceed the encoding limit"));
            continue;
          }
          if (Products.lookups(p, first, Products.Kind.SHARED)
              >= Products.lookups(p, first, Products.Kind.QUARTER)) {
            // No fewer lookups, at the same or higher precision, with more noise: never cheaper.
            group.forEach(
                id ->
                    line(
                        sb,
                        p,
                        id,
                        Products.Kind.QUARTER,
                        "shared squares need no fewer lookups (no optimizer run)"));
            continue;
          }
          if (Double.isNaN(best)) {
            best = complexity(p, shared, options, target);
          }
          Set<Integer> trial = new HashSet<>(shared);
          trial.addAll(group);
          double c = complexity(p, trial, options, target);
          String why =
              String.format(
                  Locale.ROOT,
                  "whole circuit %s with quarter squares, %s with shared squares%s",
                  fmt(best),
                  fmt(c),
                  group.size() > 1 ? " (decided with " + (group.size() - 1) + " alike)" : "");
          boolean take = c < best;
          if (take) {
            shared.addAll(group);
            best = c;
          }
          group.forEach(
              id -> line(sb, p, id, take ? Products.Kind.SHARED : Products.Kind.QUARTER, why));
        }
      }
    }
    return new ProductChoice(shared, sb.toString());
  }

  private static String fmt(double c) {
    return Double.isInfinite(c) ? "no parameters" : String.format(Locale.ROOT, "%.4e", c);
  }

  private static void line(StringBuilder sb, Program p, int id, Products.Kind chosen, String why) {
    long q = Products.lookups(p, id, Products.Kind.QUARTER);
    long s = Products.lookups(p, id, Products.Kind.SHARED);
    String what = p.node(id).op() instanceof Op.MatMul ? "matmul" : "multiply";
    sb.append(
        String.format(
            Locale.ROOT,
            "%n  %%%d %s %s: %s (quarter squares %,d lookups, shared squares %,d); %s",
            id,
            what,
            java.util.Arrays.toString(p.type(id).shape()),
            chosen == Products.Kind.SHARED ? "shared squares" : "quarter squares",
            q,
            s,
            why));
  }

  /** Products alike for the choice: op, operand and result shapes and widths, consumers. */
  private static String signature(Program p, int id) {
    StringBuilder sb = new StringBuilder(p.node(id).op().getClass().getSimpleName());
    List<Integer> ops = p.node(id).op().operands();
    for (int x : List.of(ops.get(0), ops.get(1), id)) {
      sb.append(java.util.Arrays.toString(p.type(x).shape()))
          .append(((ElementType.IntType) p.type(x).element()).width());
    }
    return sb.append(Products.onlyLookupsRead(p, id)).toString();
  }

  /** Whether the doubled accumulator of product {@code id} fits the encoding. */
  private static boolean fitsShared(Program p, int id) {
    return ((ElementType.IntType) p.type(id).element()).width() + 1 <= ValueInfo.MAX_WIDTH;
  }

  /** The optimizer's complexity of {@code p} lowered with {@code shared}; +∞ without parameters. */
  static double complexity(
      Program p, Set<Integer> shared, CompileOptions options, ErrorTarget target) {
    LoweredCircuit c = Fhec.lower(p, shared, options);
    try {
      if (options.singleParameter()) {
        return new ParameterOptimizer()
            .optimize(NoiseDag.of(c).singleProfile(), target)
            .complexity();
      }
      return new MultiParameterOptimizer().optimize(c, target).complexity();
    } catch (NoParametersException e) {
      return Double.POSITIVE_INFINITY;
    }
  }
}
