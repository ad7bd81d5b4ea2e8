package dev.fhec.compiler.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.compiler.report.KeySizes;
import org.junit.jupiter.api.Test;

/**
 * The multi-parameter optimizer under a {@link KeyBudget}: the chosen plan's keys (in {@link
 * KeySizes}' figures) fit the cap when any plan does, the error target still holds, the cost in
 * complexity is reported, and an unreachable cap returns the smallest keys found and says so.
 */
class KeyBudgetTest {
  private static final ErrorTarget TARGET = ErrorTarget.defaultTarget();

  private static NoiseDag tinyHead() throws Exception {
    SampleCircuits.Sample tiny =
        SampleCircuits.all().stream()
            .filter(s -> s.dir().equals("gpt2-head-tiny"))
            .findFirst()
            .orElseThrow();
    return NoiseDag.of(SampleCircuits.lower(tiny, CompileOptions.defaults()));
  }

  @Test
  void aBindingBudgetIsMetAtAReportedCostInComplexity() throws Exception {
    NoiseDag dag = tinyHead();
    LoweredCircuit c = dag.circuit();
    MultiParameterOptimizer opt = new MultiParameterOptimizer();
    PartitionedParameters free = opt.optimize(dag, TARGET);
    assertTrue(free.partitions().size() > 1, free.summary());
    // A cap just below the free plan's keys: the free plan no longer fits.
    KeyBudget budget = KeyBudget.seeded(free.evaluationKeySeededBytes() - 1);
    PartitionedParameters capped = opt.optimize(dag, TARGET, budget);
    System.out.println(free.summary() + free.why() + "\n" + capped.summary() + capped.why());
    assertTrue(capped.budget().met(), capped.why());
    assertTrue(capped.evaluationKeySeededBytes() <= budget.seededBytes(), capped.summary());
    assertTrue(capped.complexity() >= free.complexity());
    assertEquals(free.complexity(), capped.budget().freeComplexity());
    assertEquals(free.evaluationKeySeededBytes(), capped.budget().freeSeededBytes());
    assertTrue(capped.why().contains("Key budget " + budget.describe() + ": met"), capped.why());
    MultiParameterOptimizerTest.checkMeetsTarget(c, capped);
  }

  @Test
  void theOptimizersKeyFiguresAreTheReportsFigures() throws Exception {
    PartitionedParameters free = new MultiParameterOptimizer().optimize(tinyHead(), TARGET);
    for (PartitionedParameters.Partition p : free.partitions()) {
      KeySizes k = KeySizes.partition(p.parameters());
      assertEquals(k.bootstrapKey(), p.bootstrapKeyBytes());
      assertEquals(k.bootstrapKeySeeded(), p.bootstrapKeySeededBytes());
    }
    for (PartitionedParameters.KeyswitchChoice k : free.keyswitches()) {
      var in = free.partitions().get(k.from()).parameters();
      var out = free.partitions().get(k.to()).parameters();
      long outDim = k.toBigKey() ? out.bigLweDimension() : out.n();
      int levels = k.decomposition().levels();
      assertEquals(KeySizes.keyswitchKey(in.bigLweDimension(), levels, outDim), k.keyBytes());
      assertEquals(KeySizes.keyswitchKeySeeded(in.bigLweDimension(), levels), k.keySeededBytes());
    }
  }

  /**
   * Compiled with {@code maxKeys}, the report names the plan the budget ruled out and what it cost,
   * and its key sizes (the ones {@code inspect} prints) fit the budget.
   */
  @Test
  void theReportShowsWhatTheBudgetCost() throws Exception {
    SampleCircuits.Sample tiny =
        SampleCircuits.all().stream()
            .filter(s -> s.dir().equals("gpt2-head-tiny"))
            .findFirst()
            .orElseThrow();
    CompileOptions o = CompileOptions.defaults();
    var free = SampleCircuits.compile(tiny, o);
    long freeKeys = free.report().keySizes().evaluationKeysSeeded();
    var capped = SampleCircuits.compile(tiny, o.withMaxKeys(freeKeys - 1));
    var report = dev.fhec.compiler.report.InspectionReport.of(capped, "tiny");
    assertTrue(report.keySizes().evaluationKeysSeeded() < freeKeys);
    var alternatives = report.parameters().choice().alternatives();
    assertEquals(1, alternatives.size());
    assertEquals(free.partitioned().orElseThrow().complexity(), alternatives.get(0).cost());
    assertTrue(alternatives.get(0).parameters().contains("without the key budget"));
    assertTrue(
        alternatives.get(0).verdict().contains("is met and costs +"),
        alternatives.get(0).verdict());
    assertTrue(
        dev.fhec.compiler.report.InspectionReport.of(free, "tiny")
            .parameters()
            .choice()
            .alternatives()
            .isEmpty());
  }

  @Test
  void anUnreachableBudgetReturnsTheSmallestKeysAndSaysSo() throws Exception {
    NoiseDag dag = tinyHead();
    MultiParameterOptimizer opt = new MultiParameterOptimizer();
    PartitionedParameters free = opt.optimize(dag, TARGET);
    PartitionedParameters capped = opt.optimize(dag, TARGET, KeyBudget.seeded(1000));
    assertFalse(capped.budget().met());
    assertTrue(capped.evaluationKeySeededBytes() <= free.evaluationKeySeededBytes());
    assertTrue(capped.why().contains("NOT met"), capped.why());
    MultiParameterOptimizerTest.checkMeetsTarget(dag.circuit(), capped);
  }

  @Test
  void aLooseBudgetChangesNothing() throws Exception {
    NoiseDag dag = tinyHead();
    MultiParameterOptimizer opt = new MultiParameterOptimizer();
    PartitionedParameters free = opt.optimize(dag, TARGET);
    PartitionedParameters loose =
        opt.optimize(dag, TARGET, KeyBudget.seeded(free.evaluationKeySeededBytes()));
    assertEquals(free.complexity(), loose.complexity());
    assertEquals(free.evaluationKeySeededBytes(), loose.evaluationKeySeededBytes());
    assertFalse(loose.budget().binding(loose.complexity()));
    assertTrue(loose.why().contains("met without cost"), loose.why());
  }

  @Test
  void theCostOfABudgetIsCountedFromTheBestUnbudgetedFormOfTheCircuit() {
    KeyBudget cap = new KeyBudget(Long.MAX_VALUE, 8_000_000_000L);
    // The form that won under the cap was worse unbudgeted than another form of the circuit.
    KeyBudget.Outcome won =
        new KeyBudget.Outcome(cap, true, 1.62e13, 3_900_000_000L, 29_100_000_000L, 5);
    KeyBudget.Outcome other =
        new KeyBudget.Outcome(cap, false, 1.41e13, 3_900_000_000L, 36_300_000_000L, 6);
    KeyBudget.Outcome reported = won.againstBestOf(other);
    assertTrue(reported.met(), "the winner's own verdict is kept");
    assertEquals(1.41e13, reported.freeComplexity());
    assertEquals(36_300_000_000L, reported.freeExpandedBytes());
    assertEquals(6, reported.freePartitions());
    assertTrue(
        reported.describe(3.87e13, 2_400_000_000L, 8_300_000_000L).contains("+174.5%"),
        reported.describe(3.87e13, 2_400_000_000L, 8_300_000_000L));
    // A worse alternative changes nothing.
    assertEquals(other, other.againstBestOf(won));
  }
}
