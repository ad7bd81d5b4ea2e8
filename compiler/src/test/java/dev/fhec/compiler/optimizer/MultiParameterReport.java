package dev.fhec.compiler.optimizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.compiler.lowering.OriginalWidthLookups;
import dev.fhec.compiler.report.KeySizes;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The figures of bench/RESULTS.md "Multi-parameter optimizer" and "Key budget": the seed head's
 * complexity with one parameter set and with partitions, exact (default and calibrated bounds) and
 * with --round-to 6, with and without lookups at the original width, without and with a 1 GB seeded
 * key budget; partitions, keyswitches and key sizes. Run: {@code ./mvnw -B -q -pl compiler -am test
 * -Dtest=MultiParameterReport -Dsurefire.failIfNoSpecifiedTests=false} and read
 * compiler/target/surefire-reports/dev.fhec.compiler.optimizer.MultiParameterReport-output.txt.
 */
@Tag("slow")
class MultiParameterReport {
  @Test
  void seedHead() throws Exception {
    SampleCircuits.Sample head = SampleCircuits.all().get(0);
    CompileOptions d = CompileOptions.defaults();
    for (CompileOptions o :
        List.of(d, d.withBounds(CompileOptions.BoundsPolicy.CALIBRATED, 0), d.withRoundTo(6))) {
      LoweredCircuit lowered = SampleCircuits.lower(head, o);
      for (boolean original : new boolean[] {false, true}) {
        LoweredCircuit c = original ? OriginalWidthLookups.rewrite(lowered) : lowered;
        NoiseDag dag = NoiseDag.of(c);
        long t0 = System.nanoTime();
        OptimizedParameters single =
            new ParameterOptimizer().optimize(dag.singleProfile(), ErrorTarget.defaultTarget());
        // The budgeted search runs the whole search up to 8 times: once per circuit is enough.
        List<KeyBudget> budgets =
            original
                ? List.of(KeyBudget.NONE)
                : List.of(KeyBudget.NONE, KeyBudget.seeded(1_000_000_000L));
        for (KeyBudget budget : budgets) {
          long t1 = System.nanoTime();
          PartitionedParameters multi =
              new MultiParameterOptimizer().optimize(dag, ErrorTarget.defaultTarget(), budget);
          long t2 = System.nanoTime();
          System.out.printf(
              "=== %s, bounds %s, round-to %s, original-width lookups %s, key budget %s: %d PBS%n"
                  + "single: complexity %.4e (%.1f s) %s%n"
                  + "multi:  complexity %.4e (%.1f s), %.2fx less, keys %s seeded / %s"
                  + " expanded%n%s%s%n",
              head,
              o.bounds(),
              o.roundTo().isPresent() ? o.roundTo().getAsInt() : "-",
              original ? "on" : "off",
              budget.describe(),
              multi.lookupCount(),
              single.complexity(),
              (t1 - t0) / 1e9,
              single.parameters(),
              multi.complexity(),
              (t2 - t1) / 1e9,
              single.complexity() / multi.complexity(),
              KeySizes.human(multi.evaluationKeySeededBytes()),
              KeySizes.human(multi.evaluationKeyBytes()),
              multi.summary(),
              multi.why());
          assertTrue(
              multi.complexity() <= single.complexity() || !multi.budget().budget().unlimited());
        }
      }
    }
  }
}
