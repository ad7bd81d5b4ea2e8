package dev.fhec.spark;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.circuit.Circuit;
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

/** samples/gpt2-head-tiny compiled for tests, and its test vectors. */
record TinyHead(Circuit circuit, NpyArray.Ints vectors) {
  static final Path DIR = Path.of("../samples/gpt2-head-tiny");

  /** Small insecure parameters (as the compiler's sample tests use) so that keygen is instant. */
  static final ParameterSet TOY =
      new ParameterSet(
          "TOY_SAMPLES",
          new LweDimension(16),
          new GlweDimension(1),
          new PolynomialSize(256),
          new Decomposition(8, 2),
          new Decomposition(4, 3),
          1e-5,
          1e-9);

  static TinyHead compileToy() throws Exception {
    return compile(TOY);
  }

  /** With {@code fixed} null, the parameters the optimizer picks (128-bit, single partition). */
  static TinyHead compile(ParameterSet fixed) throws Exception {
    Program json = JsonGraphFrontend.load(DIR.resolve("model.json"));
    NpyArray.Ints calib = (NpyArray.Ints) Npz.read(DIR.resolve("inputset.npz")).get("q_x");
    Circuit c =
        fixed == null
            ? Fhec.compile(
                    json, CompileOptions.defaults().withSingleParameter(true), samples(calib))
                .circuit()
            : Fhec.compile(json, CompileOptions.defaults(), samples(calib), fixed).circuit();
    NpyArray.Ints qx = (NpyArray.Ints) Npz.read(DIR.resolve("vectors.npz")).get("q_x");
    return new TinyHead(c, qx);
  }

  long[] vector(int s) {
    int in = vectors.size() / vectors.shape()[0];
    return Arrays.copyOfRange(vectors.data(), s * in, (s + 1) * in);
  }

  private static List<List<Tensor>> samples(NpyArray.Ints all) {
    int per = all.size() / all.shape()[0];
    int[] shape = Arrays.copyOfRange(all.shape(), 1, all.shape().length);
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < all.shape()[0]; i++) {
      out.add(
          List.of(new Tensor.Ints(shape, Arrays.copyOfRange(all.data(), i * per, (i + 1) * per))));
    }
    return out;
  }
}
