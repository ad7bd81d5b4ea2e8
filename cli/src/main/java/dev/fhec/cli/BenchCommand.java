package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.OverflowCheck;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.ValueInfo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Times every step of a bundle's life: keygen, encrypt, encrypted runs, decrypt, simulate."
          + " Inputs are random integers the bundle computes exactly (in each input's range, no"
          + " overflow) unless --input is given. Checks that"
          + " every decrypted run equals the simulation.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  fhec bench head.fhec --runs 3",
      "  fhec bench head.fhec --keys keys --input input.npz --json > bench.json"
    })
final class BenchCommand implements Callable<Integer> {
  @ParentCommand FhecCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<bundle>", description = "A bundle directory or .zip.")
  Path bundle;

  @Option(
      names = "--runs",
      defaultValue = "1",
      paramLabel = "<n>",
      description = "Encrypted runs to time (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--keys",
      paramLabel = "<keydir>",
      description = "Reuse keys from this directory instead of generating fresh ones.")
  Path keys;

  @Option(
      names = "--input",
      paramLabel = "<file>",
      description = "Inputs (.npy/.npz/.json) instead of random ones.")
  Path input;

  @Option(names = "--json", description = "Print the timings as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (runs < 1) {
      throw new UserException("--runs must be at least 1, got " + runs, "try --runs 3");
    }
    PrintWriter out = spec.commandLine().getOut();
    Bundle b = Bundle.read(bundle);
    Io.requireHeapFor(b.circuit(), Io.KeyUse.COMPUTING, "benchmarking " + b.manifest().name());
    Engine engine = root.engine();
    ProgressReporter progress =
        json ? ProgressReporter.silent() : ProgressReporter.forConsole(spec.commandLine().getErr());
    Path work = Files.createTempDirectory("fhec-bench");
    Map<String, Double> seconds = new LinkedHashMap<>();
    try {
      Path clientKey;
      Path evalKeys;
      if (keys != null) {
        clientKey = keys.resolve(Io.CLIENT_KEY);
        evalKeys = keys.resolve(Io.EVAL_KEYS);
        Io.requireFile(clientKey, "client key", "generate keys with 'fhec keygen'");
        Io.requireFile(evalKeys, "evaluation keys", "generate keys with 'fhec keygen'");
      } else {
        clientKey = work.resolve(Io.CLIENT_KEY);
        evalKeys = work.resolve(Io.EVAL_KEYS);
        long t = System.nanoTime();
        engine.keygen(b.circuit(), clientKey, evalKeys, progress);
        seconds.put("keygen", (System.nanoTime() - t) / 1e9);
      }
      List<ClearTensor> in =
          input != null
              ? Io.inputsFor(b.circuit(), b.manifest().inputs(), TensorFiles.read(input), input)
              : randomInputs(b);
      Path ct = work.resolve("in.ct");
      long t = System.nanoTime();
      engine.encrypt(b.circuit(), clientKey, in, ct);
      seconds.put("encrypt", (System.nanoTime() - t) / 1e9);
      t = System.nanoTime();
      List<ClearTensor> expected = engine.simulate(b.circuit(), in);
      seconds.put("simulate", (System.nanoTime() - t) / 1e9);
      double best = Double.MAX_VALUE;
      double total = 0;
      int mismatched = 0;
      double decrypt = 0;
      for (int r = 0; r < runs; r++) {
        Path outCt = work.resolve("out" + r + ".ct");
        t = System.nanoTime();
        engine.run(b.circuit(), evalKeys, ct, outCt, progress);
        double s = (System.nanoTime() - t) / 1e9;
        best = Math.min(best, s);
        total += s;
        t = System.nanoTime();
        List<ClearTensor> got = engine.decrypt(b.circuit(), clientKey, outCt);
        decrypt = (System.nanoTime() - t) / 1e9;
        mismatched += got.equals(expected) ? 0 : 1;
      }
      seconds.put("run (best)", best);
      seconds.put("run (mean)", total / runs);
      seconds.put("decrypt", decrypt);
      long pbs = b.circuit().pbsCount();
      if (json) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("bundle", bundle.toString());
        j.put("parameters", b.circuit().parameters().name());
        j.put("pbsCount", pbs);
        j.put("runs", runs);
        j.put("seconds", seconds);
        j.put("pbsPerSecond", pbs / best);
        j.put("threads", Runtime.getRuntime().availableProcessors());
        j.put("runsDifferingFromSimulation", mismatched);
        Io.printJson(out, j);
      } else {
        out.printf(
            Locale.ROOT,
            "Benchmark of %s (%s, %,d PBS/run, %d threads)%n",
            b.manifest().name(),
            b.circuit().parameters().name(),
            pbs,
            Runtime.getRuntime().availableProcessors());
        for (Map.Entry<String, Double> e : seconds.entrySet()) {
          out.printf(Locale.ROOT, "  %-12s %10.3f s%n", e.getKey(), e.getValue());
        }
        out.printf(Locale.ROOT, "  %-12s %10.1f PBS/s (best run)%n", "throughput", pbs / best);
        out.println(
            mismatched == 0
                ? "  all " + runs + " decrypted runs equal the simulation"
                : "  " + mismatched + " of " + runs + " decrypted runs differ from the simulation");
        out.flush();
      }
      return mismatched == 0 ? ExitCodes.OK : ExitCodes.INTERNAL_ERROR;
    } finally {
      try (var s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * Random inputs the bundle computes exactly: uniform in each input's accepted range, checked with
   * {@link OverflowCheck}; when draws keep overflowing nodes that rely on calibration, the range
   * shrinks around its centre (calibration data is rarely uniform over the declared range).
   */
  static List<ClearTensor> randomInputs(Bundle b) {
    SecureRandom rnd = new SecureRandom();
    List<dev.fhec.compiler.report.InspectionReport.NodeRow> inputRows =
        b.report().nodes().stream().filter(n -> n.op().equals("input")).toList();
    int k = b.circuit().inputs().size();
    long[] lo = new long[k];
    long[] hi = new long[k];
    for (int i = 0; i < k; i++) {
      ValueInfo v = b.circuit().value(b.circuit().inputs().get(i));
      lo[i] = v.min();
      hi[i] = v.max();
      if (i < inputRows.size() && inputRows.get(i).min() != null) {
        lo[i] = Math.max(lo[i], inputRows.get(i).min());
        hi[i] = Math.min(hi[i], inputRows.get(i).max());
      }
    }
    OverflowCheck.Checker checker = OverflowCheck.of(b);
    for (int shrink = 0; shrink < 8; shrink++) {
      for (int attempt = 0; attempt < 32; attempt++) {
        List<ClearTensor> in = new ArrayList<>();
        for (int i = 0; i < k; i++) {
          ValueInfo v = b.circuit().value(b.circuit().inputs().get(i));
          long mid = Math.floorDiv(lo[i] + hi[i], 2);
          long a = mid - ((mid - lo[i]) >> shrink);
          long z = mid + ((hi[i] - mid) >> shrink);
          long[] data = new long[v.size()];
          for (int e = 0; e < data.length; e++) {
            data[e] = a + (long) (rnd.nextDouble() * (z - a + 1));
          }
          in.add(new ClearTensor(v.shape(), data));
        }
        if (checker.check(SimulateCommand.flat(in), true).isEmpty()) {
          return in;
        }
      }
    }
    throw new UserException(
        "random inputs keep overflowing the nodes of "
            + b.manifest().name()
            + " that rely on calibration",
        "give representative inputs with --input, or recompile with --bounds sound");
  }
}
