package dev.fhec.compiler.frontend;

import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.frontend.onnx.OnnxFrontend;
import dev.fhec.compiler.ir.IrParser;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.quant.QuantizedProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A model file format: its extension and how to import a file of it. The one table of formats
 * (bundle compiler, CLI, Maven plugin read it), so adding a format is adding an entry to {@link
 * #all}, not a case to every switch on extensions.
 */
public interface Frontend {
  /** The file extension, lower case, without the dot. */
  String extension();

  /** What the format is, for hints ("Python-like", "graph"). */
  String format();

  /** The integer program of {@code model}. */
  Program load(Path model) throws IOException;

  /**
   * A float format: post-training quantized on a float calibration inputset, whose quantized
   * samples then give the bounds.
   */
  interface Quantizing extends Frontend {
    QuantizedProgram quantize(Path model, Path inputset, int bits) throws IOException;

    /** The inputset's float samples, one list of tensors per sample in program input order. */
    List<List<Tensor>> floatSamples(Path inputset, Program program) throws IOException;
  }

  /** Reads one model file. */
  @FunctionalInterface
  interface Loader {
    Program load(Path model) throws IOException;
  }

  /** An integer format read by {@code loader}. */
  static Frontend of(String extension, String format, Loader loader) {
    return new Frontend() {
      @Override
      public String extension() {
        return extension;
      }

      @Override
      public String format() {
        return format;
      }

      @Override
      public Program load(Path model) throws IOException {
        return loader.load(model);
      }
    };
  }

  /** Textual IR ({@link IrParser}), the compiler's own format. */
  Frontend IR = of("ir", "textual IR", m -> IrParser.parse(m.toString(), Files.readString(m)));

  /** Every format, in the order the docs list them. */
  static List<Frontend> all() {
    return List.of(LangFrontend.FILES, JsonGraphFrontend.FILES, OnnxFrontend.FILES, IR);
  }

  /** The frontend of {@code model}'s extension, if any. */
  static Optional<Frontend> forFile(Path model) {
    String ext = extension(model);
    return all().stream().filter(f -> f.extension().equals(ext)).findFirst();
  }

  /** {@code model}'s extension, lower case, without the dot ("" when it has none). */
  static String extension(Path model) {
    String name = model.getFileName().toString();
    return name.contains(".")
        ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)
        : "";
  }

  /** The hint for a file of no known format: "models are .fhe (Python-like), … files". */
  static String formatsHint() {
    return "models are "
        + all().stream()
            .map(f -> "." + f.extension() + " (" + f.format() + ")")
            .collect(Collectors.joining(", "))
        + " files";
  }
}
