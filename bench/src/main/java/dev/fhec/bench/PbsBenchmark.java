package dev.fhec.bench;

import dev.fhec.runtime.algorithms.BatchBootstrap;
import dev.fhec.runtime.algorithms.Encoding;
import dev.fhec.runtime.algorithms.LweEncryption;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Runtime latency per parameter set: single-thread keyswitch, PBS and KS+PBS (the figures compared
 * with tfhe-rs in bench/RESULTS.md), batch KS+PBS throughput on every core, key generation time and
 * evaluation-key sizes (standard and seeded files, reported once per trial on stderr). Sets with N
 * ≥ 8192 are slow (tens of ms per PBS, seconds of keygen): select them with {@code -p set=...} and
 * few iterations. Run with {@code -jvmArgsAppend "--add-modules jdk.incubator.vector"} for the
 * vector FFT.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PbsBenchmark {

  /** Parameter-set names from {@link ParameterSets}. */
  @State(Scope.Thread)
  public static class Single {
    @Param({
      "CONCRETE_V0_P1",
      "CONCRETE_V0_P2",
      "CONCRETE_V0_P3",
      "CONCRETE_V0_P4",
      "CONCRETE_V0_P5",
      "CONCRETE_V0_P6",
      "CONCRETE_V0_P7",
      "CONCRETE_V0_P8",
      "TFHE_RS_M1C1_GAUSSIAN_2M64",
      "TFHE_RS_M2C2_GAUSSIAN_2M64",
      "TFHE_RS_M3C3_GAUSSIAN_2M64"
    })
    public String set;

    PbsFixture fixture;

    @Setup(Level.Trial)
    public void setUp() {
      fixture = new PbsFixture(set, 2);
      fixture.checkCorrect();
      System.err.printf(
          "%s: keygen %.0f ms, evaluation keys %d B (file), %d B (seeded file)%n",
          set,
          fixture.keygenMillis,
          FhecFiles.evaluationKeysBytes(fixture.keys, false).length,
          FhecFiles.evaluationKeysBytes(fixture.keys, true).length);
      fixture.keyswitch();
    }
  }

  @Benchmark
  public long keyswitch(Single s) {
    s.fixture.keyswitch();
    return s.fixture.small[0];
  }

  @Benchmark
  public long pbs(Single s) {
    s.fixture.bootstrap();
    return s.fixture.outs[0].data()[0];
  }

  @Benchmark
  public long ksPbs(Single s) {
    s.fixture.keyswitchAndBootstrap();
    return s.fixture.outs[0].data()[0];
  }

  /** A batch of {@value #BATCH} KS+PBS spread over every core by {@link BatchBootstrap}. */
  @State(Scope.Benchmark)
  public static class Batch {
    @Param({"CONCRETE_V0_P4", "TFHE_RS_M2C2_GAUSSIAN_2M64"})
    public String set;

    BatchBootstrap batch;
    LweCiphertext[] inputs;
    PbsFixture fixture;

    @Setup(Level.Trial)
    public void setUp() {
      fixture = new PbsFixture(set, 2);
      batch = new BatchBootstrap(fixture.keys.keyswitchKey(), fixture.keys.bootstrapKey());
      inputs = new LweCiphertext[BATCH];
      Csprng mask = Csprng.of(Seed.random(), 0);
      Csprng noise = Csprng.of(Seed.random(), 1);
      for (int i = 0; i < BATCH; i++) {
        inputs[i] =
            LweEncryption.encrypt(
                fixture.client.bigLweKey(),
                Encoding.encode(i % 4, 2),
                fixture.params.glweNoiseStd(),
                mask,
                noise);
      }
    }
  }

  static final int BATCH = 32;

  /** Average time per bootstrap when a batch runs on all cores (1 / throughput). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OperationsPerInvocation(BATCH)
  public LweCiphertext[] batchKsPbs(Batch b) {
    return b.batch.apply(b.inputs, i -> b.fixture.lut, null);
  }

  /** Key generation (client key and evaluation keys, standard BSK converted to Fourier). */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public EvaluationKeys keygen(KeygenParams k) {
    ClientKey client = KeyGenerator.generateClientKey(ParameterSets.byName(k.set).orElseThrow());
    return KeyGenerator.generateEvaluationKeys(client);
  }

  /** Parameter set for {@link #keygen}. */
  @State(Scope.Thread)
  public static class KeygenParams {
    @Param({"CONCRETE_V0_P4", "TFHE_RS_M2C2_GAUSSIAN_2M64"})
    public String set;
  }
}
