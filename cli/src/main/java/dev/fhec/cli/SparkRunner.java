package dev.fhec.cli;

import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.server.RunBackend;
import dev.fhec.spark.SparkRun;
import dev.fhec.spark.SparkServerBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * 'fhec run --spark MASTER' and 'fhec serve --spark MASTER': the in-process paths' file checks and
 * messages ({@link ProjectEngine}, the server's), with the lookups' bootstraps on a Spark cluster.
 * Spark's classes come from the classpath (./fhec adds them), so that the CLI jar itself does not
 * carry Spark.
 */
final class SparkRunner {
  private SparkRunner() {}

  static final String MASTER_HINT =
      "give --spark a master URL such as spark://HOST:7077, yarn, k8s://https://HOST:PORT"
          + " or local[N]";

  static void run(
      String master,
      Circuit circuit,
      Path evaluationKeys,
      Path in,
      Path out,
      ProgressReporter progress) {
    requireSpark();
    // The same loading, checks and messages as the in-process 'fhec run'.
    FheServer.Loaded keys = ProjectEngine.loadKeys(circuit, evaluationKeys);
    byte[] keyFile;
    try {
      keyFile = Files.readAllBytes(evaluationKeys); // checked above; shipped to the executors as is
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<EncryptedTensor> inputs = ProjectEngine.readInputs(circuit, keys, in);
    progress.start("run on " + master, circuit.pbsCount(), "PBS");
    List<EncryptedTensor> outputs;
    try {
      outputs =
          SparkRun.run(
              master,
              codeSource(),
              circuit,
              keys.keys(),
              keyFile,
              inputs,
              (done, total) -> progress.update(done));
    } catch (SparkRun.MasterException e) {
      throw new UserException(e.getMessage(), MASTER_HINT, e);
    }
    progress.finish();
    FhecFiles.writeCiphertexts(
        out, FhecFiles.Role.OUTPUTS, keys.identity(), circuit.plan(), outputs, false);
  }

  /** The server's runs on {@code master}: one Spark application for the server's lifetime. */
  static RunBackend serveBackend(String master) {
    requireSpark();
    try {
      return SparkServerBackend.open(master, codeSource());
    } catch (SparkRun.MasterException e) {
      throw new UserException(e.getMessage(), MASTER_HINT, e);
    }
  }

  private static void requireSpark() {
    if (!SparkRun.sparkAvailable()) {
      throw new UserException(
          "Apache Spark is not on fhec's classpath",
          "run fhec through ./fhec (it adds spark/target/spark-jars), or set FHEC_SPARK_CLASSPATH"
              + " to a Spark 4.x installation's jars, e.g. '$SPARK_HOME/jars/*'");
    }
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
