package dev.fhec.pipeline;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.frontend.onnx.OnnxFrontend;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.compiler.quant.QuantizedProgram;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.params.ParameterSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Head 0 compiled by fhec from its float ONNX graph: quantized post-training by the compiler on the
 * calibration sentences' float inputs, compiled to a circuit, with the client's encoding (x → q =
 * rint(x / s_in) clipped to ±qmax) and decoding (y ≈ q · s_out).
 *
 * @param roundTo the lookup rounding the compilation needed (none when parameters exist for the
 *     unrounded circuit): as {@code fhec compile} does for float models, a circuit without secure
 *     parameters is rounded to the widest precision that has them
 */
public record HeadCircuit(
    QuantizationOptions quantization,
    OptionalDouble clipPercentile,
    QuantizedProgram quantized,
    CompiledCircuit compiled,
    OptionalInt roundTo,
    double compileSeconds) {

  /** Compiles head 0 with optimized (128-bit) parameters. */
  public static HeadCircuit compile(
      MinilmArtifacts a, QuantizationOptions q, CompileOptions options) {
    return compile(a, q, options, Optional.empty());
  }

  public static HeadCircuit compile(
      MinilmArtifacts a,
      QuantizationOptions q,
      CompileOptions options,
      Optional<ParameterSet> fixed) {
    return compile(a, q, options, fixed, OptionalDouble.empty());
  }

  /**
   * Compiles head 0; with {@code fixed} parameters (tests: a TOY set, which the exact simulator
   * does not care about) instead of optimizing.
   *
   * @param clipPercentile when present, the calibration inputs are clipped to ± this percentile of
   *     their magnitudes before quantization, so that the input scale (and every scale calibrated
   *     after it) follows the bulk of x instead of LayerNorm's few outlier channels; inputs beyond
   *     it saturate at ±qmax
   */
  public static HeadCircuit compile(
      MinilmArtifacts a,
      QuantizationOptions q,
      CompileOptions options,
      Optional<ParameterSet> fixed,
      OptionalDouble clipPercentile) {
    long start = System.nanoTime();
    Path inputset = a.head0Inputset();
    if (clipPercentile.isPresent()) {
      inputset = clipped(inputset, clipPercentile.getAsDouble());
    }
    QuantizedProgram qp = OnnxFrontend.importQuantized(a.head0Onnx(), inputset, q);
    List<List<Tensor>> samples = new ArrayList<>();
    for (List<Tensor> s : OnnxFrontend.readInputset(inputset, qp.program())) {
      samples.add(List.of(BundleCompiler.quantize(s.get(0), qp.inputScales().get(0), q.nBits())));
    }
    // As fhec compile does for float models: a lookup wider than the 16-bit limit is rounded to
    // it, and a circuit without secure parameters to the widest precision that has them.
    OptionalInt roundTo = options.roundTo();
    CompiledCircuit cc = null;
    for (int attempt = 0; cc == null; attempt++) {
      CompileOptions o = roundTo.isPresent() ? options.withRoundTo(roundTo.getAsInt()) : options;
      try {
        cc = compileWith(qp, o, samples, fixed);
      } catch (NoParametersException e) {
        if (options.roundTo().isPresent() || e.largestPrecision().isEmpty() || attempt > 4) {
          throw e;
        }
        // Rounded lookups can still leave wider ones (squares of a sum are one bit wider than
        // their operands): then round one bit further.
        int next = e.largestPrecision().getAsInt();
        if (roundTo.isPresent() && next >= roundTo.getAsInt()) {
          next = roundTo.getAsInt() - 1;
        }
        roundTo = OptionalInt.of(next);
      } catch (CompileException e) {
        if (options.roundTo().isPresent()
            || roundTo.isPresent()
            || !String.valueOf(e.getMessage()).contains("round it first")) {
          throw e;
        }
        roundTo = OptionalInt.of(options.maxTluWidth());
      }
    }
    return new HeadCircuit(q, clipPercentile, qp, cc, roundTo, (System.nanoTime() - start) / 1e9);
  }

  /** A temporary copy of the inputset {@code x} clipped to ± the p-th percentile of |x|. */
  static Path clipped(Path inputset, double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    try {
      NpyArray.Floats x = (NpyArray.Floats) Npz.read(inputset).get("x");
      double[] mag = new double[x.data().length];
      for (int i = 0; i < mag.length; i++) {
        mag[i] = Math.abs(x.data()[i]);
      }
      Arrays.sort(mag);
      double bound = mag[(int) Math.max(0, Math.ceil(p / 100 * mag.length) - 1)];
      double[] c = new double[mag.length];
      for (int i = 0; i < c.length; i++) {
        c[i] = Math.max(-bound, Math.min(bound, x.data()[i]));
      }
      Path tmp = Files.createTempFile("head0-inputset-clipped", ".npz");
      tmp.toFile().deleteOnExit();
      Npz.write(Map.of("x", new NpyArray.Floats(x.shape(), c)), false, tmp);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CompiledCircuit compileWith(
      QuantizedProgram qp,
      CompileOptions options,
      List<List<Tensor>> samples,
      Optional<ParameterSet> fixed) {
    return fixed.isPresent()
        ? Fhec.compile(qp.program(), options, samples, fixed.get())
        : Fhec.compile(qp.program(), options, samples);
  }

  public int nBits() {
    return quantization.nBits();
  }

  /** The client's input encoding, as the calibration samples were encoded. */
  public long[] encode(float[] x) {
    double s = quantized.inputScales().get(0);
    long qmax = QuantizationOptions.qmax(quantization.nBits());
    long[] q = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      q[i] = Math.max(-qmax, Math.min(qmax, (long) Math.rint(x[i] / s)));
    }
    return q;
  }

  /** The client's output decoding. */
  public float[] decode(long[] y) {
    double s = quantized.outputScales().get(0);
    float[] f = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      f[i] = (float) (y[i] * s);
    }
    return f;
  }

  /**
   * One simulated run of the circuit (what decryption gives when no bootstrap errs).
   *
   * @param overflowed whether a value left its calibrated range on the way (the result is then what
   *     the encrypted circuit computes, wrapped values included)
   */
  public record Simulated(long[] y, boolean overflowed) {}

  public Simulated simulate(long[] q) {
    try {
      return new Simulated(run(q, ClearSimulator.Options.exact()), false);
    } catch (ClearSimulator.OverflowException e) {
      return new Simulated(
          run(q, new ClearSimulator.Options(0, java.util.OptionalLong.empty(), false)), true);
    }
  }

  private long[] run(long[] q, ClearSimulator.Options o) {
    return ClearSimulator.run(compiled.circuit(), List.of(q), o).outputs().get(0);
  }
}
