package dev.fhec.pipeline;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.quant.QuantizationOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The table of samples/README.md "MiniLM with an encrypted head": per n_bits, head 0 compiled with
 * optimized 128-bit parameters and simulated inside the float model, on every evaluation sentence.
 * Soak tier (minutes of compilation); writes {@code target/model-table.md}. Properties: {@code
 * fhec.pipeline.bits} (default 2,3,4,5,6,7,8), {@code fhec.pipeline.perChannel} (default
 * false,true), {@code fhec.pipeline.sentences} (default all).
 */
@Tag("soak")
class ModelTableReport {
  @Test
  void table() throws Exception {
    MinilmArtifacts a = Artifacts.require();
    List<Integer> bits = ints(System.getProperty("fhec.pipeline.bits", "2,3,4,5,6,7,8"));
    String[] perChannel = System.getProperty("fhec.pipeline.perChannel", "false,true").split(",");
    int sentences = Integer.getInteger("fhec.pipeline.sentences", a.evalIds().length);
    StringBuilder md = new StringBuilder();
    try (FloatParts parts = new FloatParts(a)) {
      ModelSweep sweep = new ModelSweep(a, parts, sentences);
      md.append(
          String.format(
              Locale.ROOT,
              "N = %d tokens, %d sentences; float split pipeline (ONNX Runtime) vs numpy model:"
                  + " min cosine %.8f%n%n",
              a.nSeq(),
              sweep.sentences(),
              sweep.minCosineToNumpy()));
      md.append(ModelSweep.Row.header()).append('\n');
      List<String> timing = new ArrayList<>();
      for (String pc : perChannel) {
        for (int b : bits) {
          QuantizationOptions q =
              QuantizationOptions.ofBits(b).withPerChannelWeights(pc.equals("true"));
          ModelSweep.Row row =
              sweep.measure(
                  q, CompileOptions.defaults(), Optional.empty(), java.util.OptionalDouble.empty());
          md.append(row.markdown()).append('\n');
          System.out.println(row.markdown());
          timing.add(
              String.format(
                  Locale.ROOT,
                  "n_bits %d per-channel %s: compiled in %.1f s",
                  b,
                  pc,
                  row.compileSeconds()));
        }
      }
      md.append('\n');
      timing.forEach(t -> md.append("- ").append(t).append('\n'));
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "model-table.md"), md);
    System.out.println(md);
  }

  private static List<Integer> ints(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
  }
}
