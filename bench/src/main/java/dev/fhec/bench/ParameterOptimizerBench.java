package dev.fhec.bench;

import dev.fhec.compiler.optimizer.CircuitProfile;
import dev.fhec.compiler.optimizer.ErrorTarget;
import dev.fhec.compiler.optimizer.LookupGroup;
import dev.fhec.compiler.optimizer.OptimizedParameters;
import dev.fhec.compiler.optimizer.ParameterOptimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time of one parameter search, which runs at every compile: one lookup group at Concrete's
 * reference-table target (κ = 4), and a 50-group circuit at the default global target.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParameterOptimizerBench {
  @Param({"1", "4", "8", "10"})
  int precision;

  @Param({"1", "1024"})
  double norm2;

  private ParameterOptimizer optimizer;
  private CircuitProfile single;
  private CircuitProfile fifty;

  @Setup
  public void setup() {
    optimizer = new ParameterOptimizer();
    single = new CircuitProfile(List.of(LookupGroup.ofNorm2(precision, norm2, 1)), 4096);
    List<LookupGroup> groups = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      groups.add(LookupGroup.ofNorm2(1 + i % precision, 1 + (norm2 / 50) * i, 1000 + i));
    }
    fifty = new CircuitProfile(groups, 1_000_000);
  }

  @Benchmark
  public OptimizedParameters oneGroupPerLookupTarget() {
    return optimizer.optimize(single, new ErrorTarget.PerLookup(6.334248366623996e-5));
  }

  @Benchmark
  public OptimizedParameters fiftyGroupsGlobalTarget() {
    return optimizer.optimize(fifty, ErrorTarget.defaultTarget());
  }
}
