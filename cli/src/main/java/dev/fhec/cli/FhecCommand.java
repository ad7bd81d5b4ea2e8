package dev.fhec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root {@code fhec} command. Subcommands are {@code Callable<Integer>} classes in this package;
 * they reach the compiler and runtime only through the {@link Engine} held here, so tests can run
 * every command in-process against a substitute.
 */
@Command(
    name = "fhec",
    mixinStandardHelpOptions = true,
    versionProvider = FhecCommand.Version.class,
    description = {
      "Compiles quantized integer graphs (Python-like .fhe, JSON, ONNX) to TFHE circuits and runs"
          + " them on encrypted data.",
      ""
    },
    commandListHeading = "%nCommands (client: keygen, encrypt, decrypt; server: run):%n",
    footer = {
      "",
      "Exit codes: 0 success, 1 user error (with a hint), 2 internal error (a bug).",
      "",
      "Example (the whole client/server round trip):",
      "  fhec compile samples/gpt2-head-tiny/model.json -o head.fhec",
      "  fhec keygen head.fhec -o keys",
      "  fhec encrypt --bundle head.fhec --keys keys input.npy -o input.ct",
      "  fhec run --bundle head.fhec --eval-keys keys/eval.keys input.ct -o output.ct",
      "  fhec decrypt --keys keys output.ct -o result.npy",
      "",
      "Or all of it, checked against the cleartext simulation: fhec demo"
    },
    subcommands = {
      CompileCommand.class,
      InspectCommand.class,
      ParamsCommand.class,
      KeygenCommand.class,
      EncryptCommand.class,
      RunCommand.class,
      DecryptCommand.class,
      SimulateCommand.class,
      BenchCommand.class,
      DemoCommand.class,
      ServeCommand.class,
      ClientCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FhecCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Exit codes shared by every subcommand. */
  public static final int OK = ExitCodes.OK;

  public static final int USER_ERROR = ExitCodes.USER_ERROR;
  public static final int INTERNAL_ERROR = ExitCodes.INTERNAL_ERROR;

  private final Engine engine;

  public FhecCommand(Engine engine) {
    this.engine = engine;
  }

  /** The engine subcommands use. */
  Engine engine() {
    return engine;
  }

  /** The command line with the project's engine. */
  public static CommandLine newCommandLine() {
    return newCommandLine(Engines.current());
  }

  /** The command line with a given engine (tests). */
  public static CommandLine newCommandLine(Engine engine) {
    CommandLine cl = new CommandLine(new FhecCommand(engine));
    ExitCodes codes = new ExitCodes();
    cl.setExecutionExceptionHandler(codes);
    cl.setExitCodeExceptionMapper(codes);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          if (ex instanceof CommandLine.UnmatchedArgumentException u
              && cmd.getCommandSpec().parent() == null
              && !u.getUnmatched().isEmpty()
              && !u.getUnmatched().get(0).startsWith("-")) {
            cmd.getErr().println("fhec: error: unknown command '" + u.getUnmatched().get(0) + "'");
            cmd.getErr()
                .println(
                    "hint: the commands are "
                        + String.join(", ", cmd.getSubcommands().keySet())
                        + "; see 'fhec --help'");
            cmd.getErr().flush();
            return USER_ERROR;
          }
          cmd.getErr().println("fhec: error: " + ex.getMessage());
          cmd.getErr().println("hint: run '" + cmd.getCommandSpec().qualifiedName() + " --help'");
          cmd.getErr().flush();
          return USER_ERROR;
        });
    cl.setExecutionStrategy(FhecCommand::refuseUnknownWords);
    wrapExamples(cl);
    return cl;
  }

  /**
   * Picocli lets {@code --help} win over words it does not know, so {@code fhec serve --help}
   * printed the top-level help with exit 0. A word that is neither a command nor a parameter is a
   * mistake, help or not.
   */
  private static int refuseUnknownWords(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult last = parsed;
    while (true) {
      if (!last.unmatched().isEmpty()) {
        CommandLine cmd = last.commandSpec().commandLine();
        String word = last.unmatched().get(0);
        boolean isRoot = cmd.getCommandSpec().parent() == null;
        String what =
            isRoot && !word.startsWith("-") ? "unknown command '" + word + "'" : "unknown argument";
        cmd.getErr()
            .println(
                "fhec: error: "
                    + what
                    + (what.startsWith("unknown argument") ? " '" + word + "'" : "")
                    + " for '"
                    + cmd.getCommandSpec().qualifiedName()
                    + "'");
        cmd.getErr()
            .println(
                isRoot
                    ? "hint: the commands are "
                        + String.join(", ", cmd.getSubcommands().keySet())
                        + "; see 'fhec --help'"
                    : "hint: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        cmd.getErr().flush();
        return USER_ERROR;
      }
      if (!last.hasSubcommand()) {
        break;
      }
      last = last.subcommand();
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  /** Usage text width; example lines longer than this are continued with a backslash. */
  static final int HELP_WIDTH = 80;

  /**
   * Help wraps footer lines at the usage width, so a long example pasted from {@code --help} became
   * two broken commands. Long example commands are split into shell continuation lines instead.
   */
  private static void wrapExamples(CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      var usage = sub.getCommandSpec().usageMessage();
      List<String> footer = new ArrayList<>();
      for (String line : usage.footer()) {
        footer.addAll(continued(line));
      }
      usage.footer(footer.toArray(String[]::new));
      wrapExamples(sub);
    }
  }

  /** {@code line} as shell continuation lines of at most {@link #HELP_WIDTH} - 2 characters. */
  static List<String> continued(String line) {
    java.util.regex.Matcher remark =
        java.util.regex.Pattern.compile("^(\\s*fhec .*?)\\s{2,}\\((.*)\\)$").matcher(line);
    if (remark.matches()) {
      // "fhec x   (what it does)" is a shell syntax error when pasted; a comment is not
      String indent = line.substring(0, line.length() - line.stripLeading().length());
      List<String> out = new ArrayList<>(List.of(indent + "# " + remark.group(2)));
      out.addAll(continued(remark.group(1)));
      return out;
    }
    String trimmed = line.stripLeading();
    int limit = HELP_WIDTH - 2;
    if (line.length() <= limit || !trimmed.startsWith("fhec ")) {
      return List.of(line);
    }
    String indent = line.substring(0, line.length() - trimmed.length());
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder(indent);
    for (String word : trimmed.split(" ")) {
      boolean fresh = cur.length() == indent.length() || cur.toString().isBlank();
      if (!fresh && cur.length() + 1 + word.length() + 2 > limit) {
        out.add(cur + " \\");
        cur = new StringBuilder(indent + "    ");
        fresh = true;
      }
      if (!fresh) {
        cur.append(' ');
      }
      cur.append(word);
    }
    out.add(cur.toString());
    return out;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version that Maven filtered into {@code fhec-version.properties}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties p = new Properties();
      try (InputStream in = FhecCommand.class.getResourceAsStream("/fhec-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {
        "fhec " + p.getProperty("version", "unknown"),
        "JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version(),
        "Vector API: "
            + (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? "available"
                : "not enabled (scalar FFT)")
      };
    }
  }
}
