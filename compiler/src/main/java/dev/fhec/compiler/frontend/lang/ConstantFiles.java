package dev.fhec.compiler.frontend.lang;

import dev.fhec.grammar.ast.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code np.load(name)}: resolves {@code name} against the source file's directory and reads it
 * once per compilation.
 */
final class ConstantFiles {
  private final Path baseDir;
  private final ArrayFileReader reader;
  private final Map<Path, Value> cache = new HashMap<>();

  ConstantFiles(Path baseDir, ArrayFileReader reader) {
    this.baseDir = baseDir;
    this.reader = reader;
  }

  Value load(String name, Span span) {
    Path file;
    try {
      file = dev.fhec.compiler.frontend.ModelFiles.resolveInside(baseDir, name);
    } catch (dev.fhec.compiler.frontend.ModelFiles.EscapeException e) {
      throw Tracer.error(span, "cannot load: " + e.getMessage());
    }
    Value cached = cache.get(file);
    if (cached != null) {
      return cached;
    }
    if (!Files.isRegularFile(file)) {
      throw Tracer.error(span, "cannot load '" + name + "': no such file " + file);
    }
    Value v;
    try {
      if (name.endsWith(".npz")) {
        v = new Value.NpzFile(name, reader.readNpz(file));
      } else if (name.endsWith(".npy")) {
        v = new Value.Array(reader.readNpy(file));
      } else {
        throw Tracer.error(span, "np.load reads .npy and .npz files, not '" + name + "'");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof dev.fhec.compiler.diag.CompileException ce) {
        throw ce;
      }
      throw Tracer.error(span, "cannot load '" + name + "': " + e.getMessage());
    }
    cache.put(file, v);
    return v;
  }
}
