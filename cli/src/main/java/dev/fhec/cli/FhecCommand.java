package dev.fhec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root {@code fhec} command; subcommands are registered in {@link #newCommandLine()}. */
@Command(
    name = "fhec",
    mixinStandardHelpOptions = true,
    versionProvider = FhecCommand.Version.class,
    description = {
      "Compiles quantized integer graphs (Python-like .fhe, JSON, ONNX) to TFHE circuits and runs"
          + " them on encrypted data.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  fhec demo          compile, encrypt, run and check the GPT-2 head"
    },
    subcommands = {CommandLine.HelpCommand.class, ParamsCommand.class})
public final class FhecCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Exit codes shared by every subcommand. */
  public static final int OK = 0;

  public static final int USER_ERROR = 1;
  public static final int INTERNAL_ERROR = 2;

  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new FhecCommand());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          cmd.getErr().println("fhec: internal error: " + ex);
          return INTERNAL_ERROR;
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          cmd.getErr().println("fhec: " + ex.getMessage());
          cmd.getErr().println("hint: run '" + cmd.getCommandSpec().qualifiedName() + " --help'");
          return USER_ERROR;
        });
    return cl;
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
