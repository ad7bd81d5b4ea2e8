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
import org.junit.jupiter.api.Test;

/**
 * samples/gpt2-head/model.fhe, the seed attention head written in the language: it compiles to the
 * expected interface, and the reference evaluation of the traced IR reproduces the numpy quantized
 * reference ({@code vectors.npz:y_int}, computed by samples/tools/make_head.py) bit for bit, as
 * does the independently written JSON graph of the same head.
 */
class Gpt2HeadLangTest {
  private static final Path DIR = Path.of("gpt2-head");

  @Test
  void compilesToTheHeadsInterface() throws Exception {
    Program p = new LangFrontend().compileFile(DIR.resolve("model.fhe"));
    assertEquals("head", p.name());
    assertEquals(1, p.inputs().size());
    assertArrayEquals(new int[] {1, 6, 768}, p.inputs().get(0).type().shape());
    assertTrue(p.inputs().get(0).type().encrypted());
    assertEquals(1, p.outputs().size());
    assertArrayEquals(new int[] {1, 1, 6, 64}, p.type(p.outputs().get(0)).shape());
    // Three matmuls (projection, Q·Kᵀ, A·V) and the relu chain of 5 maxima over 6 keys.
    assertEquals(3, count(p, n -> n.op() instanceof Op.MatMul));
    assertEquals(
        5, count(p, n -> n.op() instanceof Op.Binary b && b.kind() == Op.BinaryKind.MAXIMUM));
    for (Node n : p.nodes()) {
      assertTrue(
          n.location() instanceof Location.Source s && s.file().endsWith("model.fhe"), n::toString);
    }
  }

  @Test
  void referenceEvaluationMatchesTheNumpyQuantizedHeadBitForBit() throws Exception {
    Program lang = new LangFrontend().compileFile(DIR.resolve("model.fhe"));
    Program json = JsonGraphFrontend.load(DIR.resolve("model.json"));
    Map<String, NpyArray> vectors = Npz.read(DIR.resolve("vectors.npz"));
    NpyArray.Ints qx = (NpyArray.Ints) vectors.get("q_x");
    NpyArray.Ints y = (NpyArray.Ints) vectors.get("y_int");
    int samples = qx.shape()[0];
    assertTrue(samples >= 1);
    int inSize = qx.size() / samples;
    int outSize = y.size() / samples;
    for (int s = 0; s < samples; s++) {
      long[] in = Arrays.copyOfRange(qx.data(), s * inSize, (s + 1) * inSize);
      Tensor input = new Tensor.Ints(new int[] {1, 6, 768}, in);
      long[] expected = Arrays.copyOfRange(y.data(), s * outSize, (s + 1) * outSize);
      Tensor.Ints got = (Tensor.Ints) ReferenceEvaluator.evaluate(lang, List.of(input)).get(0);
      Tensor.Ints fromJson = (Tensor.Ints) ReferenceEvaluator.evaluate(json, List.of(input)).get(0);
      assertArrayEquals(expected, got.data(), "sample " + s + " (language) vs numpy y_int");
      assertArrayEquals(expected, fromJson.data(), "sample " + s + " (JSON graph) vs numpy y_int");
    }
  }

  private static long count(Program p, java.util.function.Predicate<Node> what) {
    return p.nodes().stream().filter(what).count();
  }
}
