package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The samples' GPT-2 head (samples/gpt2-head, d_model 768, n = 6, n_bits 4), read from its JSON
 * graph and compiled with its calibration inputset: the seed's 11,808 bootstraps, and the simulated
 * circuit reproduces numpy's {@code y_int} bit for bit on the calibration samples.
 */
class SampleHeadTest {
  static final Path DIR = Path.of("../samples/gpt2-head");

  static List<List<Tensor>> samples(NpyArray.Ints all) {
    int[] s = all.shape();
    int[] one = Arrays.copyOfRange(s, 1, s.length);
    int size = all.size() / s[0];
    long[] d = all.data();
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < s[0]; i++) {
      out.add(List.of(new Tensor.Ints(one, Arrays.copyOfRange(d, i * size, (i + 1) * size))));
    }
    return out;
  }

  @Test
  void compilesToTheSeedCostAndMatchesNumpyOnCalibrationSamples() throws Exception {
    checkHead(
        JsonGraphFrontend.load(DIR.resolve("model.json")), CompileOptions.seedCompatible(), 11_808);
  }

  /**
   * With the lookup optimizations (the defaults), CSE removes the duplicated score-quantize and exp
   * lookups (2n²), composition absorbs the bias requantization into the q/k/v requantization
   * (3·n·d), and the 15 causally masked scores are constants, so neither their score lookup nor
   * their Q·Kᵀ products (2d quarter-square lookups each) are bootstrapped; for the JSON graph and
   * the language form alike (n = 6, d = 64).
   */
  @Test
  void optimizedJsonAndLanguageFormsConvergeAndStillMatchNumpy() throws Exception {
    int n = 6;
    int d = 64;
    long masked = (long) n * (n - 1) / 2; // causally masked scores: constants (DeadElements)
    long optimized = 11_808 - 2L * n * n - 3L * n * d - masked * (2L * d + 1);
    assertEquals(8_649, optimized);
    checkHead(
        JsonGraphFrontend.load(DIR.resolve("model.json")), CompileOptions.defaults(), optimized);
    Program lang =
        new dev.fhec.compiler.frontend.lang.LangFrontend().compileFile(DIR.resolve("model.fhe"));
    checkHead(lang, CompileOptions.defaults(), optimized);
    // In seed mode the language form already spells the score quantization and exp once.
    checkHead(lang, CompileOptions.seedCompatible(), 11_808 - 2L * n * n);
  }

  /**
   * Shared squares (--products shared) on the seed head: Q·Kᵀ (m = n = 6, k = 64) takes m·k·n + m·k
   * + k·n = 3,072 lookups instead of 4,608 (its consumer, the score quantization, reads the doubled
   * sum); A·V (6, 6, 64) 2,304 + 36 + 384 = 2,724 instead of 4,608 (it is the output: its doubled
   * sum is reinterpreted at the output width, no halving lookup); the broadcast exp × inv
   * [6,6]·[6,1] 36 + 36 + 6 = 78 instead of 72; the 15 masked scores' 64 (q+k)² lookups and score
   * lookup are not bootstrapped. Output bit for bit numpy's y_int, as with quarter squares.
   */
  @Test
  void sharedSquaresCutTheProductsAndKeepTheOutputBitForBit() throws Exception {
    long quarter = 11_808 - 2L * 6 * 6 - 3L * 6 * 64;
    long shared = quarter - 2 * 4_608 - 72 + 3_072 + 2_724 + 78;
    assertEquals(7_170, shared);
    shared -= 15 * (64 + 1); // the masked scores: one (q+k)² per product, and the score lookup
    assertEquals(6_195, shared);
    checkHead(
        JsonGraphFrontend.load(DIR.resolve("model.json")),
        CompileOptions.defaults().withProducts(CompileOptions.Products.SHARED),
        shared);
  }

  private static void checkHead(Program head, CompileOptions options, long expectedPbs)
      throws Exception {
    Map<String, NpyArray> inputset = Npz.read(DIR.resolve("inputset.npz"));
    List<List<Tensor>> all = samples((NpyArray.Ints) inputset.get("q_x"));
    long start = System.nanoTime();
    CompiledCircuit cc = Fhec.compile(head, options, all, DifferentialOracleTest.TOY);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(expectedPbs, cc.pbsCount());
    System.out.println(
        expectedPbs + " PBS expected, " + cc.pbsCount() + " got, " + cc.bitWidthLine());
    assertEquals(cc.pbsCount(), cc.report().totals().bootstraps());
    assertTrue(seconds < 60, "compiled in " + seconds + " s");
    // The test vectors are the inputset's last 4 samples (samples/tools/make_head.py): their
    // simulated outputs must equal numpy's y_int.
    Map<String, NpyArray> vectors = Npz.read(DIR.resolve("vectors.npz"));
    List<List<Tensor>> tests = samples((NpyArray.Ints) vectors.get("q_x"));
    NpyArray.Ints y = (NpyArray.Ints) vectors.get("y_int");
    int per = y.size() / tests.size();
    for (int i = 0; i < tests.size(); i++) {
      long[] got =
          ClearSimulator.run(
                  cc.circuit(),
                  List.of(((Tensor.Ints) tests.get(i).get(0)).data()),
                  ClearSimulator.Options.exact())
              .outputs()
              .get(0);
      assertArrayEquals(Arrays.copyOfRange(y.data(), i * per, (i + 1) * per), got, "vector " + i);
    }
  }
}
