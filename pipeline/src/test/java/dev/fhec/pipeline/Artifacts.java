package dev.fhec.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The MiniLM export for tests: {@code -Dfhec.minilm.dir}, default {@code
 * ../samples/minilm-model/.gen}. Absent, the tests are skipped with the command that makes it,
 * except in CI ({@code CI=true}), where .ci/run generates it first and its absence is a failure.
 */
final class Artifacts {
  private Artifacts() {}

  static MinilmArtifacts require() throws IOException {
    Path dir =
        Path.of(
            System.getProperty(
                "fhec.minilm.dir", Path.of("..").resolve(MinilmArtifacts.DEFAULT_DIR).toString()));
    if (!MinilmArtifacts.present(dir)) {
      String why =
          "no MiniLM pipeline export in "
              + dir
              + " (gitignored, ~90 MB); make it with: "
              + MinilmArtifacts.REGENERATE;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(why + " (.ci/run does this before the build)");
      }
      Assumptions.abort(why);
    }
    return MinilmArtifacts.load(dir);
  }
}
