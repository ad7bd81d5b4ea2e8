package dev.fhec.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.lowering.Products;
import dev.fhec.runtime.exec.ClearSimulator;
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
import java.util.function.LongBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two HE-friendly attention variants of samples/ATTENTION-VARIANTS.md at the tiny seed
 * configuration (n 3, d_model 16, d_head 4, 3 bits), and the seed head with a cheaper lowering at
 * full size (n 6, d_model 768, d_head 64, 4 bits): each model.fhe compiles; the reference
 * evaluation of its IR equals numpy's quantized variant ({@code vectors.npz:y_int}, written by
 * samples/tools/make_variants.py) and the cleartext simulation of the compiled circuit, bit for
 * bit; and the PBS count equals the closed form derived in ATTENTION-VARIANTS.md.
 */
class AttentionVariantsTest {
  /** Fixed insecure parameters: the test checks structure and values, not the optimizer. */
  private static final ParameterSet TOY =
      new ParameterSet(
          "TOY_VARIANTS",
          new LweDimension(16),
          new GlweDimension(1),
          new PolynomialSize(256),
          new Decomposition(8, 2),
          new Decomposition(4, 3),
          1e-5,
          1e-9);

  /**
   * A variant directory and its PBS formula in (n, d).
   *
   * <p>Both share the seed's linear part 6·d·n (bias requant 3d·n + q/k/v requant 3d·n; 384n at d
   * 64). GK: n²·d square lookups + n² exp lookups + 2·n²·d for S·V. Power-Softmax: 2·n²·d for Q·Kᵀ
   * + n² for x^p + n for the row reciprocal + 2·n² for x^p·(1/Σ) + n² attention requant + 2·n²·d
   * for A·V.
   */
  record Variant(
      String dir,
      String seed,
      int n,
      int dModel,
      int d,
      LongBinaryOperator pbs,
      long maskedPerPair,
      boolean maskedProduct) {
    /**
     * The bootstraps the default compile does not run for the n(n−1)/2 causally masked scores
     * (DeadElements): their score lookups and whatever fed only them ({@code maskedPerPair} each).
     */
    long masked() {
      return (long) n * (n - 1) / 2 * maskedPerPair;
    }

    @Override
    public String toString() {
      return dir;
    }
  }

  static Stream<Variant> variants() {
    return Stream.of(
        new Variant(
            "gk-attention-tiny",
            "gpt2-head-tiny",
            3,
            16,
            4,
            (n, d) -> 6 * d * n + d * n * n + n * n + 2 * d * n * n,
            4 + 1, // d distance squares, the exp
            false),
        new Variant(
            "power-softmax-tiny",
            "gpt2-head-tiny",
            3,
            16,
            4,
            (n, d) -> 6 * d * n + 2 * d * n * n + n * n + n + 2 * n * n + n * n + 2 * d * n * n,
            2 * 4 + 1, // Q·Kᵀ's 2d quarter squares, x^p
            true),
        // The seed's softmax with changes (a)+(b)+(c): 2·n·d norm squares + n²·d distance squares
        // replace Q·Kᵀ's 2·n²·d; one exp lookup per score, no max chain. Only written at full size:
        // at the tiny size whole rows of exp round to 0 without the max subtraction.
        new Variant(
            "seed-lean",
            "gpt2-head",
            6,
            768,
            64,
            (n, d) ->
                6 * d * n + 2 * d * n + d * n * n + n * n + n + 2 * n * n + n * n + 2 * d * n * n,
            64 + 1, // d distance squares, the exp
            false));
  }

  static List<List<Tensor>> samples(NpyArray.Ints all, int n, int dModel) {
    int[] s = all.shape();
    int size = all.size() / s[0];
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < s[0]; i++) {
      long[] x = Arrays.copyOfRange(all.data(), i * size, (i + 1) * size);
      out.add(List.of(new Tensor.Ints(new int[] {1, n, dModel}, x)));
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("variants")
  void compilesToTheFormulaAndAgreesWithNumpyAndTheSimulator(Variant v) throws Exception {
    Path dir = Path.of(v.dir());
    Program p = new LangFrontend().compileFile(dir.resolve("model.fhe"));
    List<List<Tensor>> inputset =
        samples(
            (NpyArray.Ints) Npz.read(Path.of(v.seed(), "inputset.npz")).get("q_x"),
            v.n(),
            v.dModel());
    // The formula is the seed-style lowering; the default compile also composes the bias
    // requantization into the q/k/v lookups, which saves exactly 3·n·d of them, and does not
    // bootstrap what only the masked scores read.
    CompiledCircuit seedStyle = Fhec.compile(p, CompileOptions.seedCompatible(), inputset, TOY);
    assertEquals(v.pbs().applyAsLong(v.n(), v.d()), seedStyle.pbsCount(), seedStyle.bitWidthLine());
    CompiledCircuit cc = Fhec.compile(p, CompileOptions.defaults(), inputset, TOY);
    assertEquals(
        v.pbs().applyAsLong(v.n(), v.d()) - 3L * v.n() * v.d() - v.masked(),
        cc.pbsCount(),
        cc.bitWidthLine());
    // Shared squares (--products shared): each product's lookups per Products.lookups, the rest
    // unchanged, and the output bit for bit the same (checked below).
    CompiledCircuit shared =
        Fhec.compile(
            p,
            CompileOptions.defaults().withProducts(CompileOptions.Products.SHARED),
            inputset,
            TOY);
    // A masked Q·Kᵀ product saved 2d quarter squares per masked pair; shared squares save d.
    long expectedShared =
        cc.pbsCount() + (v.maskedProduct() ? (long) v.n() * (v.n() - 1) / 2 * v.d() : 0);
    for (int id : Products.of(cc.program())) {
      expectedShared +=
          Products.lookups(cc.program(), id, Products.Kind.SHARED)
              - Products.lookups(cc.program(), id, Products.Kind.QUARTER);
    }
    assertEquals(expectedShared, shared.pbsCount(), v + " with shared squares");
    var vectors = Npz.read(dir.resolve("vectors.npz"));
    List<List<Tensor>> tests = samples((NpyArray.Ints) vectors.get("q_x"), v.n(), v.dModel());
    NpyArray.Ints y = (NpyArray.Ints) vectors.get("y_int");
    int per = y.size() / tests.size();
    assertTrue(tests.size() >= 4);
    boolean nonZero = false;
    for (int i = 0; i < tests.size(); i++) {
      long[] expected = Arrays.copyOfRange(y.data(), i * per, (i + 1) * per);
      Tensor.Ints ref = (Tensor.Ints) ReferenceEvaluator.evaluate(p, tests.get(i)).get(0);
      assertArrayEquals(expected, ref.data(), v + " vector " + i + ": reference vs numpy");
      long[] sim =
          ClearSimulator.run(
                  cc.circuit(),
                  List.of(((Tensor.Ints) tests.get(i).get(0)).data()),
                  ClearSimulator.Options.exact())
              .outputs()
              .get(0);
      assertArrayEquals(ref.data(), sim, v + " vector " + i + ": simulator vs reference");
      long[] simShared =
          ClearSimulator.run(
                  shared.circuit(),
                  List.of(((Tensor.Ints) tests.get(i).get(0)).data()),
                  ClearSimulator.Options.exact())
              .outputs()
              .get(0);
      assertArrayEquals(ref.data(), simShared, v + " vector " + i + ": shared squares");
      nonZero |= Arrays.stream(expected).anyMatch(x -> x != 0);
    }
    assertTrue(nonZero, v + ": all-zero outputs would make the comparison vacuous");
    System.out.println(
        v + ": " + cc.bitWidthLine() + "; PBS " + cc.pbsCount() + ", shared " + shared.pbsCount());
  }
}
