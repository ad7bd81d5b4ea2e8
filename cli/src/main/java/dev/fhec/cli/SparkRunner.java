package dev.fhec.cli;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.spark.SparkRun;
import java.nio.file.Path;
import java.util.List;

/**
 * 'fhec run --spark MASTER': the in-process run's file checks and messages ({@link ProjectEngine}),
 * with the lookups' bootstraps on a Spark cluster. Spark's classes come from the classpath (./fhec
 * adds them), so that the CLI jar itself does not carry Spark.
 */
final class SparkRunner {
  private SparkRunner() {}

  static void run(
      String master,
      Circuit circuit,
      Path evaluationKeys,
      Path in,
      Path out,
      ProgressReporter progress) {
    if (!SparkRun.sparkAvailable()) {
      throw new UserException(
          "Apache Spark is not on fhec's classpath",
          "run fhec through ./fhec (it adds spark/target/spark-jars), or set FHEC_SPARK_CLASSPATH"
              + " to a Spark 4.x installation's jars, e.g. '$SPARK_HOME/jars/*'");
    }
    EvaluationKeySet ek =
        FhecFiles.readEvaluationKeys(evaluationKeys, FhecFiles.Expect.circuit(circuit));
    List<EncryptedTensor> inputs =
        FhecFiles.readCiphertexts(in, new FhecFiles.Expect(circuit, ek.identity()));
    ProjectEngine.requireInputs(circuit, inputs, in);
    progress.start("run on " + master, circuit.pbsCount(), "PBS");
    List<EncryptedTensor> outputs;
    try {
      outputs =
          SparkRun.run(
              master, codeSource(), circuit, ek, inputs, (done, total) -> progress.update(done));
    } catch (SparkRun.MasterException e) {
      throw new UserException(
          e.getMessage(),
          "give --spark a master URL such as spark://HOST:7077, yarn, k8s://https://HOST:PORT"
              + " or local[N]",
          e);
    }
    progress.finish();
    FhecFiles.writeCiphertexts(out, ek.identity(), circuit.plan(), outputs, false);
  }

  /** The jar this class was loaded from (the CLI's), which executors load fhec's classes from. */
  private static Path codeSource() {
    try {
      return Path.of(SparkRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      return null;
    }
  }
}
