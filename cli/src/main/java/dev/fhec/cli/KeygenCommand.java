package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.report.KeySizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Generates keys for a bundle (client side): client.key (secret: keep it) and eval.keys (the"
          + " bootstrapping and keyswitching keys: send them to the server), as separate files.",
      "Also copies the circuit description into the key directory, so decrypt needs no bundle.",
      ""
    },
    footer = {"", "Example:", "  fhec keygen head.fhec -o keys", "  scp keys/eval.keys server:"})
final class KeygenCommand implements Callable<Integer> {
  @ParentCommand FhecCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<bundle>", description = "A bundle directory or .zip.")
  Path bundle;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "<keydir>",
      description = "Directory for client.key and eval.keys (created).")
  Path keyDir;

  @Option(names = "--force", description = "Overwrite existing keys.")
  boolean force;

  @Option(names = "--json", description = "Print file sizes and timing as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Bundle b = Bundle.read(bundle);
    Path client = keyDir.resolve(Io.CLIENT_KEY);
    Path eval = keyDir.resolve(Io.EVAL_KEYS);
    if (!force && (Files.exists(client) || Files.exists(eval))) {
      throw new UserException(
          "keys already exist in " + keyDir, "pass --force to replace them, or choose another -o");
    }
    Io.requireHeapFor(b.circuit(), Io.KeyUse.KEYGEN, "key generation for " + b.manifest().name());
    ProgressReporter progress =
        json ? ProgressReporter.silent() : ProgressReporter.forConsole(spec.commandLine().getErr());
    long t0 = System.nanoTime();
    // Everything is written into a temporary directory beside the target and moved into place
    // once complete: a failed or interrupted keygen leaves no partial key directory or file.
    Path parent = keyDir.toAbsolutePath().normalize().getParent();
    Files.createDirectories(parent);
    Path work = Files.createTempDirectory(parent, "." + keyDir.getFileName() + ".partial-");
    Thread cleanup = new Thread(() -> deleteTree(work));
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      root.engine()
          .keygen(b.circuit(), work.resolve(Io.CLIENT_KEY), work.resolve(Io.EVAL_KEYS), progress);
      Files.writeString(work.resolve(Io.KEY_CIRCUIT), Io.JSON.writeValueAsString(b.circuit()));
      Files.writeString(work.resolve(Io.KEY_MANIFEST), Io.JSON.writeValueAsString(b.manifest()));
      publish(work, keyDir);
    } finally {
      deleteTree(work);
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    long cs = Files.size(client);
    long es = Files.size(eval);
    if (json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("clientKey", client.toString());
      j.put("clientKeyBytes", cs);
      j.put("evaluationKeys", eval.toString());
      j.put("evaluationKeysBytes", es);
      j.put("seconds", took.toNanos() / 1e9);
      j.put("parameters", b.circuit().parameters().name());
      j.put("partitions", b.circuit().plan().size());
      j.put("keyswitchingKeys", b.circuit().plan().keyswitches().size());
      Io.printJson(out, j);
    } else {
      out.println(
          "Generated keys for "
              + b.manifest().name()
              + " in "
              + ProgressReporter.seconds(took.toNanos()));
      if (b.circuit().plan().size() == 1) {
        out.println("  parameters  " + b.circuit().parameters());
      } else {
        for (int p = 0; p < b.circuit().plan().size(); p++) {
          out.println("  partition " + p + "  " + b.circuit().plan().partition(p));
        }
        out.println(
            "  keyswitching keys  " + b.circuit().plan().keyswitches().size() + " (one per spec)");
      }
      KeySizes k = KeySizes.of(b.circuit().plan());
      out.println(
          "  "
              + client
              + "  "
              + KeySizes.human(cs)
              + " on disk, "
              + KeySizes.human(k.secretKeys())
              + " in memory  (secret: stays with the client)");
      out.println(
          "  "
              + eval
              + "  "
              + KeySizes.human(es)
              + " seeded on disk, "
              + KeySizes.human(k.evaluationKeys())
              + " expanded in memory  (evaluation keys: for the server)");
      out.flush();
    }
    return ExitCodes.OK;
  }

  /**
   * Moves the complete key directory {@code work} to {@code keyDir}: by one rename when there is
   * none yet, else file by file (each replaced atomically), leaving other files there alone.
   */
  private static void publish(Path work, Path keyDir) throws IOException {
    if (!Files.exists(keyDir)) {
      Files.move(work, keyDir, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    for (String name : List.of(Io.KEY_CIRCUIT, Io.KEY_MANIFEST, Io.EVAL_KEYS, Io.CLIENT_KEY)) {
      Files.move(
          work.resolve(name),
          keyDir.resolve(name),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a leftover hidden .partial directory is harmless
    }
  }
}
