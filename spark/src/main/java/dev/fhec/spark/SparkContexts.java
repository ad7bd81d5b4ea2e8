package dev.fhec.spark;

import java.net.URI;
import org.apache.spark.SparkConf;

/** Spark configuration for an fhec driver. */
public final class SparkContexts {
  private SparkContexts() {}

  /**
   * What fhec's executors need beyond Spark's own options: the Vector API, which the runtime's FFT
   * and key-row loops use when the module is present.
   */
  public static final String EXECUTOR_JAVA_OPTIONS = "--add-modules=jdk.incubator.vector";

  /**
   * A configuration for {@code master}: a {@code spark://}, {@code yarn}, {@code k8s://} URL or
   * {@code local[N]}. Any {@code spark.*} system property (e.g. {@code -Dspark.executor.memory=8g})
   * is read as well and wins. A master on this machine makes the driver listen on 127.0.0.1 only;
   * the driver's web UI stays off.
   *
   * @param forLocalCluster executors get fhec's code from this JVM's classpath ({@link
   *     LocalCluster#appJar()} as {@code spark.jars}) and may use TOY_ parameters (tests and
   *     benchmarks only)
   */
  public static SparkConf conf(String master, String appName, boolean forLocalCluster) {
    SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
    conf.setIfMissing("spark.ui.enabled", "false");
    // Executors are launched by Spark, without ./fhec's JVM options: without the Vector API module
    // the runtime falls back to its scalar FFT (NegacyclicFfts), slower per PBS.
    String executorOptions = EXECUTOR_JAVA_OPTIONS;
    if (forLocalCluster) {
      executorOptions +=
          " -Dfhec.allowToyParameters=" + System.getProperty("fhec.allowToyParameters", "false");
    }
    conf.setIfMissing("spark.executor.extraJavaOptions", executorOptions);
    if (isLoopback(master)) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    if (forLocalCluster) {
      conf.setIfMissing("spark.executor.memory", "768m");
      conf.setIfMissing("spark.executor.cores", "1");
      if (!master.startsWith("local")) {
        conf.setIfMissing("spark.jars", LocalCluster.appJar().toString());
      }
    }
    return conf;
  }

  static boolean isLoopback(String master) {
    if (master.startsWith("local")) {
      return true;
    }
    try {
      String host = URI.create(master).getHost();
      return host != null
          && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
