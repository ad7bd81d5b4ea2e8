package dev.fhec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fhec.server.FhecClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The client side of {@code fhec serve}: moves the files of {@code fhec keygen} / {@code encrypt} /
 * {@code decrypt} to and from a server. The session (server, key-set id, access token) lives in the
 * key directory next to the client key, readable by its owner only.
 */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    description = {
      "Talks to an 'fhec serve' server (client side): upload the evaluation keys once, then"
          + " submit encrypted inputs, wait, fetch the encrypted outputs. Keys are generated with"
          + " 'fhec keygen', inputs encrypted with 'fhec encrypt', outputs decrypted with 'fhec"
          + " decrypt': the secret key never leaves the key directory.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  fhec keygen head.fhec -o keys",
      "  fhec client upload --keys keys --server http://127.0.0.1:8080",
      "  fhec encrypt --bundle head.fhec --keys keys input.npz -o input.ct",
      "  fhec client run --keys keys input.ct -o output.ct",
      "  fhec decrypt --keys keys output.ct -o result.npy"
    },
    subcommands = {
      ClientCommand.Upload.class,
      ClientCommand.Submit.class,
      ClientCommand.Wait.class,
      ClientCommand.Fetch.class,
      ClientCommand.Run.class
    })
final class ClientCommand implements Runnable {
  static final String SESSION = "session.json";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "name a subcommand: upload, submit, wait, fetch or run");
  }

  /** {@code --keys}: the key directory, which holds the session once uploaded (a mixin). */
  static final class KeyDirOption {
    @Option(
        names = "--keys",
        required = true,
        paramLabel = "<keydir>",
        description = "Key directory from keygen; upload writes its session.json there.")
    Path keys;

    Session session() throws IOException {
      return Session.read(keys);
    }

    /**
     * Submits the ciphertext file {@code input} (streamed) to this session's server; the job id.
     */
    String submit(Path input) throws IOException, InterruptedException {
      Session s = session();
      Io.requireFile(input, "ciphertext file", "encrypt with 'fhec encrypt --keys " + keys + "'");
      return remote(s.server(), () -> s.client().submit(s.keySet(), input));
    }
  }

  /** {@code -o}: where a finished job's encrypted outputs go (a mixin). */
  static final class OutputOption {
    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "<file>",
        description = "Encrypted outputs, for fhec decrypt.")
    Path file;

    /** Fetches {@code job}'s outputs into {@link #file} (the server then removes them). */
    void fetch(Session s, String job) throws IOException, InterruptedException {
      byte[] bytes = remote(s.server(), () -> s.client().result(s.keySet(), job));
      Io.createParent(file);
      Files.write(file, bytes);
    }
  }

  /** {@code --timeout-minutes} of the commands that wait for a job (a mixin). */
  static final class TimeoutOption {
    @Option(
        names = "--timeout-minutes",
        defaultValue = "600",
        paramLabel = "<minutes>",
        description = "Give up waiting after (default: ${DEFAULT-VALUE}).")
    long minutes;

    Duration duration() {
      if (minutes < 1) {
        throw new UserException(
            "--timeout-minutes " + minutes + " is not a duration", "give a positive number");
      }
      return Duration.ofMinutes(minutes);
    }
  }

  /** A server session stored in a key directory. */
  record Session(String server, String id, String token, String circuit) {
    FhecClient client() {
      return new FhecClient(URI.create(server));
    }

    FhecClient.KeySet keySet() {
      return new FhecClient.KeySet(id, token, circuit);
    }

    static Session read(Path keys) throws IOException {
      Path p = keys.resolve(SESSION);
      Io.requireFile(
          p,
          "server session",
          "upload the keys first: fhec client upload --keys " + keys + " --server URL");
      JsonNode n = Io.JSON.readTree(p.toFile());
      return new Session(
          n.path("server").asText(),
          n.path("id").asText(),
          n.path("token").asText(),
          n.path("circuit").asText());
    }

    void write(Path keys) throws IOException {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("server", server);
      m.put("id", id);
      m.put("token", token);
      m.put("circuit", circuit);
      Path p = keys.resolve(SESSION);
      Files.deleteIfExists(p);
      try {
        Files.createFile(
            p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(p);
      }
      Files.write(p, Io.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
    }
  }

  /** Server answers and connection failures as one-line user errors. */
  interface Call<T> {
    T run() throws IOException, InterruptedException;
  }

  static <T> T remote(String server, Call<T> c) throws InterruptedException {
    try {
      return c.run();
    } catch (FhecClient.Failure f) {
      throw new UserException(f.getMessage(), hintFor(f.status()));
    } catch (ConnectException e) {
      throw new UserException(
          "cannot reach " + server, "start the server with 'fhec serve', or check --server");
    } catch (IOException e) {
      throw new UserException(
          "talking to " + server + ": " + e.getMessage(), "retry; check the server's log");
    }
  }

  private static String hintFor(int status) {
    return switch (status) {
      case 401, 403 -> "use the session the upload wrote (fhec client upload --keys DIR)";
      case 404 -> "check the circuit or job id; results are removed once fetched or expired";
      case 409 -> "wait for the job: fhec client wait --keys DIR JOB";
      case 413 -> "the server's limits (fhec serve --max-body-mib / --max-key-mib) are too small";
      case 503 -> "the server is at capacity; retry later";
      case 507 -> "the server cannot store data now (full or read-only disk); tell its operator";
      default -> "encrypt with the keys uploaded to this server, for the circuit it hosts";
    };
  }

  @Command(
      name = "upload",
      mixinStandardHelpOptions = true,
      description = "Uploads the evaluation keys of a key directory; writes its session.json.")
  static final class Upload implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KeyDirOption keyDir;

    @Option(
        names = "--server",
        required = true,
        paramLabel = "<url>",
        description = "e.g. http://127.0.0.1:8080")
    String server;

    @Override
    public Integer call() throws Exception {
      Path keys = keyDir.keys;
      KeyDir k = KeyDir.read(keys);
      Path ek = keys.resolve(Io.EVAL_KEYS);
      Io.requireFile(
          ek, "evaluation keys", "generate keys with 'fhec keygen BUNDLE -o " + keys + "'");
      String circuit = k.manifest().name();
      FhecClient.KeySet ks =
          remote(server, () -> new FhecClient(URI.create(server)).uploadKeys(circuit, ek));
      new Session(server, ks.id(), ks.token(), ks.circuit()).write(keys);
      spec.commandLine()
          .getOut()
          .printf(
              "Uploaded evaluation keys for %s (%,d bytes) as key set %s -> %s%n",
              circuit, Files.size(ek), ks.id(), keys.resolve(SESSION));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = "Submits encrypted inputs as a job; prints the job id.")
  static final class Submit implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KeyDirOption keyDir;

    @Parameters(index = "0", paramLabel = "<ciphertexts>", description = "From fhec encrypt.")
    Path input;

    @Override
    public Integer call() throws Exception {
      String job = keyDir.submit(input);
      spec.commandLine().getOut().println(job);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "wait",
      mixinStandardHelpOptions = true,
      description = "Waits for a job with a progress bar; exits 1 if it failed.")
  static final class Wait implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KeyDirOption keyDir;

    @Mixin TimeoutOption timeout;

    @Parameters(index = "0", paramLabel = "<job>", description = "The id submit printed.")
    String job;

    @Override
    public Integer call() throws Exception {
      awaitDone(spec, keyDir.session(), job, timeout.duration());
      spec.commandLine().getOut().println("Job " + job + " done");
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  static void awaitDone(
      picocli.CommandLine.Model.CommandSpec spec, Session s, String job, Duration timeout)
      throws InterruptedException {
    ProgressReporter progress = ProgressReporter.forConsole(spec.commandLine().getErr());
    boolean[] started = {false};
    FhecClient.Status st =
        remote(
            s.server(),
            () ->
                s.client()
                    .await(
                        s.keySet(),
                        job,
                        timeout,
                        (done, total) -> {
                          if (!started[0]) {
                            progress.start("run", total, "PBS");
                            started[0] = true;
                          }
                          progress.update(done);
                        }));
    if (started[0]) {
      progress.finish();
    }
    if (!st.state().equals("DONE")) {
      throw new UserException(
          "job " + job + " failed: " + st.error(),
          "submit the ciphertexts again: fhec client submit --keys DIR FILE");
    }
  }

  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      description = "Fetches a finished job's encrypted outputs (the server then removes them).")
  static final class Fetch implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KeyDirOption keyDir;

    @Parameters(index = "0", paramLabel = "<job>", description = "The id submit printed.")
    String job;

    @Mixin OutputOption output;

    @Override
    public Integer call() throws Exception {
      output.fetch(keyDir.session(), job);
      spec.commandLine().getOut().println("Fetched job " + job + " -> " + output.file);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Submit + wait + fetch: encrypted inputs in, encrypted outputs out.")
  static final class Run implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin KeyDirOption keyDir;

    @Mixin TimeoutOption timeout;

    @Parameters(index = "0", paramLabel = "<ciphertexts>", description = "From fhec encrypt.")
    Path input;

    @Mixin OutputOption output;

    @Override
    public Integer call() throws Exception {
      Session s = keyDir.session();
      long t0 = System.nanoTime();
      String job = keyDir.submit(input);
      awaitDone(spec, s, job, timeout.duration());
      output.fetch(s, job);
      spec.commandLine()
          .getOut()
          .printf(
              "Ran %s on %s in %s -> %s%n",
              s.circuit(),
              s.server(),
              ProgressReporter.seconds(System.nanoTime() - t0),
              output.file);
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
