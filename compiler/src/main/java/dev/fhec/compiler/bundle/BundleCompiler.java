package dev.fhec.compiler.bundle;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.Frontend;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.IrPrinter;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.passes.BoundsAudit;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.compiler.quant.QuantizedProgram;
import dev.fhec.compiler.report.InspectionReport;
import dev.fhec.runtime.io.npy.Npy;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.io.IOException;
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
  public static final List<String> MODEL_EXTENSIONS =
      Frontend.all().stream().map(Frontend::extension).toList();

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
    Program program;
    List<List<Tensor>> samples;
    Map<String, String> metadata = new java.util.TreeMap<>();
    Frontend frontend = frontendOf(model);
    if (frontend instanceof Frontend.Quantizing f) {
      // A float graph is quantized post-training on its (float) inputset; the quantized samples
      // then give the bounds, and the scales travel in the manifest for the client.
      if (inputset.isEmpty()) {
        throw new BundleException(
            "an ONNX model needs a calibration inputset to be quantized (" + model + ")",
            "pass --inputset calib.npz with one float array per model input, samples first");
      }
      int bits = nBits.orElse(DEFAULT_ONNX_BITS);
      QuantizedProgram q = f.quantize(model, inputset.get(), bits);
      program = q.program();
      samples = quantizeSamples(f.floatSamples(inputset.get(), program), q.inputScales(), bits);
      metadata.put("n_bits", Integer.toString(bits));
      for (int i = 0; i < q.inputScales().size(); i++) {
        metadata.put("input_scale_" + i, Double.toString(q.inputScales().get(i)));
      }
      for (int i = 0; i < q.outputScales().size(); i++) {
        metadata.put("output_scale_" + i, Double.toString(q.outputScales().get(i)));
      }
    } else {
      program = frontend.load(model);
      samples = inputset.isPresent() ? readInputset(inputset.get(), program) : List.of();
    }
    CompiledCircuit cc;
    try {
      cc = Fhec.compile(program, options, samples);
    } catch (NoParametersException e) {
      // A float model's accumulators are as wide as its quantization makes them (6-bit weights and
      // inputs: 11+ bits); round its lookup inputs to the widest precision parameters exist for,
      // as Concrete ML's rounding threshold does, unless the user chose a rounding.
      if (!metadata.containsKey("n_bits")
          || options.roundTo().isPresent()
          || e.largestPrecision().isEmpty()) {
        throw e;
      }
      options = options.withRoundTo(e.largestPrecision().getAsInt());
      cc = Fhec.compile(program, options, samples);
      metadata.put("round_to_auto", Integer.toString(options.roundTo().getAsInt()));
    }
    return bundle(program, cc, model.toString(), metadata, options);
  }

  /**
   * The bundle of {@code cc}, compiled from {@code program} with {@code options}: names, the bounds
   * guarantee ({@link BoundsAudit}) in the manifest and as report notes.
   */
  public static Bundle bundle(
      Program program,
      CompiledCircuit cc,
      String source,
      Map<String, String> metadata,
      CompileOptions options) {
    List<String> inputs = program.inputs().stream().map(n -> ((Op.Input) n.op()).name()).toList();
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < cc.circuit().outputs().size(); i++) {
      outputs.add(cc.circuit().outputs().size() == 1 ? "y" : "y" + i);
    }
    BoundsAudit.Result audit = BoundsAudit.of(program, cc.program());
    BoundsManifest bounds =
        new BoundsManifest(
            options.bounds().name().toLowerCase(Locale.ROOT),
            options.calibrationMargin(),
            audit.inputs(),
            audit.calibrated(),
            cc.instructionOrigins());
    InspectionReport report = InspectionReport.of(cc, source);
    List<String> notes = new ArrayList<>(report.notes());
    notes.addAll(boundsNotes(audit));
    report =
        new InspectionReport(
            report.formatVersion(),
            report.name(),
            report.source(),
            report.maxBitWidth(),
            report.pbsCount(),
            report.nodes(),
            report.parameters(),
            report.keySizes(),
            report.statistics(),
            report.precision(),
            report.pbsByOp(),
            notes,
            report.partitions(),
            report.keyswitches());
    return new Bundle(
        new Bundle.Manifest(
            Bundle.FORMAT_VERSION, cc.circuit().name(), source, inputs, outputs, metadata, bounds),
        cc.circuit(),
        IrPrinter.print(cc.program()),
        report);
  }

  /** The bounds policy's outcome in words: sound, or which nodes rely on calibration. */
  public static List<String> boundsNotes(BoundsAudit.Result audit) {
    List<String> notes = new ArrayList<>();
    if (audit.sound()) {
      notes.add("bounds: sound for every input in its declared range (no overflow possible)");
      return notes;
    }
    notes.add(
        "bounds: "
            + audit.calibrated().size()
            + " node(s) rely on calibration; inputs unlike the inputset can overflow them"
            + " (fhec simulate reports it)");
    for (BoundsAudit.Reliance r : audit.calibrated()) {
      notes.add("  " + r.describe());
    }
    return notes;
  }

  /** Quantization bits of float ONNX models when {@code --n-bits} is not given. */
  public static final int DEFAULT_ONNX_BITS = 6;

  /** The seed's input quantizer: rint(x / scale) clipped to ±(2^(bits−1) − 1). */
  static List<List<Tensor>> quantizeSamples(
      List<List<Tensor>> floats, List<Double> scales, int bits) {
    List<List<Tensor>> out = new ArrayList<>();
    for (List<Tensor> sample : floats) {
      List<Tensor> q = new ArrayList<>();
      for (int i = 0; i < sample.size(); i++) {
        q.add(quantize(sample.get(i), scales.get(i), bits));
      }
      out.add(q);
    }
    return out;
  }

  /**
   * The client's input quantizer for a bundle compiled from a float model: rint(x / scale) clipped
   * to ±(2^(bits−1) − 1), exactly as the calibration samples were quantized.
   */
  public static Tensor.Ints quantize(Tensor t, double scale, int bits) {
    long qmax = QuantizationOptions.qmax(bits);
    long[] v = new long[t.size()];
    for (int j = 0; j < v.length; j++) {
      v[j] = Math.max(-qmax, Math.min(qmax, (long) Math.rint(t.asDouble(j) / scale)));
    }
    return new Tensor.Ints(t.shape(), v);
  }

  static Program load(Path model) throws IOException {
    return frontendOf(model).load(model);
  }

  /** The frontend of {@code model}'s extension. */
  private static Frontend frontendOf(Path model) throws BundleException {
    return Frontend.forFile(model)
        .orElseThrow(
            () ->
                new BundleException(
                    "cannot tell the model format of "
                        + model
                        + " (extension '."
                        + Frontend.extension(model)
                        + "')",
                    Frontend.formatsHint()));
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
      if (in.type().element() instanceof ElementType.IntType && a instanceof NpyArray.Floats f) {
        a = wholeNumbers(f, name, file);
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

  /**
   * The samples of an integer input saved as floats (numpy arithmetic often yields float64): kept
   * as integers when every value is a whole number within int64, which loses nothing; any other
   * value (a fraction, NaN, an infinity) means the samples are not what the model takes.
   */
  private static NpyArray.Ints wholeNumbers(NpyArray.Floats f, String name, Path file)
      throws BundleException {
    double[] d = f.data();
    long[] r = new long[d.length];
    int perSample = f.shape()[0] == 0 ? 1 : d.length / f.shape()[0];
    for (int i = 0; i < d.length; i++) {
      if (d[i] != Math.rint(d[i]) || !(Math.abs(d[i]) < 0x1p63)) {
        throw new BundleException(
            file
                + ": input '"
                + name
                + "' is a float array and its sample "
                + i / perSample
                + " holds "
                + d[i]
                + " (element "
                + i % perSample
                + "), but the model's input '"
                + name
                + "' takes integers",
            "save integer samples (e.g. numpy.savez(f, "
                + name
                + "=np.rint(x).astype(np.int64))), quantized as the model expects");
      }
      r[i] = (long) d[i];
    }
    return new NpyArray.Ints(f.shape(), r);
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
