package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.report.KeySizes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluates the circuit on encrypted inputs (server side). Needs only the bundle and the"
          + " evaluation keys: no secret key is ever loaded.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  fhec run --bundle head.fhec --eval-keys keys/eval.keys input.ct -o output.ct",
      "  fhec run --spark spark://master:7077 --bundle head.fhec --eval-keys keys/eval.keys \\",
      "      input.ct -o output.ct"
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand FhecCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "<bundle>",
      description = "The compiled bundle.")
  Path bundle;

  @Option(
      names = "--eval-keys",
      required = true,
      paramLabel = "<file>",
      description = "eval.keys from keygen.")
  Path evalKeys;

  @Parameters(
      index = "0",
      paramLabel = "<ciphertexts>",
      description = "Encrypted inputs from encrypt.")
  Path input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "<file>",
      description = "Encrypted outputs to write.")
  Path output;

  @Option(
      names = "--spark",
      paramLabel = "<master>",
      description =
          "Run the lookups' bootstraps on an Apache Spark cluster: a master URL"
              + " (spark://HOST:7077, yarn, k8s://...) or local[N]. Results are identical to the"
              + " in-process run.")
  String spark;

  @Override
  public Integer call() throws Exception {
    Bundle b = Bundle.read(bundle);
    Io.requireFile(evalKeys, "evaluation keys", "the client generates them with 'fhec keygen'");
    Io.requireFile(input, "ciphertext file", "the client writes it with 'fhec encrypt'");
    Io.createParent(output);
    Io.requireHeapFor(b.circuit(), Io.KeyUse.COMPUTING, "running " + b.manifest().name());
    ProgressReporter progress = ProgressReporter.forConsole(spec.commandLine().getErr());
    long t0 = System.nanoTime();
    if (spark != null) {
      SparkRunner.run(spark, b.circuit(), evalKeys, input, output, progress);
    } else {
      root.engine().run(b.circuit(), evalKeys, input, output, progress);
    }
    long nanos = System.nanoTime() - t0;
    long pbs = b.circuit().pbsCount();
    spec.commandLine()
        .getOut()
        .printf(
            java.util.Locale.ROOT,
            "Ran %s on encrypted data in %s wall-clock, loading keys and writing outputs"
                + " included (%,d PBS, %.1f PBS/s overall) -> %s (%s on disk)%n",
            b.manifest().name(),
            ProgressReporter.seconds(nanos),
            pbs,
            pbs / (nanos / 1e9),
            output,
            KeySizes.human(Files.size(output)));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
