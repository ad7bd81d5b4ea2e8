package dev.fhec.cli;

import dev.fhec.compiler.bundle.BundleException;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.runtime.io.CorruptFileException;
import dev.fhec.runtime.io.npy.NpyFormatException;
import dev.fhec.runtime.params.InsecureParametersException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * The one place that decides exit codes: 0 success, 1 a user error (bad arguments, missing or
 * malformed files, a model that does not compile), 2 an internal error (a bug: please report it).
 * Also prints the failure: one line of cause and one line of hint for user errors; the stack trace
 * only for internal errors.
 */
final class ExitCodes
    implements CommandLine.IExitCodeExceptionMapper, CommandLine.IExecutionExceptionHandler {
  static final int OK = 0;
  static final int USER_ERROR = 1;
  static final int INTERNAL_ERROR = 2;

  @Override
  public int getExitCode(Throwable thrown) {
    Throwable t = unwrap(thrown);
    return switch (t) {
      case UserException u -> USER_ERROR;
      case BundleException b -> USER_ERROR;
      case CorruptFileException c -> USER_ERROR;
      case InsecureParametersException i -> USER_ERROR;
      case CompileException c -> USER_ERROR;
      case NoParametersException n -> USER_ERROR;
      case ReferenceEvaluator.EvaluationException e -> USER_ERROR;
      case CommandLine.ParameterException p -> USER_ERROR;
      case NpyFormatException n -> USER_ERROR;
      case java.util.zip.ZipException z -> USER_ERROR;
      case java.io.EOFException e -> USER_ERROR;
      case NoSuchFileException n -> USER_ERROR;
      case AccessDeniedException a -> USER_ERROR;
      case FileAlreadyExistsException f -> USER_ERROR;
      default -> INTERNAL_ERROR;
    };
  }

  @Override
  public int handleExecutionException(
      Exception thrown, CommandLine cmd, CommandLine.ParseResult parseResult) {
    Exception ex = unwrap(thrown) instanceof Exception e ? e : thrown;
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    int code = getExitCode(ex);
    switch (ex) {
      case UserException u -> {
        err.println("fhec: error: " + u.getMessage());
        err.println("hint: " + u.hint());
      }
      case BundleException b -> {
        err.println("fhec: error: " + b.getMessage());
        err.println("hint: " + b.hint());
      }
      case CorruptFileException c -> {
        err.println("fhec: error: " + c.getMessage());
        err.println(
            "hint: "
                + switch (c.reason()) {
                  case UNSUPPORTED_VERSION ->
                      "regenerate the keys with 'fhec keygen' and encrypt again";
                  case CIRCUIT_MISMATCH, PARAMETER_MISMATCH ->
                      "use the keys 'fhec keygen' generated for this bundle";
                  case KEY_SET_MISMATCH ->
                      "encrypt, run and decrypt with the keys of one 'fhec keygen'";
                  case TRUNCATED, NOT_AN_FHEC_FILE, WRONG_KIND, CHECKSUM_MISMATCH, MALFORMED ->
                      "the file is damaged or of another kind; regenerate it with fhec";
                });
      }
      case InsecureParametersException i -> {
        err.println("fhec: error: " + i.getMessage());
        err.println("hint: recompile the model so the optimizer picks a 128-bit secure set");
      }
      case CompileException c -> {
        err.println(c.rendered());
        err.println("hint: fix the model at the location above, then run '" + name + "' again");
      }
      case NoParametersException n -> {
        err.println("fhec: error: " + n.getMessage());
        err.println(noParametersHint(n));
      }
      case ReferenceEvaluator.EvaluationException e -> {
        // the model's own arithmetic failed on the user's values (overflow, division by zero)
        err.println("fhec: error: evaluating the model on the inputset failed: " + e.getMessage());
        err.println(
            "hint: "
                + (String.valueOf(e.getMessage()).contains("overflow")
                    ? "an intermediate value overflows 64-bit integers; use smaller constants or"
                        + " inputs (or rescale the model)"
                    : "check the inputset's values and the model at that node"));
      }
      case NpyFormatException n -> {
        err.println("fhec: error: " + n.getMessage());
        err.println("hint: write arrays with numpy's np.save / np.savez (or fhec's own outputs)");
      }
      case java.util.zip.ZipException z -> {
        err.println("fhec: error: damaged archive: " + z.getMessage());
        err.println("hint: the file is truncated or not what this command reads; copy it again");
      }
      case java.io.EOFException e -> {
        err.println(
            "fhec: error: the file ends early"
                + (e.getMessage() != null ? ": " + e.getMessage() : ""));
        err.println("hint: the file is truncated or not what this command reads; copy it again");
      }
      case NoSuchFileException n -> {
        err.println("fhec: error: no such file: " + n.getFile());
        err.println("hint: check the path, or see '" + name + " --help'");
      }
      default -> {
        if (code == USER_ERROR) {
          err.println("fhec: error: " + ex.getMessage());
          err.println("hint: see '" + name + " --help'");
        } else {
          StringWriter trace = new StringWriter();
          ex.printStackTrace(new PrintWriter(trace));
          err.println("fhec: internal error: " + ex);
          err.println("hint: this is a bug in fhec; please report it with the trace below");
          err.print(trace);
        }
      }
    }
    err.flush();
    return code;
  }

  /** The options that fix a lookup too wide for any secure set, with the precision that fits. */
  static String noParametersHint(NoParametersException n) {
    StringBuilder h = new StringBuilder("hint: ");
    if (n.group() == null) {
      // An output or leveled chain, not a lookup: rounding lookup inputs cannot help.
      return h.append(
              "multiply by smaller constants or sum fewer terms (or rescale with a lookup before"
                  + " the output), or allow a larger error (--p-error / --global-p-error)")
          .toString();
    }
    if (n.group() != null) {
      h.append("the widest lookups have ").append(n.group().precision()).append(" bits; ");
    }
    if (n.largestPrecision().isPresent()) {
      h.append("compile with --round-to ").append(n.largestPrecision().getAsInt()).append(" (or ");
      h.append("fewer bits with --n-bits), ");
    } else {
      h.append("use fewer bits (--n-bits, --round-to), ");
    }
    h.append("or allow a larger error (--p-error / --global-p-error)");
    return h.toString();
  }

  /** An I/O failure wrapped to cross a lambda is classified by its cause. */
  private static Throwable unwrap(Throwable t) {
    return t instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : t;
  }
}
