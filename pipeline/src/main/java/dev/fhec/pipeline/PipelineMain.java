package dev.fhec.pipeline;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.quant.QuantizationOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Command line of the MiniLM client pipeline:
 *
 * <pre>
 * table     [--dir D] [--bits 2,3,..] [--per-channel false,true] [--clip none,99.9]
 *           [--weight-bits W] [--per-node true] [--plan P] [--sentences K] [--out F]
 * encrypted [--dir D] [--bits 4 | --plan P] [--from 0] [--sentences 3]
 *           [--allow-approximate false] [--out F]
 * search    --min-cosine C [--dir D] [--bits 4] [--node-clip 100] [--compile K] [--sentences K]
 *           [--out F]
 * ablate    [--dir D] [--sentences K] [--out F]
 * block     --plan P [--dir D] [--heads 12] [--sentences K] [--out F]
 * inspect   --plan P | --bits B [--dir D] [--out F]
 * </pre>
 *
 * <p>{@code inspect} prints the compiler's report of one head: PBS and complexity, the optimizer's
 * account, bootstraps per partition and per node with their table precision.
 *
 * <p>{@code block} compiles layer 0's whole attention (all heads, per-node plan P) as one circuit
 * and measures the model with it simulated (heads 1..11 then come from the circuit too).
 *
 * <p>{@code table} compiles head 0 per setting (the compiler's quantizer; {@code --per-node true}:
 * {@link PerNodeHead} with every group at n_bits; {@code --plan "x4 w6 qk4 v5 s4 e4 acc6 sacc6"}:
 * that per-node plan; several separated by ';') and measures the model with the simulated circuit;
 * {@code encrypted} runs head 0 encrypted inside the model (decrypted must equal simulated, so it
 * compiles with exact rounding and refuses a plan that rounds approximately). Both append markdown
 * to {@code --out} as rows complete. {@code search} runs {@link PlanSearch} at {@code --bits} input
 * bits on the <em>calibration</em> sentences, prints the descent (the trade-off curve: plan,
 * calibration head cosine, estimated cost), compiles the last {@code --compile} plans of it
 * (default 3) and the other plans one step below the step before the last that meet C, ranks them
 * by compiled complexity (the cheapest is chosen) and measures them on the evaluation sentences.
 * User mistakes exit 1 with a hint.
 */
public final class PipelineMain {
  private PipelineMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0
        || !(args[0].equals("table")
            || args[0].equals("encrypted")
            || args[0].equals("search")
            || args[0].equals("ablate")
            || args[0].equals("block")
            || args[0].equals("inspect"))) {
      usage("expected a command: table, encrypted, search, ablate, block or inspect");
    }
    Path dir = MinilmArtifacts.DEFAULT_DIR;
    String bits = args[0].equals("encrypted") ? "4" : "2,3,4,5,6,7,8";
    String perChannel = "false";
    String clip = "none";
    int weightBits = 0;
    String perNode = "false";
    String plan = null;
    int compileLast = 3;
    int heads = 12;
    int from = 0;
    boolean allowApproximate = false;
    double nodeClip = 100;
    double minCosine = Double.NaN;
    int sentences = args[0].equals("encrypted") ? 3 : Integer.MAX_VALUE;
    Path out = Path.of("pipeline-" + args[0] + ".md");
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        usage("option " + args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--dir" -> dir = Path.of(v);
        case "--bits" -> bits = v;
        case "--per-channel" -> perChannel = v;
        case "--clip" -> clip = v;
        case "--weight-bits" -> weightBits = Integer.parseInt(v);
        case "--min-cosine" -> minCosine = Double.parseDouble(v);
        case "--per-node" -> perNode = v;
        case "--plan" -> plan = v;
        case "--compile" -> compileLast = Integer.parseInt(v);
        case "--heads" -> heads = Integer.parseInt(v);
        case "--sentences" -> sentences = Integer.parseInt(v);
        case "--from" -> from = Integer.parseInt(v);
        case "--node-clip" -> nodeClip = Double.parseDouble(v);
        case "--allow-approximate" -> allowApproximate = Boolean.parseBoolean(v);
        case "--out" -> out = Path.of(v);
        default -> usage("unknown option " + args[i]);
      }
    }
    if (!MinilmArtifacts.present(dir)) {
      System.err.println(
          "error: no MiniLM pipeline export in " + dir + "\nhint: " + MinilmArtifacts.REGENERATE);
      System.exit(1);
    }
    MinilmArtifacts a = MinilmArtifacts.load(dir);
    List<Integer> bitList = Arrays.stream(bits.split(",")).map(Integer::parseInt).toList();
    List<HeadPlan> plans = new ArrayList<>();
    if (plan != null) {
      try {
        for (String p : plan.split(";")) {
          plans.add(HeadPlan.parse(p));
        }
      } catch (IllegalArgumentException e) {
        usage(e.getMessage());
      }
    }
    Optional<HeadPlan> headPlan = plans.stream().findFirst();
    if (args[0].equals("ablate")) {
      try (FloatParts parts = new FloatParts(a)) {
        double[] r = new ModelSweep(a, parts, sentences).ablated();
        emit(
            out,
            String.format(
                Locale.ROOT,
                "head 0 removed (output 0): embedding cosine mean %.6f, min %.6f, Spearman %.4f,"
                    + " top-1 %.1f%%%n",
                r[0],
                r[1],
                r[2],
                100 * r[3]));
      }
    } else if (args[0].equals("search")) {
      if (!(minCosine > 0 && minCosine <= 1)) {
        usage("search needs --min-cosine C with 0 < C <= 1");
      }
      search(a, bitList.get(0), nodeClip, minCosine, compileLast, sentences, out);
    } else if (args[0].equals("inspect")) {
      inspect(a, bitList.get(0), headPlan, out);
    } else if (args[0].equals("block")) {
      if (headPlan.isEmpty()) {
        usage("block needs --plan P");
      }
      block(a, headPlan.get(), heads, sentences, out);
    } else if (args[0].equals("table")) {
      if (headPlan.isPresent() || perNode.equals("true")) {
        perNodeTable(
            a,
            plans.isEmpty() ? bitList.stream().map(HeadPlan::uniform).toList() : plans,
            sentences,
            out);
      } else {
        table(a, bitList, perChannel.split(","), clip.split(","), weightBits, sentences, out);
      }
    } else {
      encrypted(a, bitList.get(0), headPlan, from, sentences, allowApproximate, out);
    }
  }

  private static void usage(String why) {
    System.err.println(
        "error: "
            + why
            + "\nhint: table [--dir D] [--bits 2,..,8] [--per-channel false,true] [--clip none,99.9]"
            + " [--weight-bits W] [--per-node true] [--plan P] [--sentences K] [--out F]"
            + " | search --min-cosine C [--bits 4] [--node-clip 99] [--compile K] | ablate"
            + " | encrypted [--dir D] [--bits 4 | --plan \"x4 w6 qk4 v5 s4 e4 acc6 sacc6 exact\"]"
            + " [--from S] [--sentences 3] [--allow-approximate false] [--out F]");
    System.exit(1);
  }

  static void table(
      MinilmArtifacts a,
      List<Integer> bits,
      String[] perChannel,
      String[] clips,
      int weightBits,
      int sentences,
      Path out)
      throws Exception {
    try (FloatParts parts = new FloatParts(a)) {
      ModelSweep sweep = new ModelSweep(a, parts, sentences);
      emit(
          out,
          String.format(
              Locale.ROOT,
              "N = %d tokens, %d sentences; float split pipeline (ONNX Runtime) vs numpy model:"
                  + " min cosine %.8f%n%n%s%n",
              a.nSeq(),
              sweep.sentences(),
              sweep.minCosineToNumpy(),
              ModelSweep.Row.header()));
      List<String> timing = new ArrayList<>();
      for (String pc : perChannel) {
        for (String clip : clips) {
          OptionalDouble c =
              clip.equals("none")
                  ? OptionalDouble.empty()
                  : OptionalDouble.of(Double.parseDouble(clip));
          for (int b : bits) {
            QuantizationOptions q =
                new QuantizationOptions(
                    b, weightBits > 0 ? weightBits : b, Boolean.parseBoolean(pc));
            ModelSweep.Row row = sweep.measure(q, CompileOptions.defaults(), Optional.empty(), c);
            emit(out, row.markdown() + "\n");
            timing.add(
                String.format(
                    Locale.ROOT,
                    "- n_bits %d, per-channel %s, clip %s: compiled in %.1f s; %d sentences through"
                        + " the model in %.1f s%n",
                    b,
                    pc,
                    clip,
                    row.compileSeconds(),
                    row.sentences(),
                    row.simulateSeconds()));
          }
        }
      }
      emit(out, "\n" + String.join("", timing));
    }
  }

  static void perNodeTable(MinilmArtifacts a, List<HeadPlan> plans, int sentences, Path out)
      throws Exception {
    PerNodeHead.Weights w = PerNodeHead.Weights.of(a);
    List<float[]> calibration = PerNodeHead.calibration(a);
    List<HeadCircuit> heads = new ArrayList<>();
    for (HeadPlan p : plans) {
      heads.add(
          HeadCircuit.compile(
              new PerNodeHead(p, w, calibration, a.nSeq()),
              calibration,
              CompileOptions.defaults(),
              Optional.empty()));
    }
    measure(a, heads, sentences, out);
  }

  /** The model with each compiled head simulated: one table row per head. */
  static void measure(MinilmArtifacts a, List<HeadCircuit> heads, int sentences, Path out)
      throws Exception {
    try (FloatParts parts = new FloatParts(a)) {
      ModelSweep sweep = new ModelSweep(a, parts, sentences);
      emit(out, ModelSweep.Row.header() + "\n");
      for (HeadCircuit head : heads) {
        ModelSweep.Row row = sweep.measure(head);
        emit(
            out,
            row.markdown()
                + String.format(
                    Locale.ROOT,
                    " <!-- compiled in %.1f s, %d sentences in %.1f s -->%n",
                    row.compileSeconds(),
                    row.sentences(),
                    row.simulateSeconds()));
      }
    }
  }

  static void inspect(MinilmArtifacts a, int bits, Optional<HeadPlan> plan, Path out)
      throws Exception {
    List<float[]> calibration = PerNodeHead.calibration(a);
    HeadCircuit head =
        plan.isPresent()
            ? HeadCircuit.compile(
                new PerNodeHead(plan.get(), PerNodeHead.Weights.of(a), calibration, a.nSeq()),
                calibration,
                CompileOptions.defaults(),
                Optional.empty())
            : HeadCircuit.compile(a, QuantizationOptions.ofBits(bits), CompileOptions.defaults());
    var r = head.compiled().report();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%s: %,d PBS, complexity %.4g, round-to %s%n%s%nbootstraps per partition: %s%n%n"
                + "| node | op | shape | table precision | PBS |%n|---|---|---|---|---|%n",
            head.setting(),
            head.compiled().pbsCount(),
            r.complexity(),
            head.roundTo().isPresent() ? head.roundTo().getAsInt() : "-",
            r.parameterChoice(),
            r.bootstrapsPerPartition()));
    for (var row : r.nodes()) {
      if (row.bootstraps() > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %%%d | %s | %s | %d | %,d |%n",
                row.id(),
                row.op(),
                Arrays.toString(row.shape()),
                row.tablePrecision(),
                row.bootstraps()));
      }
    }
    emit(out, sb.toString());
  }

  static void block(MinilmArtifacts a, HeadPlan plan, int heads, int sentences, Path out)
      throws Exception {
    List<float[]> calibration = PerNodeHead.calibration(a);
    HeadCircuit block =
        HeadCircuit.compile(
            new LayerZeroBlock(plan, a, calibration, heads),
            calibration,
            CompileOptions.defaults(),
            Optional.empty());
    var report = block.compiled().report();
    emit(
        out,
        String.format(
            Locale.ROOT,
            "layer 0 attention, %s: %,d PBS, complexity %.3g, compiled in %.1f s%n%s%n%n",
            block.setting(),
            block.compiled().pbsCount(),
            report.complexity(),
            block.compileSeconds(),
            report.parameterChoice()));
    try (FloatParts parts = new FloatParts(a)) {
      ModelSweep sweep = new ModelSweep(a, parts, sentences);
      ModelSweep.Row row = sweep.measure(block);
      emit(out, ModelSweep.Row.header() + "\n" + row.markdown() + "\n");
    }
  }

  static void search(
      MinilmArtifacts a,
      int bits,
      double nodeClip,
      double minCosine,
      int compileLast,
      int sentences,
      Path out)
      throws Exception {
    PerNodeHead.Weights w = PerNodeHead.Weights.of(a);
    List<float[]> calibration = PerNodeHead.calibration(a);
    PlanSearch search = new PlanSearch(w, calibration, a.nSeq());
    long start = System.nanoTime();
    List<PlanSearch.Step> steps =
        search.descend(PlanSearch.start(bits).withNodeClip(nodeClip), minCosine);
    emit(
        out,
        String.format(
            Locale.ROOT,
            "search: cheapest per-node head 0 at %d-bit inputs with mean head cosine >= %s on the %d"
                + " calibration sentences (%.1f s, no compilation)%n%n| step | plan | head cosine"
                + " (calibration) | estimated cost |%n|---|---|---|---|%n",
            bits,
            minCosine,
            calibration.size(),
            (System.nanoTime() - start) / 1e9));
    for (int i = 0; i < steps.size(); i++) {
      PlanSearch.Step st = steps.get(i);
      emit(
          out,
          String.format(
              Locale.ROOT,
              "| %d | %s | %.4f | %.3g |%n",
              i,
              st.plan().label(),
              st.cosine(),
              st.estimatedCost()));
    }
    if (steps.isEmpty()) {
      emit(out, "\nno plan at " + bits + "-bit inputs reaches " + minCosine + "\n");
      return;
    }
    emit(out, "\nlast step of the descent: " + steps.get(steps.size() - 1).plan().label() + "\n\n");
    // The estimate only orders the descent: the final candidates (its last steps, and the other
    // plans one step below the step before the last that also meet C) are ranked by the
    // compiler's optimized complexity.
    List<PlanSearch.Step> candidates = new ArrayList<>();
    for (int i = Math.max(0, steps.size() - compileLast); i < steps.size(); i++) {
      candidates.add(steps.get(i));
    }
    if (steps.size() >= 2) {
      for (PlanSearch.Step alt : search.lowered(steps.get(steps.size() - 2).plan(), minCosine)) {
        if (candidates.stream().noneMatch(c -> c.plan().equals(alt.plan()))) {
          candidates.add(alt);
        }
      }
    }
    List<HeadCircuit> circuits = new ArrayList<>();
    for (PlanSearch.Step c : candidates) {
      circuits.add(
          HeadCircuit.compile(
              new PerNodeHead(c.plan(), w, calibration, a.nSeq()),
              calibration,
              CompileOptions.defaults(),
              Optional.empty()));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      order.add(i);
    }
    order.sort(
        java.util.Comparator.comparingDouble(
            i -> circuits.get(i).compiled().report().complexity()));
    StringBuilder sb =
        new StringBuilder(
            "candidates by compiled complexity:\n\n| plan | head cosine (calibration) | estimated"
                + " cost | PBS | compiled complexity |\n|---|---|---|---|---|\n");
    for (int i : order) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %.3g | %,d | %.4g |%n",
              candidates.get(i).plan().label(),
              candidates.get(i).cosine(),
              candidates.get(i).estimatedCost(),
              circuits.get(i).compiled().pbsCount(),
              circuits.get(i).compiled().report().complexity()));
    }
    sb.append(
        "\nchosen (cheapest compiled): " + candidates.get(order.get(0)).plan().label() + "\n\n");
    emit(out, sb.toString());
    measure(a, order.stream().map(circuits::get).toList(), sentences, out);
  }

  /**
   * Head 0 encrypted inside the model for sentences {@code from} .. {@code from + sentences − 1}:
   * decrypted must equal simulated for every output. A circuit that rounds approximately cannot
   * promise that (a value within the noise of a rounding tie rounds either way), so it is refused
   * unless {@code allowApproximate}, which runs it to measure the differences; any difference is
   * reported per output and exits 2.
   */
  static void encrypted(
      MinilmArtifacts a,
      int bits,
      Optional<HeadPlan> plan,
      int from,
      int sentences,
      boolean allowApproximate,
      Path out)
      throws Exception {
    CompileOptions options = HeadCircuit.exact(CompileOptions.defaults());
    if (plan.isPresent() && plan.get().approximate() && !allowApproximate) {
      System.err.println(
          "error: plan '"
              + plan.get().label()
              + "' rounds approximately, so its decrypted outputs may differ from the simulated"
              + " ones\nhint: add 'exact' to the plan (--plan \""
              + plan.get().withExactRounding(true).label()
              + "\"), or --allow-approximate true to measure the differences (the run then"
              + " fails when there are any)");
      System.exit(1);
    }
    HeadCircuit head =
        plan.isPresent()
            ? HeadCircuit.compile(
                new PerNodeHead(
                    plan.get(), PerNodeHead.Weights.of(a), PerNodeHead.calibration(a), a.nSeq()),
                PerNodeHead.calibration(a),
                options,
                Optional.empty())
            : HeadCircuit.compile(a, QuantizationOptions.ofBits(bits), options);
    var report = head.compiled().report();
    emit(
        out,
        String.format(
            Locale.ROOT,
            "head 0, %s: %,d PBS, complexity %.4g, %s rounding, compiled in %.1f s%n%s%n",
            head.setting(),
            head.compiled().pbsCount(),
            report.complexity(),
            head.approximate() ? "APPROXIMATE" : "exact (or no)",
            head.compileSeconds(),
            report.parameterChoice()));
    if (head.approximate() && !allowApproximate) {
      System.err.println(
          "error: the compiled head rounds approximately (round-to "
              + head.roundTo()
              + ")\nhint: --allow-approximate true to run it anyway and measure the differences");
      System.exit(1);
    }
    EncryptedHead enc = new EncryptedHead(head);
    emit(
        out,
        String.format(
            Locale.ROOT,
            "keygen %.1f s, evaluation keys %.1f MB (seeded)%n%n| sentence | encrypt s | server s |"
                + " decrypt s | decrypted = simulated | embedding cosine vs float |%n"
                + "|---|---|---|---|---|---|%n",
            enc.keygenSeconds(),
            enc.evaluationKeyBytes() / 1e6));
    int mismatches = 0;
    try (FloatParts parts = new FloatParts(a)) {
      ModelSweep sweep = new ModelSweep(a, parts, from + sentences);
      for (int s = from; s < sweep.sentences(); s++) {
        long[] q = head.encode(sweep.layerZero(s).x());
        HeadCircuit.Simulated sim = head.simulate(q);
        EncryptedHead.Run run = enc.run(q);
        String diff = differences(sim.outputs(), run.outputs());
        mismatches += diff.isEmpty() ? 0 : 1;
        float[] emb = parts.post(sweep.layerZero(s), head.decode(run.outputs()));
        emit(
            out,
            String.format(
                Locale.ROOT,
                "| %d | %.2f | %.1f | %.2f | %s%s | %.6f |%n",
                s,
                run.encryptSeconds(),
                run.serverSeconds(),
                run.decryptSeconds(),
                diff.isEmpty() ? "yes" : "NO: " + diff,
                sim.overflowed() ? " (overflow in simulation)" : "",
                Metrics.cosine(emb, sweep.floatEmbeddings()[s])));
      }
    }
    if (mismatches > 0) {
      System.err.println("error: " + mismatches + " sentence(s) decrypted != simulated");
      System.exit(2);
    }
  }

  /**
   * Where decrypted {@code b} differs from simulated {@code a}: per output, how many elements and
   * the largest difference; empty when they are equal.
   */
  static String differences(List<long[]> a, List<long[]> b) {
    if (a.size() != b.size()) {
      return a.size() + " outputs simulated, " + b.size() + " decrypted";
    }
    List<String> parts = new ArrayList<>();
    for (int o = 0; o < a.size(); o++) {
      long[] x = a.get(o);
      long[] y = b.get(o);
      if (x.length != y.length) {
        parts.add("output " + o + ": " + x.length + " vs " + y.length + " elements");
        continue;
      }
      int count = 0;
      long max = 0;
      for (int i = 0; i < x.length; i++) {
        if (x[i] != y[i]) {
          count++;
          max = Math.max(max, Math.abs(y[i] - x[i]));
        }
      }
      if (count > 0) {
        parts.add(
            String.format(
                Locale.ROOT, "output %d: %d of %d differ, max |Δ| %d", o, count, x.length, max));
      }
    }
    return String.join("; ", parts);
  }

  private static void emit(Path out, String text) throws java.io.IOException {
    System.out.print(text);
    Files.writeString(
        out,
        text,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}
