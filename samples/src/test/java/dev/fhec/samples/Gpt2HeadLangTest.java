package dev.fhec.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * model.fhe of samples/gpt2-head (the seed attention head) and samples/gpt2-head-tiny (the same
 * computation at n_seq 3, d_model 16, d_head 4), written in the language: each compiles to the
 * expected interface, and the reference evaluation of the traced IR reproduces the numpy quantized
 * reference ({@code vectors.npz:y_int}, computed by samples/tools/make_head.py) bit for bit, as
 * does the independently written JSON graph of the same head.
 */
class Gpt2HeadLangTest {
  /** A sample directory and its sizes. */
  record Head(String dir, int nSeq, int dModel, int dHead) {
    Path path() {
      return Path.of(dir);
    }
  }

  static Stream<Head> heads() {
    return Stream.of(new Head("gpt2-head", 6, 768, 64), new Head("gpt2-head-tiny", 3, 16, 4));
  }

  @ParameterizedTest
  @MethodSource("heads")
  void compilesToTheHeadsInterface(Head h) throws Exception {
    Program p = new LangFrontend().compileFile(h.path().resolve("model.fhe"));
    assertEquals("head", p.name());
    assertEquals(1, p.inputs().size());
    assertArrayEquals(new int[] {1, h.nSeq(), h.dModel()}, p.inputs().get(0).type().shape());
    assertTrue(p.inputs().get(0).type().encrypted());
    assertEquals(1, p.outputs().size());
    assertArrayEquals(new int[] {1, 1, h.nSeq(), h.dHead()}, p.type(p.outputs().get(0)).shape());
    // Three matmuls (projection, Q·Kᵀ, A·V) and the relu chain of n-1 maxima over n keys.
    assertEquals(3, count(p, n -> n.op() instanceof Op.MatMul));
    assertEquals(
        h.nSeq() - 1,
        count(p, n -> n.op() instanceof Op.Binary b && b.kind() == Op.BinaryKind.MAXIMUM));
    for (Node n : p.nodes()) {
      assertTrue(
          n.location() instanceof Location.Source s && s.file().endsWith("model.fhe"), n::toString);
    }
  }

  @ParameterizedTest
  @MethodSource("heads")
  void referenceEvaluationMatchesTheNumpyQuantizedHeadBitForBit(Head h) throws Exception {
    Program lang = new LangFrontend().compileFile(h.path().resolve("model.fhe"));
    Program json = JsonGraphFrontend.load(h.path().resolve("model.json"));
    Map<String, NpyArray> vectors = Npz.read(h.path().resolve("vectors.npz"));
    NpyArray.Ints qx = (NpyArray.Ints) vectors.get("q_x");
    NpyArray.Ints y = (NpyArray.Ints) vectors.get("y_int");
    int samples = qx.shape()[0];
    assertTrue(samples >= 1);
    int inSize = qx.size() / samples;
    int outSize = y.size() / samples;
    for (int s = 0; s < samples; s++) {
      long[] in = Arrays.copyOfRange(qx.data(), s * inSize, (s + 1) * inSize);
      Tensor input = new Tensor.Ints(new int[] {1, h.nSeq(), h.dModel()}, in);
      long[] expected = Arrays.copyOfRange(y.data(), s * outSize, (s + 1) * outSize);
      Tensor.Ints got = (Tensor.Ints) ReferenceEvaluator.evaluate(lang, List.of(input)).get(0);
      Tensor.Ints fromJson = (Tensor.Ints) ReferenceEvaluator.evaluate(json, List.of(input)).get(0);
      assertArrayEquals(expected, got.data(), "sample " + s + " (language) vs numpy y_int");
      assertArrayEquals(expected, fromJson.data(), "sample " + s + " (JSON graph) vs numpy y_int");
    }
  }

  private static long count(Program p, Predicate<Node> what) {
    return p.nodes().stream().filter(what).count();
  }
}
