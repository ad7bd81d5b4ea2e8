package dev.fhec.compiler.optimizer;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The samples under samples/ lowered to circuits (parameters fixed: the optimizers re-choose). */
final class SampleCircuits {
  static final Path SAMPLES = Path.of("../samples");

  private static final ParameterSet TOY =
      new ParameterSet(
          "TOY_SAMPLES",
          new LweDimension(16),
          new GlweDimension(1),
          new PolynomialSize(256),
          new Decomposition(8, 2),
          new Decomposition(4, 3),
          1e-5,
          1e-9);

  /** A sample: its program file and the sample whose inputset calibrates it. */
  record Sample(String dir, String file, String seed, int n, int dModel) {
    @Override
    public String toString() {
      return dir + "/" + file;
    }
  }

  static List<Sample> all() {
    return List.of(
        new Sample("gpt2-head", "model.json", "gpt2-head", 0, 0),
        new Sample("gpt2-head", "model.fhe", "gpt2-head", 0, 0),
        new Sample("gpt2-head-tiny", "model.json", "gpt2-head-tiny", 0, 0),
        new Sample("minilm-head", "model.json", "minilm-head", 0, 0),
        new Sample("gk-attention-tiny", "model.fhe", "gpt2-head-tiny", 3, 16),
        new Sample("power-softmax-tiny", "model.fhe", "gpt2-head-tiny", 3, 16),
        new Sample("gk-attention", "model.fhe", "gpt2-head", 6, 768),
        new Sample("power-softmax", "model.fhe", "gpt2-head", 6, 768),
        new Sample("seed-lean", "model.fhe", "gpt2-head", 6, 768));
  }

  /** {@code s} lowered (compiled under fixed TOY parameters, whose plan is then dropped). */
  static LoweredCircuit lower(Sample s, CompileOptions options) throws Exception {
    Path file = SAMPLES.resolve(s.dir()).resolve(s.file());
    Program p =
        s.file().endsWith(".json")
            ? JsonGraphFrontend.load(file)
            : new LangFrontend().compileFile(file);
    NpyArray.Ints all =
        (NpyArray.Ints) Npz.read(SAMPLES.resolve(s.seed()).resolve("inputset.npz")).get("q_x");
    return LoweredCircuit.of(
        Fhec.compile(p, options, samples(all, s.n(), s.dModel()), TOY).circuit());
  }

  /** {@code s} compiled by {@link Fhec#compile} with the optimizer choosing its parameters. */
  static dev.fhec.compiler.CompiledCircuit compile(Sample s, CompileOptions options)
      throws Exception {
    Path file = SAMPLES.resolve(s.dir()).resolve(s.file());
    Program p =
        s.file().endsWith(".json")
            ? JsonGraphFrontend.load(file)
            : new LangFrontend().compileFile(file);
    NpyArray.Ints all =
        (NpyArray.Ints) Npz.read(SAMPLES.resolve(s.seed()).resolve("inputset.npz")).get("q_x");
    return Fhec.compile(p, options, samples(all, s.n(), s.dModel()));
  }

  private static List<List<Tensor>> samples(NpyArray.Ints all, int n, int dModel) {
    int[] shape = all.shape();
    int[] one = n > 0 ? new int[] {1, n, dModel} : Arrays.copyOfRange(shape, 1, shape.length);
    int size = all.size() / shape[0];
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < shape[0]; i++) {
      long[] x = Arrays.copyOfRange(all.data(), i * size, (i + 1) * size);
      out.add(List.of(new Tensor.Ints(one, x)));
    }
    return out;
  }

  private SampleCircuits() {}
}
