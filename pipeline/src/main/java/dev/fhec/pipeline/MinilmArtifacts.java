package dev.fhec.pipeline;

import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code samples/tools/export_minilm_pipeline.py} writes: the three float graphs around layer
 * 0 head 0, the sentences' token ids (truncated to {@code nSeq}, no padding), head 0's float
 * calibration inputs and the numpy float model's embeddings of the evaluation sentences.
 */
public record MinilmArtifacts(
    Path dir, int nSeq, long[][] evalIds, long[][] calibIds, float[][] referenceEmbeddings) {

  /** Where the export script writes by default, relative to the repository root. */
  public static final Path DEFAULT_DIR = Path.of("samples", "minilm-model", ".gen");

  /** The command that regenerates the artifacts. */
  public static final String REGENERATE =
      "samples/tools/setup.sh && samples/tools/.venv/bin/python"
          + " samples/tools/export_minilm_pipeline.py";

  public Path preOnnx() {
    return dir.resolve("pre.onnx");
  }

  public Path head0Onnx() {
    return dir.resolve("head0.onnx");
  }

  public Path postOnnx() {
    return dir.resolve("post.onnx");
  }

  /** Head 0's float calibration inputs x, (samples, 1, nSeq, 384). */
  public Path head0Inputset() {
    return dir.resolve("head0_inputset.npz");
  }

  /** Whether {@code dir} holds a complete export. */
  public static boolean present(Path dir) {
    for (String f :
        new String[] {
          "pre.onnx",
          "head0.onnx",
          "post.onnx",
          "tokens.npz",
          "head0_inputset.npz",
          "reference.npz",
          "layer0_qkv.npz"
        }) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        return false;
      }
    }
    return true;
  }

  /** Reads the token ids and reference embeddings of {@code dir}. */
  public static MinilmArtifacts load(Path dir) throws IOException {
    if (!present(dir)) {
      throw new IOException(
          "no MiniLM pipeline export in " + dir + "; regenerate it with: " + REGENERATE);
    }
    Map<String, NpyArray> tokens = Npz.read(dir.resolve("tokens.npz"));
    long[][] eval = rows((NpyArray.Ints) tokens.get("eval_ids"));
    long[][] calib = rows((NpyArray.Ints) tokens.get("calib_ids"));
    NpyArray.Floats ref = (NpyArray.Floats) Npz.read(dir.resolve("reference.npz")).get("embedding");
    int dim = ref.shape()[1];
    float[][] emb = new float[ref.shape()[0]][dim];
    double[] refData = ref.data(); // data() copies: read it once
    for (int s = 0; s < emb.length; s++) {
      for (int i = 0; i < dim; i++) {
        emb[s][i] = (float) refData[s * dim + i];
      }
    }
    return new MinilmArtifacts(dir, eval[0].length, eval, calib, emb);
  }

  private static long[][] rows(NpyArray.Ints a) {
    int n = a.shape()[0];
    int m = a.shape()[1];
    long[][] out = new long[n][];
    long[] data = a.data();
    for (int i = 0; i < n; i++) {
      out[i] = java.util.Arrays.copyOfRange(data, i * m, (i + 1) * m);
    }
    return out;
  }
}
