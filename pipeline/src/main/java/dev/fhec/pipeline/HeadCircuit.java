package dev.fhec.pipeline;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.compiler.frontend.onnx.OnnxFrontend;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.passes.AssignBitWidths;
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
 * Head 0 compiled by fhec, with the client's encoding of x and decoding of the circuit's outputs:
 * either quantized post-training by the compiler from head 0's float ONNX graph (the seed's
 * quantizer: one n_bits, per-tensor scales) or by {@link PerNodeHead} (one width per lookup group).
 *
 * @param setting how it was quantized, for tables
 * @param nBits bits of the client's input encoding
 * @param roundTo the lookup rounding the compilation needed (none when parameters exist for the
 *     unrounded circuit): as {@code fhec compile} does for float models, a circuit without secure
 *     parameters is rounded to the widest precision that has them
 * @param approximate whether the circuit rounds approximately anywhere (the program's own rounding
 *     or the compiler's {@code roundTo} without {@code exactRounding}): its decrypted outputs may
 *     then differ from the simulated ones near rounding ties, so it is for simulated sweeps only
 */
public record HeadCircuit(
    String setting,
    int nBits,
    Program program,
    Codec codec,
    CompiledCircuit compiled,
    OptionalInt roundTo,
    boolean approximate,
    double compileSeconds) {

  /**
   * {@code options} with exact rounding wherever the compiler rounds a lookup's input (what an
   * encrypted run needs so that its decryption equals the simulation bit for bit).
   */
  public static CompileOptions exact(CompileOptions options) {
    return new CompileOptions(
        options.pError(),
        options.globalPError(),
        options.roundTo(),
        true,
        options.maxTluWidth(),
        options.optimizeLookups(),
        options.bounds(),
        options.calibrationMargin(),
        options.singleParameter(),
        options.products(),
        options.maxKeys(),
        options.maxKeyMemory());
  }

  /** Whether {@code program} contains an approximate rounding of an encrypted value. */
  static boolean roundsApproximately(Program program) {
    for (Node n : program.nodes()) {
      if (n.op() instanceof Op.RoundBits r && !r.exact() && r.lsbs() > 0) {
        return true;
      }
    }
    return false;
  }

  /** The client's side of the circuit: float x to its integer input, outputs to head 0's y. */
  public interface Codec {
    long[] encode(float[] x);

    float[] decode(List<long[]> outputs);
  }

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
   * Compiles head 0 quantized by the compiler; with {@code fixed} parameters (tests: a TOY set,
   * which the exact simulator does not care about) instead of optimizing.
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
    Codec codec = new CompilerQuantizerCodec(qp, q.nBits());
    String setting =
        "compiler quantizer, "
            + (q.perChannelWeights() ? "per-channel" : "per-tensor")
            + (q.weightBits() != q.nBits() ? ", " + q.weightBits() + "-bit" : "")
            + " weights, clip "
            + (clipPercentile.isPresent() ? "p" + clipPercentile.getAsDouble() : "max");
    return compileProgram(setting, q.nBits(), qp.program(), codec, options, samples, fixed, start);
  }

  /** Compiles head 0 as {@link PerNodeHead} quantized it; calibration inputs as x floats. */
  public static HeadCircuit compile(
      PerNodeHead head,
      List<float[]> calibration,
      CompileOptions options,
      Optional<ParameterSet> fixed) {
    long start = System.nanoTime();
    int[] shape = head.program().inputs().get(0).type().shape();
    List<List<Tensor>> samples = new ArrayList<>();
    for (float[] x : calibration) {
      samples.add(List.of(new Tensor.Ints(shape, head.encode(x))));
    }
    Codec codec =
        new Codec() {
          @Override
          public long[] encode(float[] x) {
            return head.encode(x);
          }

          @Override
          public float[] decode(List<long[]> outputs) {
            return head.decode(outputs);
          }
        };
    return compileProgram(
        "per-node " + head.plan().label(),
        head.plan().inputBits(),
        head.program(),
        codec,
        options,
        samples,
        fixed,
        start);
  }

  /** Compiles layer 0's 12-head block ({@link LayerZeroBlock}). */
  public static HeadCircuit compile(
      LayerZeroBlock block,
      List<float[]> calibration,
      CompileOptions options,
      Optional<ParameterSet> fixed) {
    long start = System.nanoTime();
    int[] shape = block.program().inputs().get(0).type().shape();
    List<List<Tensor>> samples = new ArrayList<>();
    for (float[] x : calibration) {
      samples.add(List.of(new Tensor.Ints(shape, block.encode(x))));
    }
    Codec codec =
        new Codec() {
          @Override
          public long[] encode(float[] x) {
            return block.encode(x);
          }

          @Override
          public float[] decode(List<long[]> outputs) {
            return block.decode(outputs);
          }
        };
    return compileProgram(
        block.heads() + " heads, per-node " + block.plan().label(),
        block.plan().inputBits(),
        block.program(),
        codec,
        options,
        samples,
        fixed,
        start);
  }

  private static HeadCircuit compileProgram(
      String setting,
      int nBits,
      Program program,
      Codec codec,
      CompileOptions options,
      List<List<Tensor>> samples,
      Optional<ParameterSet> fixed,
      long start) {
    // As fhec compile does for float models: a lookup wider than the table limit is rounded to it
    // (asked of the compiler's analysis, before compiling), and a circuit without secure
    // parameters to the widest precision that has them.
    OptionalInt roundTo = options.roundTo();
    if (roundTo.isEmpty() && widestLookup(program, options, samples) > options.maxTluWidth()) {
      roundTo = OptionalInt.of(options.maxTluWidth());
    }
    CompiledCircuit cc = null;
    for (int attempt = 0; cc == null; attempt++) {
      CompileOptions o = roundTo.isPresent() ? options.withRoundTo(roundTo.getAsInt()) : options;
      try {
        cc =
            fixed.isPresent()
                ? Fhec.compile(program, o, samples, fixed.get())
                : Fhec.compile(program, o, samples);
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
      }
    }
    boolean approximate =
        roundsApproximately(program) || (roundTo.isPresent() && !options.exactRounding());
    return new HeadCircuit(
        setting,
        nBits,
        program,
        codec,
        cc,
        roundTo,
        approximate,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * The widest table-lookup input of {@code program} under calibrated ranges, from the compiler's
   * own analysis run without the table limit (the precision query that decides whether rounding is
   * needed, instead of reading an error message).
   */
  static int widestLookup(Program program, CompileOptions options, List<List<Tensor>> samples) {
    Program p =
        Fhec.analyse(
            program,
            options
                .withBounds(CompileOptions.BoundsPolicy.CALIBRATED, options.calibrationMargin())
                .withMaxTluWidth(UNLIMITED),
            samples);
    int w = 0;
    for (Node n : p.nodes()) {
      if (n.op() instanceof Op.TableLookup t) {
        w = Math.max(w, AssignBitWidths.tableInputWidth(p, t));
      }
    }
    return w;
  }

  /** A table limit no analysis reaches (the query reports widths, it does not enforce them). */
  private static final int UNLIMITED = 62;

  /** The compiler quantizer's encoding: one input scale, one output scale. */
  private record CompilerQuantizerCodec(QuantizedProgram quantized, int nBits) implements Codec {
    @Override
    public long[] encode(float[] x) {
      double s = quantized.inputScales().get(0);
      long qmax = QuantizationOptions.qmax(nBits);
      long[] q = new long[x.length];
      for (int i = 0; i < x.length; i++) {
        q[i] = Math.max(-qmax, Math.min(qmax, (long) Math.rint(x[i] / s)));
      }
      return q;
    }

    @Override
    public float[] decode(List<long[]> outputs) {
      long[] y = outputs.get(0);
      double s = quantized.outputScales().get(0);
      float[] f = new float[y.length];
      for (int i = 0; i < y.length; i++) {
        f[i] = (float) (y[i] * s);
      }
      return f;
    }
  }

  /** A temporary copy of the inputset {@code x} clipped to ± the p-th percentile of |x|. */
  static Path clipped(Path inputset, double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    try {
      NpyArray.Floats x = (NpyArray.Floats) Npz.read(inputset).get("x");
      double[] data = x.data(); // data() copies: read it once
      double[] mag = new double[data.length];
      for (int i = 0; i < mag.length; i++) {
        mag[i] = Math.abs(data[i]);
      }
      Arrays.sort(mag);
      double bound = mag[(int) Math.max(0, Math.ceil(p / 100 * mag.length) - 1)];
      double[] c = new double[mag.length];
      for (int i = 0; i < c.length; i++) {
        c[i] = Math.max(-bound, Math.min(bound, data[i]));
      }
      Path tmp = Files.createTempFile("head0-inputset-clipped", ".npz");
      tmp.toFile().deleteOnExit();
      Npz.write(Map.of("x", new NpyArray.Floats(x.shape(), c)), false, tmp);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The client's input encoding. */
  public long[] encode(float[] x) {
    return codec.encode(x);
  }

  /** The client's output decoding. */
  public float[] decode(List<long[]> outputs) {
    return codec.decode(outputs);
  }

  /**
   * One simulated run of the circuit (what decryption gives when no bootstrap errs).
   *
   * @param overflowed whether a value left its calibrated range on the way (the result is then what
   *     the encrypted circuit computes, wrapped values included)
   */
  public record Simulated(List<long[]> outputs, boolean overflowed) {}

  public Simulated simulate(long[] q) {
    try {
      return new Simulated(run(q, ClearSimulator.Options.exact()), false);
    } catch (ClearSimulator.OverflowException e) {
      return new Simulated(
          run(q, new ClearSimulator.Options(0, java.util.OptionalLong.empty(), false)), true);
    }
  }

  private List<long[]> run(long[] q, ClearSimulator.Options o) {
    return ClearSimulator.run(compiled.circuit(), List.of(q), o).outputs();
  }
}
