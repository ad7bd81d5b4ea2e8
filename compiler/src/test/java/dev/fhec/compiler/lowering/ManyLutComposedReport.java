package dev.fhec.compiler.lowering;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.ProductChoice;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.optimizer.ErrorTarget;
import dev.fhec.compiler.optimizer.MultiParameterOptimizer;
import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.optimizer.PartitionedParameters;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.params.ParameterSets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The figures of bench/RESULTS.md "#12 many-LUT and products": what a many-LUT of a lookup and a
 * lookup of its output (B(c·A(x)), e.g. q = requant(s) and q² = square(2q)) would cost on the
 * sample heads. B∘(c·)∘A is a second function of A's input x, so one bootstrap of x at w + 1 bits
 * could return both. The pairs have different output widths (q is 5-bit, q² 9-bit), which one
 * many_tlu value cannot hold, so this is a cost estimate, not a circuit to run: the estimate
 * circuit has the structure of the fused one (one 2-function bootstrap of x; A's and B's values its
 * two extractions) and the optimizer prices it as it would price the real thing (its cost and noise
 * do not depend on table entries or declared widths of leveled values). Soak tier (several
 * optimizer runs per head):
 *
 * <pre>
 * ./mvnw -B -q -pl compiler -am test -Psoak -Dtest=ManyLutComposedReport \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("soak")
class ManyLutComposedReport {

  /** A pair: lookup a (index), lookup b (index) reading a's output, optionally times a scalar. */
  record Pair(int a, int b, int scale) {}

  static List<Pair> pairs(Circuit c) {
    Map<Integer, Integer> lookupOf = new HashMap<>(); // value → index of the exact Tlu defining it
    Map<Integer, Integer> scaled = new HashMap<>(); // value → the value it scales by a scalar
    List<Pair> out = new ArrayList<>();
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < c.instructions().size(); i++) {
      Instruction ins = c.instructions().get(i);
      if (ins instanceof Instruction.MulEC m) {
        ClearTensor k = c.constants().get(m.constant());
        if (k.size() == 1) {
          scaled.put(m.out(), m.a());
        }
      }
      if (!(ins instanceof Instruction.Tlu t) || t.tables().length != 1) {
        continue;
      }
      int src = scaled.getOrDefault(t.a(), t.a());
      Integer a = lookupOf.get(src);
      if (a != null && !used.contains(a)) {
        out.add(new Pair(a, i, src == t.a() ? 1 : 0));
        used.add(a);
      }
      if (c.tables().get(t.tables()[0]).inputWidth() == c.value(t.a()).width()) {
        lookupOf.put(t.out(), i);
      }
    }
    return out;
  }

  /** The cost-equivalent of fusing every pair: one 2-function bootstrap of a's input. */
  static Circuit estimate(Circuit c, List<Pair> pairs) {
    Map<Integer, Pair> byA = new HashMap<>();
    Set<Integer> dropped = new HashSet<>();
    for (Pair p : pairs) {
      byA.put(p.a(), p);
      dropped.add(p.b());
    }
    List<ValueInfo> values = new ArrayList<>(c.values());
    List<Instruction> out = new ArrayList<>();
    for (int i = 0; i < c.instructions().size(); i++) {
      Instruction ins = c.instructions().get(i);
      if (dropped.contains(i)) {
        continue;
      }
      Pair p = byA.get(i);
      if (p == null) {
        out.add(ins);
        continue;
      }
      Instruction.Tlu a = (Instruction.Tlu) ins;
      Instruction.Tlu b = (Instruction.Tlu) c.instructions().get(p.b());
      ValueInfo in = c.value(a.a());
      int[] shape = new int[in.shape().length + 1];
      shape[0] = 2;
      System.arraycopy(in.shape(), 0, shape, 1, in.shape().length);
      int many = values.size();
      ValueInfo type = c.value(a.out());
      values.add(new ValueInfo(shape, type.width(), type.signed(), true, 0));
      out.add(new Instruction.ManyTlu(many, a.a(), new int[] {a.tables()[0], a.tables()[0]}, 0));
      int n = in.size();
      int[] first = new int[n];
      int[] second = new int[n];
      for (int e = 0; e < n; e++) {
        first[e] = e;
        second[e] = n + e;
      }
      out.add(new Instruction.Gather(a.out(), new int[] {many}, new int[0], first));
      out.add(new Instruction.Gather(b.out(), new int[] {many}, new int[0], second));
    }
    return new Circuit(
        c.formatVersion(),
        c.name(),
        c.plan(),
        values,
        c.constants(),
        c.tables(),
        out,
        c.inputs(),
        c.outputs());
  }

  private static String plan(Circuit c, PartitionedParameters pp) {
    if (pp == null) {
      return "no parameters";
    }
    StringBuilder sb = new StringBuilder();
    for (var part : pp.partitions()) {
      sb.append(
          String.format(
              Locale.ROOT,
              " %s:%d@N=%d",
              Arrays.toString(part.precisions()),
              part.lookupCount(),
              part.parameters().bigN()));
    }
    return String.format(Locale.ROOT, "complexity %.4e;%s", pp.complexity(), sb);
  }

  private static PartitionedParameters best(Circuit circuit, ErrorTarget target) {
    LoweredCircuit c = LoweredCircuit.of(circuit);
    PartitionedParameters p = null;
    for (LoweredCircuit x : List.of(c, OriginalWidthLookups.rewrite(c))) {
      try {
        PartitionedParameters q = new MultiParameterOptimizer().optimize(x, target);
        if (p == null || q.preferableTo(p)) {
          p = q;
        }
      } catch (NoParametersException e) {
        // this variant has no parameters
      }
    }
    return p;
  }

  @Test
  void composedPairsOnTheSampleHeads() throws Exception {
    for (String dir : List.of("gpt2-head", "minilm-head")) {
      Path d = Path.of("../samples").resolve(dir);
      Program head = JsonGraphFrontend.load(d.resolve("model.json"));
      List<List<Tensor>> inputset =
          SampleHeadTest.samples((NpyArray.Ints) Npz.read(d.resolve("inputset.npz")).get("q_x"));
      CompileOptions options = CompileOptions.defaults();
      Program p = Fhec.analyse(head, options, inputset);
      ErrorTarget target = new ErrorTarget.Global(options.globalPError());
      ProductChoice products = ProductChoice.choose(p, options, false, target);
      Circuit c =
          PlanApplication.apply(Lowering.lower(p, products.shared()), ParameterSets.TOY_N256)
              .circuit();
      List<Pair> pairs = pairs(c);
      System.out.printf(Locale.ROOT, "RESULT %s: %d composed pairs%n", dir, pairs.size());
      for (Pair pr : pairs) {
        Instruction.Tlu a = (Instruction.Tlu) c.instructions().get(pr.a());
        Instruction.Tlu b = (Instruction.Tlu) c.instructions().get(pr.b());
        System.out.printf(
            Locale.ROOT,
            "  %%%d = lookup of %%%d (%s) and %%%d = lookup of it (%s): %d elements%n",
            a.out(),
            a.a(),
            c.value(a.a()),
            b.out(),
            c.value(b.out()),
            c.value(a.a()).size());
      }
      Circuit fused = estimate(c, pairs);
      System.out.printf(
          Locale.ROOT,
          "  separate: PBS %d, %s%n  fused:    PBS %d, %s%n",
          c.pbsCount(),
          plan(c, best(c, target)),
          fused.pbsCount(),
          plan(fused, best(fused, target)));
      // Each pair alone, to see whether any one pays.
      for (Pair pr : pairs) {
        Circuit one = estimate(c, List.of(pr));
        System.out.printf(
            Locale.ROOT,
            "  only %%%d: PBS %d, %s%n",
            ((Instruction.Tlu) c.instructions().get(pr.a())).out(),
            one.pbsCount(),
            plan(one, best(one, target)));
      }
    }
  }
}
