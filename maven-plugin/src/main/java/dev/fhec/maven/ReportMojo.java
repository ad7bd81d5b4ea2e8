package dev.fhec.maven;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.report.HtmlReport;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Writes the self-contained HTML inspection report ({@code report.html}: graph, per-node table,
 * parameters, key sizes, where the bootstraps go) into every bundle under {@code target/fhec/}.
 */
@Mojo(name = "report", defaultPhase = LifecyclePhase.PROCESS_RESOURCES, threadSafe = true)
public final class ReportMojo extends AbstractMojo {
  /** Where {@code fhec:compile} wrote the bundles. */
  @Parameter(defaultValue = "${project.build.directory}/fhec", property = "fhec.outputDirectory")
  File outputDirectory;

  /** Skip the goal. */
  @Parameter(property = "fhec.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException {
    if (skip || !outputDirectory.isDirectory()) {
      getLog().info("fhec: no bundles to report on");
      return;
    }
    List<Path> bundles;
    try (Stream<Path> s = Files.walk(outputDirectory.toPath())) {
      bundles =
          s.filter(p -> p.getFileName().toString().equals(Bundle.REPORT))
              .map(Path::getParent)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new MojoExecutionException("fhec: cannot list " + outputDirectory + ": " + e, e);
    }
    for (Path dir : bundles) {
      try {
        Bundle b = Bundle.read(dir);
        Path html = dir.resolve("report.html");
        Files.writeString(html, HtmlReport.render(b.report()));
        getLog().info("fhec: report " + html);
      } catch (IOException e) {
        throw new MojoExecutionException(
            "fhec: cannot write the report of " + dir + ": " + e.getMessage(), e);
      }
    }
  }
}
