package dev.fhec.compiler.optimizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.lowering.OriginalWidthLookups;
import dev.fhec.runtime.circuit.Circuit;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The figures of bench/RESULTS.md "Multi-parameter optimizer": the seed head's complexity with one
 * parameter set and with partitions, exact and with --round-to 6, with and without lookups at the
 * original width; partitions, keyswitches and key sizes. Run: {@code ./mvnw -B -q -pl compiler -am
 * test -Dtest=MultiParameterReport -Dsurefire.failIfNoSpecifiedTests=false} and read
 * compiler/target/surefire-reports/dev.fhec.compiler.optimizer.MultiParameterReport-output.txt.
 */
@Tag("slow")
class MultiParameterReport {
  @Test
  void seedHead() throws Exception {
    SampleCircuits.Sample head = SampleCircuits.all().get(0);
    for (CompileOptions o :
        List.of(CompileOptions.defaults(), CompileOptions.defaults().withRoundTo(6))) {
      Circuit lowered = SampleCircuits.lower(head, o);
      for (boolean original : new boolean[] {false, true}) {
        Circuit c = original ? OriginalWidthLookups.rewrite(lowered) : lowered;
        NoiseDag dag = NoiseDag.of(c);
        long t0 = System.nanoTime();
        OptimizedParameters single =
            new ParameterOptimizer().optimize(dag.singleProfile(), ErrorTarget.defaultTarget());
        long t1 = System.nanoTime();
        PartitionedParameters multi =
            new MultiParameterOptimizer().optimize(dag, ErrorTarget.defaultTarget());
        long t2 = System.nanoTime();
        System.out.printf(
            "=== %s, round-to %s, original-width lookups %s: %d PBS%n"
                + "single: complexity %.4e (%.1f s) %s%n"
                + "multi:  complexity %.4e (%.1f s), %.2fx less%n%s%s%n",
            head,
            o.roundTo().isPresent() ? o.roundTo().getAsInt() : "-",
            original ? "on" : "off",
            c.pbsCount(),
            single.complexity(),
            (t1 - t0) / 1e9,
            single.parameters(),
            multi.complexity(),
            (t2 - t1) / 1e9,
            single.complexity() / multi.complexity(),
            multi.summary(),
            multi.why());
        assertTrue(multi.complexity() <= single.complexity());
      }
    }
  }
}
