package dev.fhec.compiler.lowering;

import static dev.fhec.compiler.lowering.DifferentialOracleTest.build;
import static dev.fhec.compiler.lowering.DifferentialOracleTest.check;
import static dev.fhec.compiler.lowering.DifferentialOracleTest.in;
import static dev.fhec.compiler.lowering.DifferentialOracleTest.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.UnaryFn;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The differential oracle on programs that {@code eliminate-common-subexpressions} and {@code
 * compose-table-lookups} rewrite: the reference evaluation of the source equals the simulated
 * optimized circuit on 200 random inputs, and the bootstrap counts are the per-construct ones.
 */
class LookupOptimizationOracleTest {

  /** rint(v · scale) as an integer: a requantization chain that fusing turns into one lookup. */
  private static int requant(ProgramBuilder b, int v, double scale) {
    int f = b.cast(v, new FloatType());
    int r = b.unary(UnaryFn.Simple.RINT, b.mul(f, b.constant(scale)));
    return b.cast(r, new IntType(true, 0));
  }

  private static long seedPbs(Program p) {
    return Fhec.compile(p, CompileOptions.seedCompatible(), List.of(), DifferentialOracleTest.TOY)
        .pbsCount();
  }

  @Test
  void duplicatedLookupsAreComputedOnce() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {2, 3}, true, 4);
              int e1 = b.unary(UnaryFn.Simple.RELU, requant(b, x, 0.6));
              int e2 = b.unary(UnaryFn.Simple.RELU, requant(b, x, 0.6));
              int other = requant(b, x, 0.4);
              b.output(b.add(b.add(e1, e2), other));
            });
    CompiledCircuit cc = check(p);
    // relu(requant(x)) is one lookup of 6 elements, spelled twice; requant 0.4 another 6.
    assertEquals(2 * 6 + 6, seedPbs(p));
    assertEquals(6 + 6, cc.pbsCount());
  }

  @Test
  void lookupsComposeThroughPerElementConstantsAndDataMovement() {
    Program p =
        build(
            b -> {
              int x = in(b, "acc", new int[] {1, 2, 6}, true, 5);
              int q = requant(b, x, 0.3); // f: 12 elements
              int bias = ints(b, new int[] {6}, 1, -2, 3, -1, 0, 2);
              int biased = b.add(q, bias);
              int m = b.reshape(biased, 2, 6);
              int t = b.transpose(m, 1, 0); // (6, 2)
              int s = b.slice(t, List.of(1, 0), List.of(5, 2), List.of(1, 1)); // (4, 2)
              int scaled = b.mul(s, ints(b, new int[] {4, 1}, 2, -1, 3, 1));
              int g1 = requant(b, b.sub(scaled, b.constant(1L)), 0.7); // 8 elements
              int gathered = b.gather(m, List.of(0, 0, 1), 0); // (3, 6)
              int g2 = b.unary(UnaryFn.Simple.RELU, b.neg(gathered)); // 18 elements
              int wide = b.broadcastTo(b.expandDims(q, 0), 2, 1, 2, 6);
              int g3 = b.unary(UnaryFn.Simple.ABS, wide); // 24 elements
              b.output(g1);
              b.output(g2);
              b.output(g3);
            });
    CompiledCircuit cc = check(p);
    assertEquals(12 + 8 + 18 + 24, seedPbs(p));
    assertEquals(8 + 18 + 24, cc.pbsCount());
  }

  @Test
  void aLookupWithAnotherUseStays() {
    Program p =
        build(
            b -> {
              int x = in(b, "x", new int[] {3}, true, 4);
              int q = requant(b, x, 0.5);
              int g = b.unary(UnaryFn.Simple.RELU, b.add(q, b.constant(2L)));
              b.output(g);
              b.output(b.add(q, q)); // leveled use of f's value: f must stay
            });
    CompiledCircuit cc = check(p);
    assertEquals(3 + 3, cc.pbsCount());
    assertEquals(seedPbs(p), cc.pbsCount());
  }

  /**
   * The tiny head (n = 3, d = 4): the seed's 288 = 6dn + (4d + 8)n², and 288 − 2n² − 3dn −
   * n(n−1)/2·(2d + 1) = 207 optimized, for the JSON and the language forms; vectors.npz's y_int bit
   * for bit in both modes.
   */
  @Test
  void tinyHeadConvergesAndMatchesNumpy() throws Exception {
    Path dir = Path.of("../samples/gpt2-head-tiny");
    Map<String, NpyArray> inputset = Npz.read(dir.resolve("inputset.npz"));
    List<List<Tensor>> calib = SampleHeadTest.samples((NpyArray.Ints) inputset.get("q_x"));
    Map<String, NpyArray> vectors = Npz.read(dir.resolve("vectors.npz"));
    List<List<Tensor>> tests = SampleHeadTest.samples((NpyArray.Ints) vectors.get("q_x"));
    NpyArray.Ints y = (NpyArray.Ints) vectors.get("y_int");
    int n = 3;
    int d = 4;
    Program json = JsonGraphFrontend.load(dir.resolve("model.json"));
    Program lang = new LangFrontend().compileFile(dir.resolve("model.fhe"));
    record Case(Program program, CompileOptions options, long pbs) {}
    // The n(n−1)/2 causally masked scores are constant: their Q·Kᵀ products (2 lookups × d) and
    // their score lookup are not bootstrapped (DeadElements).
    long optimized = 288 - 2L * n * n - 3L * d * n - (long) n * (n - 1) / 2 * (2L * d + 1);
    for (Case c :
        List.of(
            new Case(json, CompileOptions.seedCompatible(), 6L * d * n + (4L * d + 8) * n * n),
            new Case(json, CompileOptions.defaults(), optimized),
            new Case(lang, CompileOptions.defaults(), optimized))) {
      CompiledCircuit cc =
          Fhec.compile(c.program(), c.options(), calib, DifferentialOracleTest.TOY);
      assertEquals(c.pbs(), cc.pbsCount(), c.options().toString());
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
}
