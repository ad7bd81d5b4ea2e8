package dev.fhec.compiler.frontend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Resolves a file a model refers to (JSON file constants, {@code np.load} in {@code .fhe}, ONNX
 * external data) against the model's folder, and refuses any reference that leaves it: absolute
 * paths, {@code ..} segments that climb out, and symbolic links that point outside. A model file is
 * data from elsewhere; it must not make the compiler read arbitrary files of the machine.
 */
public final class ModelFiles {
  private ModelFiles() {}

  /** Why a reference was refused; the frontends turn it into a located diagnostic. */
  public static final class EscapeException extends Exception {
    private static final long serialVersionUID = 1L;

    EscapeException(String message) {
      super(message);
    }
  }

  /**
   * {@code reference} resolved inside {@code baseDir}.
   *
   * @throws EscapeException when the reference is absolute, malformed, or leads (lexically or
   *     through a symbolic link) outside {@code baseDir}
   */
  public static Path resolveInside(Path baseDir, String reference) throws EscapeException {
    Path rel;
    try {
      rel = Path.of(reference);
    } catch (InvalidPathException e) {
      throw new EscapeException("invalid path '" + reference + "': " + e.getReason());
    }
    if (reference.isEmpty()) {
      throw new EscapeException("empty file reference");
    }
    if (rel.isAbsolute() || rel.getRoot() != null || reference.startsWith("/")) {
      throw new EscapeException(
          "'" + reference + "' is an absolute path; model files must be relative to its folder");
    }
    Path base = baseDir.toAbsolutePath().normalize();
    Path p = base.resolve(rel).normalize();
    if (!p.startsWith(base)) {
      throw new EscapeException("'" + reference + "' leaves the model's folder " + base);
    }
    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Path realBase = base.toRealPath();
        Path real = p.toRealPath();
        if (!real.startsWith(realBase)) {
          throw new EscapeException(
              "'"
                  + reference
                  + "' is a symbolic link to "
                  + real
                  + ", outside the model's folder "
                  + realBase);
        }
      } catch (IOException e) {
        // a dangling link or unreadable entry: the caller's read reports it
      }
    }
    return p;
  }
}
