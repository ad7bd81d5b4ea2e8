package dev.fhec.compiler;

import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.lowering.DeadElements;
import dev.fhec.compiler.lowering.HalvingLookups;
import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.compiler.lowering.Lowering;
import dev.fhec.compiler.lowering.LoweringChoice;
import dev.fhec.compiler.lowering.ManyLookups;
import dev.fhec.compiler.lowering.OriginalWidthLookups;
import dev.fhec.compiler.lowering.PlanApplication;
import dev.fhec.compiler.optimizer.ErrorTarget;
import dev.fhec.compiler.optimizer.KeyBudget;
import dev.fhec.compiler.optimizer.MultiParameterOptimizer;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.optimizer.OptimizedParameters;
import dev.fhec.compiler.optimizer.ParameterOptimizer;
import dev.fhec.compiler.optimizer.PartitionedParameters;
import dev.fhec.compiler.passes.AssignBitWidths;
import dev.fhec.compiler.passes.PassContext;
import dev.fhec.compiler.passes.PassManager;
import dev.fhec.compiler.report.OpKinds;
import dev.fhec.compiler.stats.CircuitStatistics;
import dev.fhec.compiler.stats.CompilationReport;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.params.CostModel;
import dev.fhec.runtime.params.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The compiler's public entry point: program + options + calibration inputset → {@link
 * CompiledCircuit}. Runs {@link Pipelines#defaultPipeline}, lowers to a {@link LoweredCircuit} (no
 * parameters yet), asks the parameter optimizer for the cheapest secure parameters meeting the
 * error target, applies its plan once ({@link PlanApplication}) and computes the report. Prints
 * nothing; everything is in the returned value.
 */
public final class Fhec {
  private Fhec() {}

  /** Compiles with optimized parameters. */
  public static CompiledCircuit compile(
      Program program, CompileOptions options, List<List<Tensor>> inputset) {
    return compile(program, options, inputset, Optional.empty());
  }

  /** Compiles with the given parameters instead of optimizing (tests, fixed deployments). */
  public static CompiledCircuit compile(
      Program program, CompileOptions options, List<List<Tensor>> inputset, ParameterSet fixed) {
    return compile(program, options, inputset, Optional.of(fixed));
  }

  /** Runs the passes of the default pipeline only. */
  public static Program analyse(
      Program program, CompileOptions options, List<List<Tensor>> inputset) {
    return run(program, effective(program, options, inputset), inputset);
  }

  private static Program run(Program program, CompileOptions options, List<List<Tensor>> inputset) {
    PassContext ctx = new PassContext(options, inputset);
    return new PassManager(Pipelines.defaultPipeline(options), PassManager.Options.defaults())
        .run(program, ctx, Set.of())
        .program();
  }

  private static CompiledCircuit compile(
      Program program,
      CompileOptions options,
      List<List<Tensor>> inputset,
      Optional<ParameterSet> fixed) {
    return compileOnce(program, effective(program, options, inputset), inputset, fixed);
  }

  /**
   * Under {@link CompileOptions.BoundsPolicy#AUTO} with an inputset, the lookup precision the
   * calibrated ranges need becomes the limit of sound ranges: every node whose sound range fits it
   * is sound, at no cost in parameters (sound ranges of the tiny head would need 10-bit lookups and
   * 17 GB of evaluation keys instead of 5-bit ones); the rest rely on calibration, named by {@link
   * dev.fhec.compiler.passes.BoundsAudit}.
   */
  static CompileOptions effective(
      Program program, CompileOptions options, List<List<Tensor>> inputset) {
    if (options.bounds() != CompileOptions.BoundsPolicy.AUTO || inputset.isEmpty()) {
      return options;
    }
    Program calibrated =
        run(
            program,
            options.withBounds(CompileOptions.BoundsPolicy.CALIBRATED, options.calibrationMargin()),
            inputset);
    int widest = Math.max(widestLookup(calibrated), options.roundTo().orElse(1));
    return options.withMaxTluWidth(Math.min(options.maxTluWidth(), widest));
  }

  /** The widest bootstrap input: table lookups, and operands of bootstrapped arithmetic. */
  private static int widestLookup(Program p) {
    int w = 1;
    for (dev.fhec.compiler.ir.Node n : p.nodes()) {
      if (n.op() instanceof dev.fhec.compiler.ir.Op.TableLookup t) {
        w = Math.max(w, AssignBitWidths.tableInputWidth(p, t));
      } else if (n.type().encrypted()
          && !(n.op() instanceof dev.fhec.compiler.ir.Op.Input)
          && !(n.op() instanceof dev.fhec.compiler.ir.Op.TableLookup)) {
        for (int x : n.op().operands()) {
          if (p.type(x).encrypted() && bootstraps(n.op(), p)) {
            w =
                Math.max(
                    w, ((dev.fhec.compiler.ir.ElementType.IntType) p.type(x).element()).width());
          }
        }
      }
    }
    return w;
  }

  private static boolean bootstraps(dev.fhec.compiler.ir.Op op, Program p) {
    if (op instanceof dev.fhec.compiler.ir.Op.MatMul m) {
      return p.type(m.lhs()).encrypted() && p.type(m.rhs()).encrypted();
    }
    if (op instanceof dev.fhec.compiler.ir.Op.Binary b) {
      return p.type(b.lhs()).encrypted()
          && p.type(b.rhs()).encrypted()
          && b.kind() != dev.fhec.compiler.ir.Op.BinaryKind.ADD
          && b.kind() != dev.fhec.compiler.ir.Op.BinaryKind.SUB;
    }
    return op instanceof dev.fhec.compiler.ir.Op.Reduce
        || (op instanceof dev.fhec.compiler.ir.Op.RoundBits r && r.exact());
  }

  private static CompiledCircuit compileOnce(
      Program program,
      CompileOptions options,
      List<List<Tensor>> inputset,
      Optional<ParameterSet> fixed) {
    Program p = run(program, options, inputset);
    int maxWidth = AssignBitWidths.maximumIntegerBitWidth(p);
    ErrorTarget target =
        options.pError().isPresent()
            ? new ErrorTarget.PerLookup(options.pError().getAsDouble())
            : new ErrorTarget.Global(options.globalPError());
    ProductChoice products = ProductChoice.choose(p, options, fixed.isPresent(), target);
    // Lowering needs no parameters: lower once, let the optimizer read it, apply its plan once.
    LoweredCircuit lowered = lower(p, products.shared(), options);
    Choice choice;
    try {
      choice =
          fixed.isPresent()
              ? fixed(lowered, fixed.get())
              : options.singleParameter()
                  ? single(lowered, target)
                  : multi(lowered, target, options.keyBudget());
    } catch (NoParametersException e) {
      throw e.group() == null ? e : e.at(lookupNodes(p, lowered, e.group().precision()));
    }
    Circuit c = choice.applied().circuit();
    CompilationReport report =
        new CompilationReport(
            p.name(),
            "Circuit compiled with " + maxWidth + " bit-width",
            maxWidth,
            c.parameters(),
            CircuitStatistics.total(c),
            dev.fhec.compiler.report.KeySizes.of(c.plan()),
            choice.complexity(),
            choice.pError(),
            choice.globalPError(),
            choice.why() + products.account(),
            CompilationReport.rows(p, c, choice.applied().origins()),
            c.plan(),
            CompilationReport.bootstrapsPerPartition(c));
    return new CompiledCircuit(
        p, c, report, choice.single(), choice.partitioned(), choice.applied().origins());
  }

  /**
   * The circuit under the chosen plan, and what the report says of the choice.
   *
   * @param single the single-parameter optimizer's result, if it chose
   * @param partitioned the multi-parameter optimizer's result, if it chose
   * @param pError NaN for fixed parameters (not optimized), likewise {@code globalPError}
   */
  private record Choice(
      PlanApplication.Applied applied,
      Optional<OptimizedParameters> single,
      Optional<PartitionedParameters> partitioned,
      double complexity,
      double pError,
      double globalPError,
      String why) {}

  /** The caller's parameters, not optimized: the complexity is the lookups' cost alone. */
  /**
   * {@code p} lowered with {@code shared} products; with the lookup optimizations, without its dead
   * and constant lookup elements.
   */
  static LoweredCircuit lower(Program p, Set<Integer> shared, CompileOptions options) {
    LoweredCircuit lowered = Lowering.lower(p, shared);
    return options.optimizeLookups() ? DeadElements.prune(lowered) : lowered;
  }

  private static Choice fixed(LoweredCircuit lowered, ParameterSet params) {
    PlanApplication.Applied applied = PlanApplication.apply(lowered, params);
    long bootstraps = CircuitStatistics.total(applied.circuit()).bootstraps();
    return new Choice(
        applied,
        Optional.empty(),
        Optional.empty(),
        (double) bootstraps * CostModel.lookup(params),
        Double.NaN,
        Double.NaN,
        "");
  }

  /** One parameter set for every lookup ({@code --single-parameter}). */
  private static Choice single(LoweredCircuit lowered, ErrorTarget target) {
    // Lookups, circuit outputs and leveled chains all constrain the noise (issue 9).
    OptimizedParameters o = new ParameterOptimizer().optimize(lowered, target);
    // The ½ of shared-squares products: refreshing lookups where they make it cheaper.
    LoweredCircuit refreshed = HalvingLookups.refresh(lowered);
    if (refreshed != lowered) {
      try {
        OptimizedParameters r = new ParameterOptimizer().optimize(refreshed, target);
        if (r.complexity() < o.complexity()) {
          o = r;
          lowered = refreshed;
        }
      } catch (NoParametersException e) {
        // keep the reinterpretations
      }
    }
    return new Choice(
        PlanApplication.apply(lowered, o.parameters(), o.keyswitch32()),
        Optional.of(o),
        Optional.empty(),
        o.complexity(),
        o.maxPError(),
        o.globalPError(),
        o.why());
  }

  /**
   * One parameter set per partition, lookups at their original width (compiler.md §8.9) where that
   * plan is the better.
   */
  private static Choice multi(LoweredCircuit lowered, ErrorTarget target, KeyBudget budget) {
    PartitionedParameters pp = new MultiParameterOptimizer().optimize(lowered, target, budget);
    LoweredCircuit narrow = OriginalWidthLookups.rewrite(lowered);
    String narrowing = "";
    PartitionedParameters q = null;
    if (narrow != lowered) {
      try {
        q = new MultiParameterOptimizer().optimize(narrow, target, budget);
      } catch (NoParametersException e) {
        q = null; // the multiplies' noise left no parameters: keep the encoding width
      }
    }
    if (q != null) {
      narrowing =
          String.format(
              java.util.Locale.ROOT,
              " Lookups at their original width (%d lookup instructions narrowed): complexity %.4g against"
                  + " %.4g at the encoding width: %s.",
              narrow.instructions().size() - lowered.instructions().size(),
              q.complexity(),
              pp.complexity(),
              q.preferableTo(pp) ? "taken" : "not taken");
      KeyBudget.Outcome best = pp.budget().againstBestOf(q.budget());
      if (q.preferableTo(pp)) {
        pp = q;
        lowered = narrow;
      }
      pp = pp.withBudget(pp.budget().againstBestOf(best));
    }
    // Lookups of one value in one bootstrap where the whole circuit's complexity says so.
    LoweringChoice many =
        ManyLookups.choose(
            lowered, pp, fused -> new MultiParameterOptimizer().optimize(fused, target, budget));
    lowered = many.lowered();
    pp = many.parameters().withBudget(many.parameters().budget().againstBestOf(pp.budget()));
    narrowing += many.account();
    // The ½ of shared-squares products: free reinterpretation or a refreshing lookup.
    LoweringChoice halving =
        HalvingLookups.choose(
            lowered,
            pp,
            refreshed -> new MultiParameterOptimizer().optimize(refreshed, target, budget));
    lowered = halving.lowered();
    pp = halving.parameters().withBudget(halving.parameters().budget().againstBestOf(pp.budget()));
    narrowing += halving.account();
    return new Choice(
        applyPlan(lowered, pp),
        Optional.empty(),
        Optional.of(pp),
        pp.complexity(),
        pp.maxPError(),
        pp.globalPError(),
        pp.why() + narrowing);
  }

  /** The program nodes whose lookups read {@code precision}-bit inputs, named with their source. */
  private static String lookupNodes(Program p, LoweredCircuit lowered, int precision) {
    java.util.Set<Integer> nodes = new java.util.LinkedHashSet<>();
    for (int i = 0; i < lowered.instructions().size(); i++) {
      if (lowered.instructions().get(i) instanceof Instruction.Tlu t
          && lowered.precision(t) == precision
          && lowered.origins().get(i) >= 0) {
        nodes.add(lowered.origins().get(i));
      }
    }
    List<String> named = new ArrayList<>();
    for (int id : nodes) {
      if (named.size() == 3) {
        named.add("and " + (nodes.size() - 3) + " more");
        break;
      }
      Node n = p.nodes().stream().filter(x -> x.id() == id).findFirst().orElseThrow();
      named.add("%" + id + " (" + OpKinds.kind(n.op()) + " at " + n.location() + ")");
    }
    return named.isEmpty() ? "(none located)" : String.join(", ", named);
  }

  /** The lowered circuit under the multi-parameter optimizer's plan. */
  private static PlanApplication.Applied applyPlan(
      LoweredCircuit lowered, PartitionedParameters pp) {
    List<ParameterSet> sets = new ArrayList<>();
    for (PartitionedParameters.Partition part : pp.partitions()) {
      sets.add(part.parameters());
    }
    List<KeyswitchSpec> specs = new ArrayList<>();
    for (PartitionedParameters.KeyswitchChoice k : pp.keyswitches()) {
      specs.add(
          new KeyswitchSpec(
              k.from(),
              k.to(),
              k.toBigKey() ? KeyswitchSpec.Kind.BIG_TO_BIG : KeyswitchSpec.Kind.BIG_TO_SMALL,
              k.decomposition(),
              k.bits32()));
    }
    return PlanApplication.apply(
        lowered, sets, pp.valuePartition(), pp.bootstrapPartition(), specs);
  }
}
