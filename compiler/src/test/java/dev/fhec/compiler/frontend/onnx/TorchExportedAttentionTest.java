package dev.fhec.compiler.frontend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The same MiniLM layer-0 self-attention exported by torch.onnx.export (samples/tools/
 * export_onnx_torch.py, torch 2.5.1) instead of built node by node: its float import matches
 * onnxruntime, and it compiles to the same bootstrap count as the hand-built graph of
 * samples/minilm-attention-onnx — the statistics do not depend on the exporter.
 */
class TorchExportedAttentionTest {
  private static final Path TORCH = Path.of("../samples/minilm-attention-torch");
  private static final Path HAND = Path.of("../samples/minilm-attention-onnx");

  @Test
  void floatImportMatchesOnnxruntime() throws Exception {
    OnnxFrontend.FloatModel m = OnnxFrontend.importFloat(TORCH.resolve("model.onnx"));
    Map<String, NpyArray> ref = Npz.read(TORCH.resolve("reference.npz"));
    double[] x = ((NpyArray.Floats) ref.get("x")).data();
    double[] y = ((NpyArray.Floats) ref.get("y")).data();
    int samples = ref.get("x").shape()[0];
    int in = x.length / samples;
    int out = y.length / samples;
    for (int s = 0; s < samples; s++) {
      Tensor t =
          new Tensor.Floats(new int[] {1, 6, 384}, Arrays.copyOfRange(x, s * in, (s + 1) * in));
      Tensor got = ReferenceEvaluator.evaluate(m.program(), List.of(t)).get(0);
      assertEquals(out, got.size());
      for (int i = 0; i < out; i++) {
        // onnxruntime computes in float32, the evaluator in float64
        assertEquals(y[s * out + i], got.asDouble(i), 2e-5, "sample " + s + " element " + i);
      }
    }
  }

  @Test
  @Tag("slow")
  void compilesToTheSameBootstrapCountAsTheHandBuiltGraph() throws Exception {
    CompileOptions options = CompileOptions.defaults().withRoundTo(6);
    Bundle torch =
        BundleCompiler.compile(
            TORCH.resolve("model.onnx"),
            Optional.of(TORCH.resolve("inputset.npz")),
            OptionalInt.of(6),
            options);
    Bundle hand =
        BundleCompiler.compile(
            HAND.resolve("model.onnx"),
            Optional.of(HAND.resolve("inputset.npz")),
            OptionalInt.of(6),
            options);
    assertEquals(hand.circuit().pbsCount(), torch.circuit().pbsCount());
    assertEquals(hand.report().maxBitWidth(), torch.report().maxBitWidth());
  }
}
