package dev.fhec.compiler;

import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.lowering.HalvingLookups;
import dev.fhec.compiler.lowering.Lowering;
import dev.fhec.compiler.lowering.LoweringChoice;
import dev.fhec.compiler.lowering.ManyLookups;
import dev.fhec.compiler.lowering.OriginalWidthLookups;
import dev.fhec.compiler.lowering.PlanApplication;
import dev.fhec.compiler.optimizer.CircuitProfile;
import dev.fhec.compiler.optimizer.ErrorTarget;
import dev.fhec.compiler.optimizer.MultiParameterOptimizer;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.optimizer.NoiseDag;
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
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.params.CostModel;
import dev.fhec.runtime.params.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The compiler's public entry point: program + options + calibration inputset → {@link
 * CompiledCircuit}. Runs {@link Pipelines#defaultPipeline}, lowers to a circuit, asks the parameter
 * optimizer for the cheapest secure parameters meeting the error target, and computes the report.
 * Prints nothing; everything is in the returned value.
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
    // Lowering does not depend on the parameters: lower once, profile, then attach the choice.
    ParameterSet placeholder = fixed.orElse(PLACEHOLDER);
    ErrorTarget target =
        options.pError().isPresent()
            ? new ErrorTarget.PerLookup(options.pError().getAsDouble())
            : new ErrorTarget.Global(options.globalPError());
    ProductChoice products = ProductChoice.choose(p, options, fixed.isPresent(), target);
    Lowering.Lowered lowered = Lowering.lower(p, placeholder, products.shared());
    Circuit c = lowered.circuit();
    Optional<OptimizedParameters> opt = Optional.empty();
    Optional<PartitionedParameters> partitioned = Optional.empty();
    ParameterSet params = placeholder;
    // What the report says of the choice; fixed parameters were not optimized.
    double complexity = Double.NaN;
    double pError = Double.NaN;
    double global = Double.NaN;
    String why = "";
    if (fixed.isEmpty()) {
      try {
        if (options.singleParameter()) {
          // Lookups, circuit outputs and leveled chains all constrain the noise (issue 9).
          CircuitProfile profile = NoiseDag.of(c).singleProfile();
          OptimizedParameters o = new ParameterOptimizer().optimize(profile, target);
          // The ½ of shared-squares products: refreshing lookups where they make it cheaper.
          Lowering.Lowered refreshed = HalvingLookups.refresh(lowered);
          if (refreshed != lowered) {
            try {
              OptimizedParameters r =
                  new ParameterOptimizer()
                      .optimize(NoiseDag.of(refreshed.circuit()).singleProfile(), target);
              if (r.complexity() < o.complexity()) {
                o = r;
                lowered = refreshed;
                c = refreshed.circuit();
              }
            } catch (NoParametersException e) {
              // keep the reinterpretations
            }
          }
          opt = Optional.of(o);
          params = o.parameters();
          c = c.withPlan(ParameterPlan.single(params));
          complexity = o.complexity();
          pError = o.maxPError();
          global = o.globalPError();
          why = o.why();
        } else {
          PartitionedParameters pp =
              new MultiParameterOptimizer().optimize(c, target, options.keyBudget());
          // Lookups at their original width (compiler.md §8.9) where that plan is the better.
          Lowering.Lowered narrow = OriginalWidthLookups.rewrite(lowered);
          String narrowing = "";
          PartitionedParameters q = null;
          if (narrow != lowered) {
            try {
              q =
                  new MultiParameterOptimizer()
                      .optimize(narrow.circuit(), target, options.keyBudget());
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
                    narrow.circuit().instructions().size() - c.instructions().size(),
                    q.complexity(),
                    pp.complexity(),
                    q.preferableTo(pp) ? "taken" : "not taken");
            if (q.preferableTo(pp)) {
              pp = q;
              lowered = narrow;
            }
          }
          // Lookups of one value in one bootstrap where the whole circuit's complexity says so.
          LoweringChoice many =
              ManyLookups.choose(
                  lowered,
                  pp,
                  fused ->
                      new MultiParameterOptimizer().optimize(fused, target, options.keyBudget()));
          lowered = many.lowered();
          pp = many.parameters();
          narrowing += many.account();
          // The ½ of shared-squares products: free reinterpretation or a refreshing lookup.
          LoweringChoice halving =
              HalvingLookups.choose(
                  lowered,
                  pp,
                  refreshed ->
                      new MultiParameterOptimizer()
                          .optimize(refreshed, target, options.keyBudget()));
          lowered = halving.lowered();
          pp = halving.parameters();
          narrowing += halving.account();
          partitioned = Optional.of(pp);
          lowered = applyPlan(lowered, pp);
          c = lowered.circuit();
          params = c.parameters();
          complexity = pp.complexity();
          pError = pp.maxPError();
          global = pp.globalPError();
          why = pp.why() + narrowing;
        }
      } catch (NoParametersException e) {
        throw e.group() == null ? e : e.at(lookupNodes(p, lowered, e.group().precision()));
      }
    }
    CircuitStatistics.Counts totals = CircuitStatistics.total(c);
    if (fixed.isPresent()) {
      complexity = (double) totals.bootstraps() * CostModel.lookup(params);
    }
    why += products.account();
    CompilationReport report =
        new CompilationReport(
            p.name(),
            "Circuit compiled with " + maxWidth + " bit-width",
            maxWidth,
            params,
            totals,
            dev.fhec.compiler.report.KeySizes.of(c.plan()),
            complexity,
            pError,
            global,
            why,
            CompilationReport.rows(p, lowered),
            c.plan(),
            CompilationReport.bootstrapsPerPartition(c));
    return new CompiledCircuit(p, c, report, opt, partitioned, lowered.origins());
  }

  /** The program nodes whose lookups read {@code precision}-bit inputs, named with their source. */
  private static String lookupNodes(Program p, Lowering.Lowered lowered, int precision) {
    java.util.Set<Integer> nodes = new java.util.LinkedHashSet<>();
    Circuit c = lowered.circuit();
    for (int i = 0; i < c.instructions().size(); i++) {
      if (c.instructions().get(i) instanceof Instruction.Tlu t
          && c.tables().get(t.tables()[0]).inputWidth() == precision
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
  private static Lowering.Lowered applyPlan(Lowering.Lowered lowered, PartitionedParameters pp) {
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
              k.decomposition()));
    }
    return PlanApplication.apply(
        lowered, sets, pp.valuePartition(), pp.bootstrapPartition(), specs);
  }

  /** Stands in until the optimizer has chosen; never reaches a returned circuit. */
  private static final ParameterSet PLACEHOLDER =
      new ParameterSet(
          "TOY_PLACEHOLDER",
          new dev.fhec.runtime.params.LweDimension(1),
          new dev.fhec.runtime.params.GlweDimension(1),
          new dev.fhec.runtime.params.PolynomialSize(256),
          new dev.fhec.runtime.params.Decomposition(1, 1),
          new dev.fhec.runtime.params.Decomposition(1, 1),
          0.5,
          0.5);
}
