package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The figures of bench/RESULTS.md "Encrypted products": the seed head (samples/gpt2-head) and the
 * MiniLM head (samples/minilm-head, real weights) compiled with the optimizer under each product
 * lowering and both parameter strategies; PBS, the optimizer's complexity, the per-product choice,
 * and the simulated output against numpy's y_int on the test vectors (bit for bit). Soak tier (each
 * optimizer run takes 30–40 s on the seed head):
 *
 * <pre>
 * ./mvnw -B -q -pl compiler -am test -Psoak -Dtest=EncryptedProductsReport \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("soak")
class EncryptedProductsReport {

  @Test
  void seedAndMiniLmHeads() throws Exception {
    for (String dir : List.of("gpt2-head", "minilm-head")) {
      Path d = Path.of("../samples").resolve(dir);
      Program head = JsonGraphFrontend.load(d.resolve("model.json"));
      List<List<Tensor>> inputset =
          SampleHeadTest.samples((NpyArray.Ints) Npz.read(d.resolve("inputset.npz")).get("q_x"));
      List<List<Tensor>> tests =
          SampleHeadTest.samples((NpyArray.Ints) Npz.read(d.resolve("vectors.npz")).get("q_x"));
      NpyArray.Ints y = (NpyArray.Ints) Npz.read(d.resolve("vectors.npz")).get("y_int");
      for (boolean single : List.of(false, true)) {
        for (CompileOptions.Products pr :
            List.of(CompileOptions.Products.QUARTER, CompileOptions.Products.AUTO)) {
          long t0 = System.nanoTime();
          CompiledCircuit cc =
              Fhec.compile(
                  head,
                  CompileOptions.defaults().withSingleParameter(single).withProducts(pr),
                  inputset);
          double s = (System.nanoTime() - t0) / 1e9;
          int per = y.size() / tests.size();
          for (int i = 0; i < tests.size(); i++) {
            long[] got =
                ClearSimulator.run(
                        cc.circuit(),
                        List.of(((Tensor.Ints) tests.get(i).get(0)).data()),
                        ClearSimulator.Options.exact())
                    .outputs()
                    .get(0);
            assertArrayEquals(Arrays.copyOfRange(y.data(), i * per, (i + 1) * per), got);
          }
          System.out.printf(
              Locale.ROOT,
              "RESULT %s %s products=%s: PBS %d, complexity %.4e, %s, %.0f s, y_int bit for bit%n%s%n",
              dir,
              single ? "single-parameter" : "multi-parameter",
              pr.name().toLowerCase(Locale.ROOT),
              cc.pbsCount(),
              cc.report().complexity(),
              cc.bitWidthLine(),
              s,
              cc.report().parameterChoice());
          cc.partitioned()
              .ifPresent(
                  pp -> {
                    for (var part : pp.partitions()) {
                      System.out.printf(
                          Locale.ROOT,
                          "  partition %s: %d lookups, complexity %.3e, N %d, n %d%n",
                          Arrays.toString(part.precisions()),
                          part.lookupCount(),
                          part.complexity(),
                          part.parameters().polynomialSize().value(),
                          part.parameters().lweDimension().value());
                    }
                  });
        }
      }
    }
  }
}
