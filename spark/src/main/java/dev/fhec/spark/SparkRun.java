package dev.fhec.spark;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.EvaluationKeySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One run on a cluster, from a program that has no Spark types in its API (the CLI): opens a Spark
 * application on {@code master}, runs, closes it.
 */
public final class SparkRun {
  private SparkRun() {}

  /** Why a Spark application could not be started on the master (a URL or connection problem). */
  public static final class MasterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MasterException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final String LOG4J_PROVIDER = "org.apache.logging.slf4j.SLF4JServiceProvider";

  private static boolean present(String className) {
    try {
      Class.forName(className, false, SparkRun.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Whether Spark's classes are on this JVM's classpath. */
  public static boolean sparkAvailable() {
    try {
      Class.forName("org.apache.spark.SparkContext", false, SparkRun.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Runs {@code circuit} on {@code master} (a master URL or local[N]) with the lookups on the
   * cluster. {@code appJar}, if a jar file, is shipped to executors for fhec's classes.
   */
  public static List<EncryptedTensor> run(
      String master,
      Path appJar,
      Circuit circuit,
      EvaluationKeySet keys,
      List<EncryptedTensor> inputs,
      CircuitExecutor.Progress progress) {
    return run(master, appJar, circuit, keys, null, inputs, progress);
  }

  /**
   * {@link #run(String, Path, Circuit, EvaluationKeySet, List, CircuitExecutor.Progress)} shipping
   * {@code keyFile}, the evaluation-key file {@code keys} were read from (null: serialize {@code
   * keys}).
   */
  public static List<EncryptedTensor> run(
      String master,
      Path appJar,
      Circuit circuit,
      EvaluationKeySet keys,
      byte[] keyFile,
      List<EncryptedTensor> inputs,
      CircuitExecutor.Progress progress) {
    JavaSparkContext sc = open(master, "fhec run " + circuit.name(), appJar);
    try (sc;
        SparkCircuitExecutor executor =
            keyFile == null
                ? new SparkCircuitExecutor(sc, keys, SparkCircuitExecutor.Options.defaults())
                : new SparkCircuitExecutor(
                    sc, keys, keyFile, SparkCircuitExecutor.Options.defaults())) {
      return executor.run(circuit, inputs, progress);
    }
  }

  /**
   * A Spark application on {@code master} for an fhec driver. {@code appJar}, if a jar file, goes
   * to executors ({@code spark.jars}) for fhec's classes, unless {@code -Dspark.jars} names others.
   */
  static JavaSparkContext open(String master, String appName, Path appJar) {
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "dev/fhec/spark/log4j2-fhec.properties");
    }
    // Spark logs through SLF4J; with the server's Jetty provider also on the classpath SLF4J may
    // pick that one, which ignores the configuration above (INFO lines, stack traces).
    if (System.getProperty("slf4j.provider") == null && present(LOG4J_PROVIDER)) {
      System.setProperty("slf4j.provider", LOG4J_PROVIDER);
    }
    try {
      SparkConf conf = SparkContexts.conf(master, appName, false);
      if (appJar != null && Files.isRegularFile(appJar) && !master.startsWith("local")) {
        conf.setIfMissing("spark.jars", appJar.toString());
      }
      return new JavaSparkContext(conf);
    } catch (Exception e) { // Scala code throws SparkException (checked) undeclared.
      throw new MasterException(
          "cannot start a Spark application on '" + master + "': " + e.getMessage(), e);
    }
  }
}
