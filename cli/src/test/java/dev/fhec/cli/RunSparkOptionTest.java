package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 'fhec run --spark' without Spark on the classpath (the CLI's own tests do not have it): a user
 * error that says how to get it, not a NoClassDefFoundError. The runs on a real cluster are in the
 * spark module (SparkClusterTest) and the README's commands.
 */
class RunSparkOptionTest {
  @TempDir Path tmp;

  @Test
  void sparkOptionWithoutSparkOnTheClasspathIsAUserErrorWithAHint() throws Exception {
    FhecCommandTest t = new FhecCommandTest();
    t.tmp = tmp;
    Path bundle = t.compile("b.fhec");
    Path keys = Files.writeString(tmp.resolve("eval.keys"), "x");
    Path ct = Files.writeString(tmp.resolve("x.ct"), "x");
    FhecCommandTest.Result r =
        t.run(
            "run",
            "--spark",
            "local[1]",
            "--bundle",
            bundle.toString(),
            "--eval-keys",
            keys.toString(),
            ct.toString(),
            "-o",
            tmp.resolve("y.ct").toString());
    FhecCommandTest.assertUserError(r, "Apache Spark is not on fhec's classpath");
    assertTrue(r.err().contains("FHEC_SPARK_CLASSPATH"), r.err());
    assertEquals(false, Files.exists(tmp.resolve("y.ct")));
  }

  @Test
  void serveSparkOptionWithoutSparkOnTheClasspathIsAUserErrorWithAHint() throws Exception {
    FhecCommandTest t = new FhecCommandTest();
    t.tmp = tmp;
    Path bundle = t.compile("b.fhec");
    FhecCommandTest.Result r =
        t.run(
            "serve",
            "--spark",
            "local[1]",
            "--bundle",
            bundle.toString(),
            "--data",
            tmp.resolve("data").toString(),
            "--port",
            "0");
    FhecCommandTest.assertUserError(r, "Apache Spark is not on fhec's classpath");
    assertTrue(r.err().contains("FHEC_SPARK_CLASSPATH"), r.err());
  }

  @Test
  void serveHelpDocumentsTheSparkOption() {
    FhecCommandTest.Result r = new FhecCommandTest().run("serve", "--help");
    assertTrue(r.out().contains("--spark=<master>"), r.out());
  }

  @Test
  void runHelpDocumentsTheSparkOption() {
    FhecCommandTest t = new FhecCommandTest();
    FhecCommandTest.Result r = t.run("run", "--help");
    assertTrue(r.out().contains("--spark=<master>"), r.out());
  }
}
