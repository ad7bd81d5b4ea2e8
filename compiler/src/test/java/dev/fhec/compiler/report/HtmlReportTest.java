package dev.fhec.compiler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  static InspectionReport smallReport() {
    return InspectionReport.of(
        ReportFixtures.small(),
        ReportFixtures.smallCircuit(),
        "small.fhe",
        new ParameterChoice(
            99_198_195,
            9.63e-6,
            3.85e-5,
            "global p_error ≤ 1e-4",
            "cheapest set <meets> the target & is secure",
            List.of(new ParameterChoice.Candidate("n=742", 9.1e7, 2e-3, "error too high"))),
        Map.of(),
        Map.of(2, 3.5),
        List.of("a note"));
  }

  private static int count(String haystack, String regex) {
    Matcher m = Pattern.compile(regex).matcher(haystack);
    int c = 0;
    while (m.find()) {
      c++;
    }
    return c;
  }

  @Test
  void pageHasTheGraphTheTableAndEverySection() {
    String html = HtmlReport.render(smallReport());
    assertEquals(1, count(html, "<svg id=\"graph-svg\""));
    assertEquals(6, count(html, "<g class=\"node[ \"]"), "one box per node");
    // %2 reads %0,%1; %3 reads %2; %5 reads %3,%4: five edges.
    assertEquals(5, count(html, "<path data-from="));
    assertEquals(6, count(html, "<tr id=\"n\\d+\""), "one table row per node");
    for (String id :
        List.of("graph", "nodes", "parameters", "keys", "precision", "pbs", "statistics")) {
      assertTrue(html.contains("<section id=\"" + id + "\""), id);
    }
    assertTrue(html.contains("Circuit compiled with 7 bit-width"));
    assertTrue(html.contains("51.2 MB"), "bootstrapping key size");
    assertTrue(html.contains("✓ secure"));
    assertTrue(html.contains("error too high"));
    // The tlu node is drawn with the PBS outline, the constants as clear values.
    assertTrue(html.contains("<g class=\"node pbs\" id=\"g3\""));
    assertTrue(html.contains("<g class=\"node clear\" id=\"g1\""));
  }

  @Test
  void userTextIsEscaped() {
    String html = HtmlReport.render(smallReport());
    assertTrue(html.contains("cheapest set &lt;meets&gt; the target &amp; is secure"));
    assertFalse(html.contains("<meets>"));
  }

  @Test
  void pageIsSelfContainedAndBalanced() {
    String html = HtmlReport.render(smallReport());
    // No external resources: the only URL is the SVG namespace.
    assertEquals(
        count(html, "http://www.w3.org/2000/svg"), count(html, "https?://"), "external URL found");
    assertFalse(html.contains("<link"));
    assertFalse(html.contains("src=\""));
    assertFalse(html.contains("@import"));
    for (String tag : List.of("section", "table", "svg", "g", "tr", "script", "div")) {
      assertEquals(
          count(html, "<" + tag + "[ >]"),
          count(html, "</" + tag + ">"),
          "unbalanced <" + tag + ">");
    }
  }

  @Test
  void embeddedJsonIsTheReport() throws Exception {
    InspectionReport r = smallReport();
    String html = HtmlReport.render(r);
    Matcher m =
        Pattern.compile(
                "<script type=\"application/json\" id=\"fhec-report\">(.*?)</script>",
                Pattern.DOTALL)
            .matcher(html);
    assertTrue(m.find());
    assertEquals(r, ReportJson.read(m.group(1)));
  }

  @Test
  void everyBitWidthHasItsOwnColourAndNeighboursDifferClearly() {
    // Widths 3, 4, 5 sit side by side in most graphs; viridis made them look alike (issue 16).
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int w = 0; w <= 17; w++) {
      assertTrue(seen.add(HtmlReport.colour(w)), "width " + w + " repeats a colour");
    }
    for (int w = 1; w < 16; w++) {
      double d = rgbDistance(HtmlReport.colour(w), HtmlReport.colour(w + 1));
      assertTrue(d >= 80, "widths " + w + " and " + (w + 1) + " are only " + d + " apart");
    }
    for (int a = 1; a <= 16; a++) {
      for (int b = a + 1; b <= 16; b++) {
        assertTrue(rgbDistance(HtmlReport.colour(a), HtmlReport.colour(b)) >= 40, a + " vs " + b);
      }
    }
    assertFalse(HtmlReport.colour(17).equals(HtmlReport.colour(16)));
    assertTrue(HtmlReport.darkText(0), "light grey fill of width-less nodes takes dark text");
    assertFalse(HtmlReport.darkText(1), "dark blue takes white text");
  }

  private static double rgbDistance(String a, String b) {
    int x = Integer.parseInt(a.substring(1), 16);
    int y = Integer.parseInt(b.substring(1), 16);
    double s = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
      double d = (x >> shift & 0xff) - (y >> shift & 0xff);
      s += d * d;
    }
    return Math.sqrt(s);
  }
}
