package dev.fhec.compiler.bundle;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.frontend.lang.ArrayFileReader;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.ir.IrParser;
import dev.fhec.compiler.ir.IrPrinter;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.report.InspectionReport;
import dev.fhec.runtime.io.npy.Npy;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Compiles a model file into a {@link Bundle}: the one entry point the CLI ({@code fhec compile})
 * and the Maven plugin ({@code fhec:compile}) share, so both produce identical bundles. The
 * frontend is chosen by the file's extension; the inputset is an {@code .npz} with one array per
 * program input (by input name, or the only array for a one-input program) whose leading axis
 * numbers the samples, or an {@code .npy} for a one-input program.
 */
public final class BundleCompiler {
  private BundleCompiler() {}

  /** Extensions {@link #compile} accepts, in the order the docs list them. */
  public static final List<String> MODEL_EXTENSIONS = List.of("fhe", "json", "onnx", "ir");

  /**
   * Compiles {@code model} with an optional calibration inputset.
   *
   * @throws dev.fhec.compiler.diag.CompileException with located diagnostics when the model is
   *     wrong
   * @throws BundleException when the file cannot be used (unknown extension, bad inputset, a
   *     frontend missing from this build)
   */
  public static Bundle compile(
      Path model, Optional<Path> inputset, OptionalInt nBits, CompileOptions options)
      throws IOException {
    Program program = load(model);
    List<List<Tensor>> samples =
        inputset.isPresent() ? readInputset(inputset.get(), program) : List.of();
    CompiledCircuit cc = Fhec.compile(program, options, samples);
    List<String> inputs = program.inputs().stream().map(n -> ((Op.Input) n.op()).name()).toList();
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < cc.circuit().outputs().size(); i++) {
      outputs.add(cc.circuit().outputs().size() == 1 ? "y" : "y" + i);
    }
    return new Bundle(
        new Bundle.Manifest(
            Bundle.FORMAT_VERSION,
            cc.circuit().name(),
            model.toString(),
            inputs,
            outputs,
            Map.of()),
        cc.circuit(),
        IrPrinter.print(cc.program()),
        InspectionReport.of(cc, model.toString()));
  }

  /** {@code np.load} for the language frontend, over the runtime's npy/npz codec. */
  private static final ArrayFileReader NPY_ARRAYS =
      new ArrayFileReader() {
        @Override
        public Tensor readNpy(Path file) throws IOException {
          return tensor(Npy.read(file));
        }

        @Override
        public Map<String, Tensor> readNpz(Path file) throws IOException {
          Map<String, Tensor> m = new java.util.LinkedHashMap<>();
          for (Map.Entry<String, NpyArray> e : Npz.read(file).entrySet()) {
            m.put(e.getKey(), tensor(e.getValue()));
          }
          return m;
        }
      };

  private static Tensor tensor(NpyArray a) {
    return switch (a) {
      case NpyArray.Ints x -> new Tensor.Ints(x.shape(), x.data());
      case NpyArray.Floats x -> new Tensor.Floats(x.shape(), x.data());
    };
  }

  static Program load(Path model) throws IOException {
    String name = model.getFileName().toString();
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    return switch (ext.toLowerCase(Locale.ROOT)) {
      case "ir" -> IrParser.parse(model.toString(), Files.readString(model));
      case "json" -> JsonGraphFrontend.load(model);
      case "fhe" -> new LangFrontend(NPY_ARRAYS).compileFile(model);
      case "onnx" ->
          throw new BundleException(
              "the ." + ext + " frontend is not in this build of fhec (" + model + ")",
              "build from a checkout where the ONNX frontend is merged, or export a JSON graph");
      default ->
          throw new BundleException(
              "cannot tell the model format of " + model + " (extension '." + ext + "')",
              "models are .fhe (Python-like), .json (graph), .onnx or .ir (textual IR) files");
    };
  }

  /** One list of input tensors per sample, in program input order. */
  static List<List<Tensor>> readInputset(Path file, Program program) throws IOException {
    List<Node> inputs = program.inputs();
    Map<String, NpyArray> arrays =
        file.getFileName().toString().endsWith(".npy")
            ? Map.of("", Npy.read(file))
            : Npz.read(file);
    List<NpyArray> perInput = new ArrayList<>();
    for (Node in : inputs) {
      String name = ((Op.Input) in.op()).name();
      NpyArray a = arrays.get(name);
      if (a == null && arrays.size() == 1 && inputs.size() == 1) {
        a = arrays.values().iterator().next();
      }
      if (a == null) {
        throw new BundleException(
            file + " has no array for input '" + name + "' (it has " + arrays.keySet() + ")",
            "save the samples with numpy.savez(f, " + name + "=samples)");
      }
      int[] want = in.type().shape();
      int[] got = a.shape();
      if (got.length != want.length + 1
          || !Arrays.equals(Arrays.copyOfRange(got, 1, got.length), want)) {
        throw new BundleException(
            file
                + ": array for input '"
                + name
                + "' has shape "
                + Arrays.toString(got)
                + ", expected [samples, "
                + Arrays.toString(want).substring(1),
            "stack the samples along a new leading axis");
      }
      perInput.add(a);
    }
    int count = perInput.isEmpty() ? 0 : perInput.get(0).shape()[0];
    List<List<Tensor>> samples = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      List<Tensor> sample = new ArrayList<>();
      for (int i = 0; i < perInput.size(); i++) {
        sample.add(slice(perInput.get(i), s, inputs.get(i).type().shape(), file));
      }
      samples.add(sample);
    }
    return samples;
  }

  private static Tensor slice(NpyArray a, int s, int[] shape, Path file) throws BundleException {
    if (a.shape()[0] <= s) {
      throw new BundleException(
          file + ": inputs have different sample counts", "give every input the same number");
    }
    int n = a.size() / a.shape()[0];
    return switch (a) {
      case NpyArray.Ints x ->
          new Tensor.Ints(shape, Arrays.copyOfRange(x.data(), s * n, (s + 1) * n));
      case NpyArray.Floats x ->
          new Tensor.Floats(shape, Arrays.copyOfRange(x.data(), s * n, (s + 1) * n));
    };
  }
}
