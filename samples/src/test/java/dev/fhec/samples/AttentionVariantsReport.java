package dev.fhec.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.params.ParameterSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The numbers of samples/ATTENTION-VARIANTS.md: compiles the full-size seed head (model.json, and
 * model.fhe when present) and both variants with the optimizer, and measures each variant's
 * fidelity (reference evaluation of the quantized program, de-quantized, against the float variant
 * in vectors.npz). Soak tier (minutes of compilation); the folder holding the heads is {@code
 * -Dfhec.variants.root} (default: samples/, n = 6; make_head.py --n 8 plus make_variants.py --root
 * give the n = 8 folders).
 */
@Tag("soak")
class AttentionVariantsReport {
  @Test
  void compileAndMeasure() throws Exception {
    Path root = Path.of(System.getProperty("fhec.variants.root", "."));
    Path seed = root.resolve("gpt2-head");
    JsonNode seedMeta = new ObjectMapper().readTree(seed.resolve("meta.json").toFile());
    int n = seedMeta.get("n_seq").asInt();
    int dModel = seedMeta.get("d_model").asInt();
    List<List<Tensor>> inputset =
        samples((NpyArray.Ints) Npz.read(seed.resolve("inputset.npz")).get("q_x"), n, dModel);
    report("seed model.json", JsonGraphFrontend.load(seed.resolve("model.json")), inputset);
    if (seed.resolve("model.fhe").toFile().exists()) {
      report("seed model.fhe", new LangFrontend().compileFile(seed.resolve("model.fhe")), inputset);
    }
    for (String v : List.of("gk-attention", "power-softmax", "seed-lean")) {
      Path dir = root.resolve(v);
      if (!dir.resolve("model.fhe").toFile().exists()) {
        continue;
      }
      Program p = new LangFrontend().compileFile(dir.resolve("model.fhe"));
      report(v, p, inputset);
      JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
      double scale = meta.get("output_scale").asDouble();
      var vectors = Npz.read(dir.resolve("vectors.npz"));
      List<List<Tensor>> tests = samples((NpyArray.Ints) vectors.get("q_x"), n, dModel);
      long[] yInt = ((NpyArray.Ints) vectors.get("y_int")).data();
      double[] yFloat = ((NpyArray.Floats) vectors.get("y_float")).data();
      int per = yInt.length / tests.size();
      double maxErr = 0;
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int i = 0; i < tests.size(); i++) {
        long[] got = ((Tensor.Ints) ReferenceEvaluator.evaluate(p, tests.get(i)).get(0)).data();
        assertArrayEquals(Arrays.copyOfRange(yInt, i * per, (i + 1) * per), got, v + " " + i);
        for (int j = 0; j < per; j++) {
          double a = got[j] * scale;
          double b = yFloat[i * per + j];
          maxErr = Math.max(maxErr, Math.abs(a - b));
          dot += a * b;
          na += a * a;
          nb += b * b;
        }
      }
      System.out.printf(
          "%s fidelity vs float variant: max abs error %.4f, cosine %.4f%n",
          v, maxErr, dot / Math.sqrt(na * nb));
    }
  }

  private static void report(String what, Program p, List<List<Tensor>> inputset) {
    long start = System.nanoTime();
    CompiledCircuit cc = Fhec.compile(p, CompileOptions.defaults(), inputset);
    double s = (System.nanoTime() - start) / 1e9;
    ParameterSet ps = cc.circuit().parameters();
    System.out.printf(
        "%s: PBS %d; %s; parameters %s (n_lwe %d, k %d, N %d, pbs %s, ks %s); optimizer complexity"
            + " %.4g; compiled in %.1f s%n",
        what,
        cc.pbsCount(),
        cc.bitWidthLine(),
        ps.name(),
        ps.lweDimension().value(),
        ps.glweDimension().value(),
        ps.polynomialSize().value(),
        ps.pbs(),
        ps.ks(),
        cc.report().complexity(),
        s);
  }

  private static List<List<Tensor>> samples(NpyArray.Ints all, int n, int dModel) {
    int size = all.size() / all.shape()[0];
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < all.shape()[0]; i++) {
      long[] x = Arrays.copyOfRange(all.data(), i * size, (i + 1) * size);
      out.add(List.of(new Tensor.Ints(new int[] {1, n, dModel}, x)));
    }
    return out;
  }
}
