package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.runtime.api.FheClient;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.server.FhecClient;
import dev.fhec.spark.LocalCluster;
import dev.fhec.spark.SparkContexts;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 'fhec run --spark' and 'fhec serve --spark' against an existing cluster, as a user meets one: a
 * standalone master and a worker started from a folder of Spark's jars only (an "installation"),
 * the CLI as its own JVM with Spark's classes from FHEC_SPARK_CLASSPATH through the launcher's
 * bin/spark-classpath.sh, fhec's classes reaching the executors as the application's jar ({@code
 * spark.jars}: the CLI jar when run through ./fhec, a jar of this classpath here). Results are
 * compared byte for byte with the in-process 'fhec run'; bad input and a bad master URL get exit 1
 * and a hint. Slow tier (about a minute: a cluster and four CLI JVMs).
 */
@Tag("slow")
class SparkClusterCliTest {
  @TempDir static Path tmp;

  private static LocalCluster cluster;
  private static Path bundle;
  private static Path keys;
  private static Path input;
  private static byte[] expected;

  @BeforeAll
  static void setUp() throws Exception {
    cluster =
        LocalCluster.startFrom(
            tmp.resolve("cluster"), Path.of("../spark/target/spark-jars"), 1, 2, "1g");
    FakeEngine fake = new FakeEngine();
    fake.parameters = ParameterSets.TOY_N512;
    Bundle b =
        fake.compile(
            new Engine.CompileRequest(
                Path.of("src/test/resources/models/sq.ir"),
                Optional.empty(),
                OptionalInt.empty(),
                dev.fhec.compiler.CompileOptions.defaults()));
    Circuit c = b.circuit();
    bundle = tmp.resolve("b.fhec");
    b.write(bundle);
    keys = Files.createDirectories(tmp.resolve("keys"));
    ProjectEngine engine = new ProjectEngine();
    engine.keygen(
        c, keys.resolve(Io.CLIENT_KEY), keys.resolve(Io.EVAL_KEYS), ProgressReporter.silent());
    input = tmp.resolve("in.ct");
    FheClient.load(c, keys.resolve(Io.CLIENT_KEY)).encrypt(List.of(new long[] {1, 5, 7}), input);
    Path out = tmp.resolve("in-process.ct");
    engine.run(c, keys.resolve(Io.EVAL_KEYS), input, out, ProgressReporter.silent());
    expected = Files.readAllBytes(out);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void runOnAnExistingClusterWritesWhatTheInProcessRunWrites() throws Exception {
    Path out = tmp.resolve("spark.ct");
    Cli r =
        cli(
            "run",
            "--spark",
            cluster.masterUrl(),
            "--bundle",
            bundle.toString(),
            "--eval-keys",
            keys.resolve(Io.EVAL_KEYS).toString(),
            input.toString(),
            "-o",
            out.toString());
    assertEquals(0, r.code, r.err);
    assertArrayEquals(expected, Files.readAllBytes(out));

    // An output file given as input: the in-process message, before any Spark application.
    Cli bad =
        cli(
            "run",
            "--spark",
            cluster.masterUrl(),
            "--bundle",
            bundle.toString(),
            "--eval-keys",
            keys.resolve(Io.EVAL_KEYS).toString(),
            out.toString(),
            "-o",
            tmp.resolve("again.ct").toString());
    assertUserError(bad, "holds the encrypted outputs of a run, not inputs");
  }

  @Test
  void serveOnAnExistingClusterAnswersWhatTheInProcessRunWrites() throws Exception {
    Path err = tmp.resolve("serve.err");
    Process p =
        start(
            err,
            "serve",
            "--spark",
            cluster.masterUrl(),
            "--bundle",
            bundle.toString(),
            "--data",
            tmp.resolve("data").toString(),
            "--port",
            "0");
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Matcher m = null;
      for (String line; (line = out.readLine()) != null; ) {
        m = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+) .*runs on Spark").matcher(line);
        if (m.find()) {
          break;
        }
        m = null;
      }
      assertTrue(m != null, "the server did not start: " + Files.readString(err));
      FhecClient http = new FhecClient(URI.create("http://127.0.0.1:" + m.group(1) + "/"));
      String name = Bundle.read(bundle).manifest().name();
      FhecClient.KeySet k = http.uploadKeys(name, Files.readAllBytes(keys.resolve(Io.EVAL_KEYS)));
      String job = http.submit(k, Files.readAllBytes(input));
      FhecClient.Status s = http.await(k, job, Duration.ofMinutes(3), null);
      assertEquals("DONE", s.state(), s.error());
      assertArrayEquals(expected, http.result(k, job));
      // Bad input is refused before it reaches the cluster, as by the in-process server.
      FhecClient.Failure f =
          org.junit.jupiter.api.Assertions.assertThrows(
              FhecClient.Failure.class, () -> http.submit(k, expected));
      assertEquals(400, f.status(), f.getMessage());
    } finally {
      p.destroy();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server stops on SIGTERM");
    }
  }

  @Test
  void aBadMasterUrlIsAUserErrorWithAHint() throws Exception {
    Cli r =
        cli(
            "serve",
            "--spark",
            "nowhere://x",
            "--bundle",
            bundle.toString(),
            "--data",
            tmp.resolve("data2").toString(),
            "--port",
            "0");
    assertUserError(r, "cannot start a Spark application on 'nowhere://x'");
    assertTrue(r.err.contains("give --spark a master URL"), r.err);
  }

  @Test
  void theLaunchersSparkClasspathTakesFhecSparkClasspathOrTheBuildsJars() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    assertEquals(root + "/spark/target/spark-jars/*", sparkClasspath(null));
    assertEquals("/opt/spark/jars/*", sparkClasspath("/opt/spark/jars/*"));
    Path installed = cluster.sparkHome().resolve("jars");
    assertEquals(installed + "/*", sparkClasspath(installed.toString()));
    assertEquals(installed + "/*", sparkClasspath(installed + "/"));
  }

  // ---- the CLI as its own JVM, as ./fhec starts it with --spark ----------------------------

  private record Cli(int code, String err) {}

  private static void assertUserError(Cli r, String expected) {
    assertEquals(FhecCommand.USER_ERROR, r.code, r.err);
    assertTrue(r.err.contains(expected), r.err);
    assertTrue(r.err.contains("hint:"), r.err);
    assertFalse(r.err.contains("\tat "), "no stack trace: " + r.err);
  }

  private static int runs;

  private static synchronized Cli cli(String... args) throws Exception {
    Path err = tmp.resolve("cli-" + ++runs + ".err");
    Process p = start(err, args);
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the CLI finished");
    return new Cli(p.exitValue(), Files.readString(err));
  }

  /**
   * The CLI's JVM: Spark's classes from what the launcher computes for FHEC_SPARK_CLASSPATH set to
   * the cluster's installation, then fhec's (this test's classpath, in place of the CLI jar).
   */
  private static Process start(Path err, String... args) throws Exception {
    String spark = sparkClasspath(cluster.sparkHome().resolve("jars").toString());
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.addAll(LocalCluster.JVM_OPTIONS);
    cmd.add("-Dfhec.allowToyParameters=true");
    cmd.add(
        "-Dspark.executor.extraJavaOptions="
            + SparkContexts.EXECUTOR_JAVA_OPTIONS
            + " -Dfhec.allowToyParameters=true");
    cmd.add("-Dspark.executor.memory=768m");
    // ./fhec runs the CLI jar, which SparkRun gives executors; here fhec's classes are folders.
    cmd.add("-Dspark.jars=" + LocalCluster.appJar());
    cmd.add("-cp");
    cmd.add(spark + File.pathSeparator + System.getProperty("java.class.path"));
    cmd.add("dev.fhec.cli.Main");
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(err.toFile()).start();
  }

  /** bin/spark-classpath.sh, as ./fhec sources it, with FHEC_SPARK_CLASSPATH set or not. */
  private static String sparkClasspath(String fhecSparkClasspath)
      throws IOException, InterruptedException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    ProcessBuilder pb =
        new ProcessBuilder(
            "bash",
            "-c",
            ". \"$1/bin/spark-classpath.sh\" && fhec_spark_classpath \"$1\"",
            "sh",
            root.toString());
    pb.environment().remove("FHEC_SPARK_CLASSPATH");
    if (fhecSparkClasspath != null) {
      pb.environment().put("FHEC_SPARK_CLASSPATH", fhecSparkClasspath);
    }
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);
    return out;
  }
}
