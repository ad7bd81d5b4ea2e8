package dev.fhec.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tiny head written in the language goes through the whole compiler (passes, lowering,
 * parameter optimizer). model.json traces the seed, which quantizes the scores and evaluates exp
 * twice (once per later use); model.fhe computes each once, so it needs exactly 2·n² fewer lookups
 * than the graph with the seed's op sequence.
 */
class Gpt2HeadLangCompileTest {
  private static final Path DIR = Path.of("gpt2-head-tiny");
  private static final int N_SEQ = 3;

  @Test
  void compilesEndToEndWithTwoNSquaredFewerLookupsThanTheSeedGraph() throws Exception {
    Program lang = new LangFrontend().compileFile(DIR.resolve("model.fhe"));
    Program json = JsonGraphFrontend.load(DIR.resolve("model.json"));
    NpyArray.Ints qx = (NpyArray.Ints) Npz.read(DIR.resolve("inputset.npz")).get("q_x");
    int samples = qx.shape()[0];
    int size = qx.size() / samples;
    List<List<Tensor>> inputset = new ArrayList<>();
    for (int s = 0; s < samples; s++) {
      long[] x = Arrays.copyOfRange(qx.data(), s * size, (s + 1) * size);
      inputset.add(List.of(new Tensor.Ints(new int[] {1, N_SEQ, 16}, x)));
    }
    // Seed-compatible lowering: the graph spells score-quantize and exp twice, the program once.
    CompiledCircuit fromLang = Fhec.compile(lang, CompileOptions.seedCompatible(), inputset);
    CompiledCircuit fromJson = Fhec.compile(json, CompileOptions.seedCompatible(), inputset);
    assertEquals(
        fromJson.pbsCount() - 2L * N_SEQ * N_SEQ,
        fromLang.pbsCount(),
        "PBS: graph " + fromJson.pbsCount() + ", language " + fromLang.pbsCount());
    // With the lookup optimizations (the default) both forms converge: CSE removes the duplicates
    // and composition removes the bias requantization (3·n·d lookups, d = 4 here).
    // Quarter-square products, so that only those two optimizations differ from the seed mode.
    CompileOptions quarter =
        CompileOptions.defaults().withProducts(CompileOptions.Products.QUARTER);
    long optimizedLang = Fhec.compile(lang, quarter, inputset).pbsCount();
    long optimizedJson = Fhec.compile(json, quarter, inputset).pbsCount();
    assertEquals(optimizedJson, optimizedLang);
    // And the n(n−1)/2 causally masked scores: neither their Q·Kᵀ products (2·4 quarter squares)
    // nor their score lookup are bootstrapped (DeadElements).
    long masked = (long) N_SEQ * (N_SEQ - 1) / 2 * (2 * 4 + 1);
    assertEquals(fromLang.pbsCount() - 3L * N_SEQ * 4 - masked, optimizedLang);
    System.out.println(
        fromLang.bitWidthLine()
            + "; PBS "
            + fromLang.pbsCount()
            + " vs graph "
            + fromJson.pbsCount());
  }
}
