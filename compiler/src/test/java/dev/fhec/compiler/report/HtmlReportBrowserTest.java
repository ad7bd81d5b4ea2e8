package dev.fhec.compiler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads a rendered report in headless Chromium: the script must run to its end without console
 * errors, the table and graph must be in the live DOM, and a screenshot lands in {@code
 * target/report-screenshot.png} for people to look at. The test installs nothing: {@code
 * .ci/install-chromium.sh} does (CI runs it first); without a browser the test is skipped, except
 * in CI ({@code CI=true}), where it fails.
 */
class HtmlReportBrowserTest {
  private static String chromium;
  private static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    chromium = findChromium();
    String missing = "headless Chromium is not installed; run .ci/install-chromium.sh";
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(chromium != null, missing + " (CI=true: this test may not be skipped)");
    }
    Assumptions.assumeTrue(chromium != null, "skipped: " + missing);
    dir = Path.of("target", "report-browser-test").toAbsolutePath();
    Files.createDirectories(dir);
  }

  /** $FHEC_CHROMIUM, else the first Chromium or Chrome on the PATH; null when there is none. */
  private static String findChromium() {
    String forced = System.getenv("FHEC_CHROMIUM");
    if (forced != null && Files.isExecutable(Path.of(forced))) {
      return forced;
    }
    for (String dirName :
        System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        Path p = Path.of(dirName.isEmpty() ? "." : dirName, name);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }

  private static Path writeReport(String name, InspectionReport r) throws IOException {
    Path html = dir.resolve(name + ".html");
    Files.writeString(html, HtmlReport.render(r));
    return html;
  }

  private record Run(int code, String stdout, String stderr) {}

  private static Run chromium(List<String> extra, Path html) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + dir.resolve("profile"),
                "--enable-logging=stderr",
                "--v=0"));
    cmd.addAll(extra);
    cmd.add(html.toUri().toString());
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 120 s");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void assertNoConsoleErrors(Run run) {
    for (String line : run.stderr().lines().toList()) {
      assertFalse(line.contains("Uncaught"), line);
      assertFalse(line.contains("ERROR:CONSOLE"), line);
      assertFalse(line.contains(":CONSOLE") && line.contains("rror"), line);
    }
  }

  @Test
  void liveDomHasTableAndGraphAndScriptFinished() throws Exception {
    Path html = writeReport("small", HtmlReportTest.smallReport());
    Run run = chromium(List.of("--dump-dom"), html);
    assertEquals(0, run.code(), run.stderr());
    assertNoConsoleErrors(run);
    String dom = run.stdout();
    assertTrue(dom.contains("data-ready=\"1\""), "the page script did not run to its end");
    assertTrue(dom.contains("id=\"node-table\""));
    assertTrue(dom.contains("id=\"graph-svg\""));
    assertEquals(6, dom.split("<tr id=\"n", -1).length - 1);
  }

  @Test
  void screenshotOfAnAttentionShapedReport() throws Exception {
    InspectionReport r =
        InspectionReport.of(
            ReportFixtures.attentionLike(),
            ReportFixtures.attentionLikeCircuit(),
            "samples/attention_like.fhe",
            new ParameterChoice(
                4.1e9,
                2.1e-9,
                9.6e-6,
                "global p_error ≤ 1e-5",
                "The cheapest 128-bit secure set whose predicted error stays under the target for"
                    + " 1,578 bootstraps of at most 7 bits; the next cheaper candidate (N=1024)"
                    + " cannot hold 7-bit messages with this noise.",
                List.of(
                    new ParameterChoice.Candidate(
                        "n=742, k=1, N=1024", 1.9e9, 3.1e-2, "p_error above target"))),
            Map.of(),
            Map.of(4, 181.0, 5, 181.0, 6, 181.0),
            List.of());
    Path html = writeReport("attention", r);
    Path png = Path.of("target", "report-screenshot.png").toAbsolutePath();
    Files.deleteIfExists(png);
    Run run =
        chromium(
            List.of("--window-size=1440,3200", "--hide-scrollbars", "--screenshot=" + png), html);
    assertEquals(0, run.code(), run.stderr());
    assertNoConsoleErrors(run);
    assertTrue(Files.size(png) > 10_000, "screenshot too small to show anything");
    byte[] head = Files.readAllBytes(png);
    assertEquals((byte) 0x89, head[0]);
    assertEquals('P', head[1]);
  }

  @Test
  void reportOfTheCompiledTinyHeadLoadsCleanly() throws Exception {
    Path model = Path.of("..", "samples", "gpt2-head-tiny", "model.json");
    Assumptions.assumeTrue(Files.exists(model), "sample not in this checkout");
    InspectionReport r =
        dev.fhec.compiler.bundle.BundleCompiler.compile(
                model,
                java.util.Optional.of(model.resolveSibling("inputset.npz")),
                java.util.OptionalInt.empty(),
                dev.fhec.compiler.CompileOptions.defaults())
            .report();
    Path html = writeReport("gpt2-head-tiny", r);
    Path png = Path.of("target", "report-screenshot-gpt2-head-tiny.png").toAbsolutePath();
    Run shot =
        chromium(
            List.of("--window-size=1440,3400", "--hide-scrollbars", "--screenshot=" + png), html);
    assertEquals(0, shot.code(), shot.stderr());
    assertNoConsoleErrors(shot);
    Run dom = chromium(List.of("--dump-dom"), html);
    assertNoConsoleErrors(dom);
    assertTrue(dom.stdout().contains("data-ready=\"1\""));
    assertEquals(r.nodes().size(), dom.stdout().split("<tr id=\"n", -1).length - 1);
    assertEquals(r.nodes().size(), dom.stdout().split("<g class=\"node", -1).length - 2);
  }

  @Test
  void aBrokenScriptWouldBeNoticed() throws Exception {
    // Guard against a test that cannot fail: a page with a thrown error must be flagged.
    Path bad = dir.resolve("bad.html");
    Files.writeString(bad, "<!DOCTYPE html><html><body><script>null.x();</script></body></html>");
    Run run = chromium(List.of("--dump-dom"), bad);
    assertTrue(run.stderr().contains("Uncaught"), run.stderr());
  }
}
