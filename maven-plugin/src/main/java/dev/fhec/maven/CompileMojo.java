package dev.fhec.maven;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.compiler.bundle.BundleException;
import dev.fhec.compiler.diag.CompileException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles every model under {@code src/main/fhe/} ({@code .fhe}, {@code .json}, {@code .onnx},
 * {@code .ir}) into a bundle under {@code target/fhec/<path>/}, as {@code fhec compile} would. A
 * calibration inputset {@code <model>.inputset.npz} (else {@code inputset.npz}) beside a model is
 * used when present. Models whose inputs (model, inputset, numpy files beside it, options, fhec
 * version) have not changed since the last build are skipped. A model that does not compile fails
 * the build with the compiler's located message.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public final class CompileMojo extends AbstractMojo {
  /** Suffix of the fingerprint file written next to each bundle directory. */
  static final String FINGERPRINT_SUFFIX = ".sha256";

  /** Where the models are. */
  @Parameter(defaultValue = "${project.basedir}/src/main/fhe", property = "fhec.sourceDirectory")
  File sourceDirectory;

  /** Where bundles go: one directory per model, named after its path without extension. */
  @Parameter(defaultValue = "${project.build.directory}/fhec", property = "fhec.outputDirectory")
  File outputDirectory;

  /** Error probability of each table lookup (exclusive with globalPError). */
  @Parameter(property = "fhec.pError")
  Double pError;

  /** Error probability of the whole circuit; 1e-5 when neither is set. */
  @Parameter(property = "fhec.globalPError")
  Double globalPError;

  /** Round table-lookup inputs wider than this many bits. */
  @Parameter(property = "fhec.roundTo")
  Integer roundTo;

  /** Quantization bits for float (ONNX) models. */
  @Parameter(property = "fhec.nBits")
  Integer nBits;

  /** Exact rounding (one PBS per removed bit) instead of approximate. */
  @Parameter(property = "fhec.exactRounding", defaultValue = "false")
  boolean exactRounding;

  /** Skip the goal. */
  @Parameter(property = "fhec.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("fhec: skipped");
      return;
    }
    Path src = sourceDirectory.toPath();
    if (!Files.isDirectory(src)) {
      getLog().info("fhec: no models (" + src + " does not exist)");
      return;
    }
    CompileOptions options = options();
    List<Path> models = models(src);
    int compiled = 0;
    int upToDate = 0;
    for (Path model : models) {
      Path rel = src.relativize(model);
      String name = stripExtension(rel.toString());
      Path bundleDir = outputDirectory.toPath().resolve(name);
      Path stamp = outputDirectory.toPath().resolve(name + FINGERPRINT_SUFFIX);
      Optional<Path> inputset = inputset(model);
      try {
        String hash = ModelFingerprint.of(model, inputset, describe(options), version());
        if (Files.isDirectory(bundleDir)
            && Files.isRegularFile(stamp)
            && Files.readString(stamp).strip().equals(hash)) {
          getLog().info("fhec: " + rel + " is up to date");
          upToDate++;
          continue;
        }
        getLog()
            .info(
                "fhec: compiling "
                    + rel
                    + inputset.map(p -> " with " + p.getFileName()).orElse(""));
        Bundle b =
            BundleCompiler.compile(
                model,
                inputset,
                nBits == null ? OptionalInt.empty() : OptionalInt.of(nBits),
                options);
        b.write(bundleDir);
        Files.writeString(stamp, hash + "\n");
        getLog()
            .info(
                String.format(
                    Locale.ROOT,
                    "fhec: %s -> %s: %,d PBS, %s. %s",
                    rel,
                    bundleDir,
                    b.report().pbsCount(),
                    b.circuit().parameters().name(),
                    "Circuit compiled with " + b.report().maxBitWidth() + " bit-width"));
        compiled++;
      } catch (CompileException e) {
        for (String line : e.rendered().split("\n")) {
          getLog().error(line);
        }
        throw new MojoFailureException(e.rendered());
      } catch (BundleException e) {
        throw new MojoFailureException(e.getMessage() + " (" + e.hint() + ")");
      } catch (IOException e) {
        throw new MojoExecutionException("fhec: cannot compile " + model + ": " + e, e);
      }
    }
    getLog().info("fhec: " + compiled + " compiled, " + upToDate + " up to date");
  }

  private CompileOptions options() throws MojoFailureException {
    if (pError != null && globalPError != null) {
      throw new MojoFailureException("fhec: set pError or globalPError, not both");
    }
    try {
      return new CompileOptions(
          pError == null ? OptionalDouble.empty() : OptionalDouble.of(pError),
          globalPError == null ? CompileOptions.DEFAULT_GLOBAL_P_ERROR : globalPError,
          roundTo == null ? OptionalInt.empty() : OptionalInt.of(roundTo),
          exactRounding,
          CompileOptions.MAX_TLU_WIDTH,
          true);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("fhec: " + e.getMessage());
    }
  }

  private String describe(CompileOptions o) {
    return o + " nBits=" + nBits;
  }

  static List<Path> models(Path src) throws MojoExecutionException {
    try (Stream<Path> s = Files.walk(src)) {
      List<Path> out = new ArrayList<>();
      s.filter(Files::isRegularFile)
          .filter(
              p -> {
                String n = p.getFileName().toString();
                int dot = n.lastIndexOf('.');
                return dot > 0
                    && !n.contains(".inputset.")
                    && BundleCompiler.MODEL_EXTENSIONS.contains(
                        n.substring(dot + 1).toLowerCase(Locale.ROOT));
              })
          .sorted()
          .forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new MojoExecutionException("fhec: cannot list " + src + ": " + e, e);
    }
  }

  /**
   * The calibration inputset beside {@code model}, found as {@code fhec compile} finds it: {@code
   * <model>.inputset.npz}, else {@code inputset.npz} (the layout of the samples).
   */
  static Optional<Path> inputset(Path model) {
    String stem = stripExtension(model.getFileName().toString());
    for (String candidate : java.util.List.of(stem + ".inputset.npz", "inputset.npz")) {
      Path p = model.resolveSibling(candidate);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  static String stripExtension(String s) {
    int dot = s.lastIndexOf('.');
    int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf(File.separatorChar));
    return dot > slash ? s.substring(0, dot) : s;
  }

  private static String version() {
    Package p = CompileMojo.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
