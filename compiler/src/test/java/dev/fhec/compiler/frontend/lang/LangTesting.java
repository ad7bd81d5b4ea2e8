package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Test support: an in-memory array reader and a one-call compile. */
final class LangTesting {
  private LangTesting() {}

  /** Serves arrays registered by file name; the files must exist (they may be empty). */
  static final class MemoryArrays implements ArrayFileReader {
    final Map<String, Map<String, Tensor>> npz = new HashMap<>();
    final Map<String, Tensor> npy = new HashMap<>();

    @Override
    public Tensor readNpy(Path file) {
      return npy.get(file.getFileName().toString());
    }

    @Override
    public Map<String, Tensor> readNpz(Path file) {
      return npz.get(file.getFileName().toString());
    }

    /** Registers an npz archive and creates its (empty) placeholder file in {@code dir}. */
    MemoryArrays withNpz(Path dir, String name, Map<String, Tensor> arrays) throws IOException {
      npz.put(name, arrays);
      Files.writeString(dir.resolve(name), "");
      return this;
    }

    MemoryArrays withNpy(Path dir, String name, Tensor t) throws IOException {
      npy.put(name, t);
      Files.writeString(dir.resolve(name), "");
      return this;
    }
  }

  static Program compile(String source) {
    return new LangFrontend(new MemoryArrays()).compile(source, "t.fhe", Path.of("."));
  }
}
