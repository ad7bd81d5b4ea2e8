package dev.fhec.runtime.exec;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * Executes a {@link Circuit} on cleartext integers, exactly as the encrypted executor would when no
 * bootstrap fails, so that the two agree bit for bit.
 *
 * <p>Why it models the torus and not plain integers: a value of width w is encrypted as m·Δ with Δ
 * = 2^(63−w), so leveled arithmetic is exact modulo 2^(w+1) (message bits plus the padding bit).
 * The simulator keeps every value as its residue modulo 2^(w+1) in [−2^w, 2^w). A bootstrap reads
 * the padding bit: a phase p = m mod 2^(w+1) (after the signed offset 2^(w−1) for signed inputs)
 * gives T[p] when p &lt; 2^w and −T[p − 2^w] otherwise (negacyclic wrap). Leveled intermediates may
 * legitimately leave their width's range (the two-squares product's tables wrap), so an overflow is
 * reported where it matters: when a bootstrap reads a value outside its input range, or an output
 * does not decode in its range.
 *
 * <p>Error injection: with its partition's error probability per bootstrap, the looked-up index
 * moves by ±1 (the blind rotation landing in a neighbouring box, the failure mode the noise model
 * bounds).
 */
public final class ClearSimulator {

  /**
   * How to run.
   *
   * @param partitionErrorProbabilities per parameter-plan partition, the probability that one
   *     bootstrap in it returns a neighbouring entry; a single entry applies to every partition
   * @param seed seed of the error-injection generator (tests); empty = fresh system entropy
   * @param detectOverflow throw {@link OverflowException} on the first out-of-range read
   */
  public record Options(
      List<Double> partitionErrorProbabilities, OptionalLong seed, boolean detectOverflow) {
    public Options {
      partitionErrorProbabilities = List.copyOf(partitionErrorProbabilities);
      if (partitionErrorProbabilities.isEmpty()) {
        throw new IllegalArgumentException("no error probability given");
      }
      for (double p : partitionErrorProbabilities) {
        if (!(p >= 0 && p <= 1)) {
          throw new IllegalArgumentException("error probability must be in [0, 1], got " + p);
        }
      }
    }

    /** One error probability for every bootstrap (single-partition circuits). */
    public Options(double pbsErrorProbability, OptionalLong seed, boolean detectOverflow) {
      this(List.of(pbsErrorProbability), seed, detectOverflow);
    }

    /** The error probability of partition 0 (of every partition when only one is given). */
    public double pbsErrorProbability() {
      return partitionErrorProbabilities.get(0);
    }

    /** The error probability of a bootstrap in {@code partition}. */
    public double errorProbability(int partition) {
      if (partitionErrorProbabilities.size() == 1) {
        return partitionErrorProbabilities.get(0);
      }
      if (partition >= partitionErrorProbabilities.size()) {
        throw new IllegalArgumentException(
            "no error probability for partition "
                + partition
                + " among "
                + partitionErrorProbabilities.size());
      }
      return partitionErrorProbabilities.get(partition);
    }

    boolean injects() {
      return partitionErrorProbabilities.stream().anyMatch(p -> p > 0);
    }

    /** Exact execution with overflow detection. */
    public static Options exact() {
      return new Options(0, OptionalLong.empty(), true);
    }
  }

  /**
   * Outputs and counters of one run.
   *
   * @param outputs one flat row-major array per circuit output, decoded at its width
   * @param bootstraps bootstraps performed
   * @param injectedErrors bootstraps whose result was perturbed
   */
  public record Result(List<long[]> outputs, long bootstraps, long injectedErrors) {
    public Result {
      outputs = List.copyOf(outputs);
    }
  }

  /** A value read outside its width's range, with the instruction that read or produced it. */
  public static final class OverflowException extends RuntimeException {
    private final int instructionIndex;
    private final int valueId;

    OverflowException(int instructionIndex, int valueId, String message) {
      super(message);
      this.instructionIndex = instructionIndex;
      this.valueId = valueId;
    }

    /** The instruction that read the value, or −1 for an output. */
    public int instructionIndex() {
      return instructionIndex;
    }

    /** The circuit value out of range (to name its IR node through the lowering's origins). */
    public int valueId() {
      return valueId;
    }
  }

  private ClearSimulator() {}

  /** Runs {@code circuit} on {@code inputs} (one flat array per circuit input, client order). */
  public static Result run(Circuit circuit, List<long[]> inputs, Options options) {
    if (inputs.size() != circuit.inputs().size()) {
      throw new IllegalArgumentException(
          "circuit "
              + circuit.name()
              + " takes "
              + circuit.inputs().size()
              + " inputs, got "
              + inputs.size());
    }
    SecureRandom rng = options.injects() ? random(options.seed()) : null;
    long[][] vals = new long[circuit.values().size()][];
    long pbs = 0;
    long injected = 0;
    List<Instruction> instrs = circuit.instructions();
    for (int ii = 0; ii < instrs.size(); ii++) {
      Instruction ins = instrs.get(ii);
      ValueInfo out = circuit.value(ins.out());
      long[] r;
      switch (ins) {
        case Instruction.Input in -> {
          long[] given = inputs.get(in.index());
          if (given.length != out.size()) {
            throw new IllegalArgumentException(
                "input "
                    + in.index()
                    + " has "
                    + given.length
                    + " elements, expected "
                    + out.size()
                    + " for "
                    + out);
          }
          for (int i = 0; i < given.length; i++) {
            if (given[i] < out.min() || given[i] > out.max()) {
              throw new IllegalArgumentException(
                  "input "
                      + in.index()
                      + " element "
                      + i
                      + " = "
                      + given[i]
                      + " is outside "
                      + out);
            }
          }
          r = given.clone();
        }
        case Instruction.AddEE a -> {
          long[] x = vals[a.a()];
          long[] y = vals[a.b()];
          r = new long[x.length];
          for (int i = 0; i < r.length; i++) {
            r[i] = x[i] + y[i];
          }
        }
        case Instruction.SubEE s -> {
          long[] x = vals[s.a()];
          long[] y = vals[s.b()];
          r = new long[x.length];
          for (int i = 0; i < r.length; i++) {
            r[i] = x[i] - y[i];
          }
        }
        case Instruction.Neg n -> {
          long[] x = vals[n.a()];
          r = new long[x.length];
          for (int i = 0; i < r.length; i++) {
            r[i] = -x[i];
          }
        }
        case Instruction.AddEC a -> {
          long[] x = vals[a.a()];
          long[] c = broadcastConstant(circuit.constants().get(a.constant()), out.shape());
          r = new long[x.length];
          for (int i = 0; i < r.length; i++) {
            r[i] = x[i] + c[i];
          }
        }
        case Instruction.SubCE s -> {
          long[] x = vals[s.a()];
          long[] c = broadcastConstant(circuit.constants().get(s.constant()), out.shape());
          r = new long[x.length];
          for (int i = 0; i < r.length; i++) {
            r[i] = c[i] - x[i];
          }
        }
        case Instruction.MulEC m -> {
          long[] x = vals[m.a()];
          long[] c = broadcastConstant(circuit.constants().get(m.constant()), out.shape());
          r = new long[x.length];
          for (int i = 0; i < r.length; i++) {
            r[i] = x[i] * c[i];
          }
        }
        case Instruction.MatMulEC m -> {
          ClearTensor c = circuit.constants().get(m.constant());
          r = matmul(vals[m.a()], circuit.value(m.a()).shape(), c.data(), c.shape(), out.shape());
        }
        case Instruction.MatMulCE m -> {
          ClearTensor c = circuit.constants().get(m.constant());
          r = matmul(c.data(), c.shape(), vals[m.a()], circuit.value(m.a()).shape(), out.shape());
        }
        case Instruction.Sum s -> r = sum(vals[s.a()], circuit.value(s.a()).shape(), s.axes());
        case Instruction.Gather g -> {
          r = new long[g.element().length];
          for (int i = 0; i < r.length; i++) {
            int src = g.sources().length == 1 ? g.sources()[0] : g.sources()[g.source()[i]];
            r[i] = vals[src][g.element()[i]];
          }
        }
        case Instruction.Keyswitch k -> r = vals[k.a()].clone();
        case Instruction.Reinterpret re -> {
          long[] x = vals[re.a()];
          int s = circuit.value(re.a()).width() - out.width();
          r = new long[x.length];
          for (int i = 0; i < x.length; i++) {
            if (options.detectOverflow() && (x[i] & ((1L << s) - 1)) != 0) {
              throw new OverflowException(
                  ii,
                  re.a(),
                  "instruction "
                      + ii
                      + " (Reinterpret of value "
                      + re.a()
                      + " into value "
                      + re.out()
                      + ") reads "
                      + x[i]
                      + " at element "
                      + i
                      + ", not a multiple of 2^"
                      + s);
            }
            r[i] = x[i] >> s;
          }
        }
        case Instruction.ManyTlu t -> {
          ValueInfo in = circuit.value(t.a());
          long[] x = vals[t.a()];
          double pError = options.errorProbability(t.partition());
          int f = t.functions();
          LookupTable[] tables = new LookupTable[f];
          for (int j = 0; j < f; j++) {
            tables[j] = circuit.tables().get(t.tables()[j]);
            if (tables[j].inputWidth() != in.width()) {
              throw new IllegalArgumentException(
                  "many_tlu defining %"
                      + t.out()
                      + ": table t"
                      + t.tables()[j]
                      + " of 2^"
                      + tables[j].inputWidth()
                      + " entries for a "
                      + in.width()
                      + "-bit input (many-LUTs are exact)");
            }
          }
          r = new long[f * x.length];
          for (int i = 0; i < x.length; i++) {
            requireInRange(options.detectOverflow(), ii, ins, t.a(), x[i], i, in);
            // Phase in units of the 2^w·F boxes: input index i lands on box i·F; a failed
            // bootstrap lands one box off, on a neighbouring function or input.
            long phase = (x[i] + (in.signed() ? 1L << (in.width() - 1) : 0)) * f;
            if (rng != null && pError > 0 && rng.nextDouble() < pError) {
              phase += rng.nextBoolean() ? 1 : -1;
              injected++;
            }
            for (int j = 0; j < f; j++) {
              r[j * x.length + i] = manyLookup(tables, phase + j, in.width());
            }
          }
          pbs += x.length;
        }
        case Instruction.Tlu t -> {
          ValueInfo in = circuit.value(t.a());
          long[] x = vals[t.a()];
          double pError = options.errorProbability(t.partition());
          r = new long[x.length];
          for (int i = 0; i < x.length; i++) {
            requireInRange(options.detectOverflow(), ii, ins, t.a(), x[i], i, in);
            LookupTable table = circuit.tables().get(t.tables()[t.tables().length == 1 ? 0 : i]);
            long phase = x[i] + (in.signed() ? 1L << (in.width() - 1) : 0);
            if (rng != null && pError > 0 && rng.nextDouble() < pError) {
              phase += rng.nextBoolean() ? 1 : -1;
              injected++;
            }
            r[i] = lookup(table, phase, in.width());
          }
          pbs += x.length;
        }
      }
      for (int i = 0; i < r.length; i++) {
        r[i] = wrap(r[i], out.width());
      }
      vals[ins.out()] = r;
    }
    List<long[]> outs = new ArrayList<>();
    for (int o : circuit.outputs()) {
      ValueInfo info = circuit.value(o);
      long[] v = vals[o];
      if (options.detectOverflow()) {
        for (int i = 0; i < v.length; i++) {
          if (v[i] < info.min() || v[i] > info.max()) {
            throw new OverflowException(
                -1,
                o,
                "output value " + o + " element " + i + " = " + v[i] + " is outside " + info);
          }
        }
      }
      outs.add(v.clone());
    }
    return new Result(outs, pbs, injected);
  }

  /**
   * The bootstrap's view of a table with 2^r entries for an input phase counted in units of the
   * input's Δ at width w ≥ r: the phase is rounded to its r most significant bits (ties up, the
   * encrypted run may go either way on a tie) and then read with the padding-bit wrap.
   */
  static long lookup(LookupTable table, long phase, int inputWidth) {
    int r = table.inputWidth();
    int drop = inputWidth - r;
    long p = drop > 0 ? (phase + (1L << (drop - 1))) >> drop : phase;
    long mod = 1L << (r + 1);
    p = Math.floorMod(p, mod);
    if (p < (1L << r)) {
      return table.at((int) p);
    }
    return -table.at((int) (p - (1L << r)));
  }

  /**
   * What box {@code box} of the interleaved many-LUT layout holds (2^w·F boxes, box i·F + j = table
   * j at index i), negacyclic beyond the padding bit as {@link #lookup}.
   */
  static long manyLookup(LookupTable[] tables, long box, int inputWidth) {
    int f = tables.length;
    long boxes = (long) f << inputWidth;
    long b = Math.floorMod(box, 2 * boxes);
    long sign = 1;
    if (b >= boxes) {
      b -= boxes;
      sign = -1;
    }
    return sign * tables[(int) (b % f)].at((int) (b / f));
  }

  /** Residue modulo 2^(w+1) in [−2^w, 2^w): what the torus keeps of a width-w value. */
  static long wrap(long v, int width) {
    int shift = 64 - (width + 1);
    return (v << shift) >> shift;
  }

  private static long[] broadcastConstant(ClearTensor c, int[] shape) {
    int[] idx = Shapes.broadcastIndex(c.shape(), shape);
    long[] r = new long[idx.length];
    for (int i = 0; i < idx.length; i++) {
      r[i] = c.at(idx[i]);
    }
    return r;
  }

  /** Batched matmul [..., m, k] @ [..., k, n] → outShape [..., m, n] with batch broadcasting. */
  static long[] matmul(long[] a, int[] as, long[] b, int[] bs, int[] outShape) {
    int r = outShape.length;
    int m = outShape[r - 2];
    int n = outShape[r - 1];
    int k = as[as.length - 1];
    if (bs[bs.length - 2] != k) {
      throw new IllegalArgumentException(
          "matmul: " + Arrays.toString(as) + " @ " + Arrays.toString(bs) + " inner dims differ");
    }
    int[] batch = Arrays.copyOf(outShape, r - 2);
    int[] ai = Shapes.broadcastIndex(Arrays.copyOf(as, as.length - 2), batch);
    int[] bi = Shapes.broadcastIndex(Arrays.copyOf(bs, bs.length - 2), batch);
    long[] out = new long[Shapes.size(outShape)];
    for (int bt = 0; bt < ai.length; bt++) {
      int aoff = ai[bt] * m * k;
      int boff = bi[bt] * k * n;
      int ooff = bt * m * n;
      for (int i = 0; i < m; i++) {
        for (int l = 0; l < k; l++) {
          long av = a[aoff + i * k + l];
          if (av == 0) {
            continue;
          }
          for (int j = 0; j < n; j++) {
            out[ooff + i * n + j] += av * b[boff + l * n + j];
          }
        }
      }
    }
    return out;
  }

  /** Sum over sorted distinct axes (keepDims does not change the flat layout). */
  static long[] sum(long[] a, int[] shape, int[] axes) {
    boolean[] reduced = new boolean[shape.length];
    for (int ax : axes) {
      reduced[ax] = true;
    }
    int[] outShape = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      outShape[i] = reduced[i] ? 1 : shape[i];
    }
    int[] idx = reduceIndex(shape, outShape);
    long[] out = new long[Shapes.size(outShape)];
    for (int i = 0; i < a.length; i++) {
      out[idx[i]] += a[i];
    }
    return out;
  }

  /** For each element of {@code shape}, its flat index in the keep-dims reduced shape. */
  static int[] reduceIndex(int[] shape, int[] outShape) {
    int n = Shapes.size(shape);
    int[] outStrides = Shapes.strides(outShape);
    int[] idx = new int[n];
    int[] counter = new int[shape.length];
    for (int e = 0; e < n; e++) {
      int o = 0;
      for (int ax = 0; ax < shape.length; ax++) {
        o += outShape[ax] == 1 ? 0 : counter[ax] * outStrides[ax];
      }
      idx[e] = o;
      for (int ax = shape.length - 1; ax >= 0; ax--) {
        if (++counter[ax] < shape[ax]) {
          break;
        }
        counter[ax] = 0;
      }
    }
    return idx;
  }

  private static SecureRandom random(OptionalLong seed) {
    if (seed.isEmpty()) {
      return new SecureRandom();
    }
    try {
      // SHA1PRNG is deterministic when seeded before first use: reproducible test runs.
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed.getAsLong());
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1PRNG is required by every JDK", e);
    }
  }

  /**
   * With overflow detection on, refuses a lookup input outside its value's range: the encrypted
   * bootstrap would read it with the padding bit set.
   */
  private static void requireInRange(
      boolean detect, int ii, Instruction ins, int a, long x, int element, ValueInfo in) {
    if (detect && (x < in.min() || x > in.max())) {
      throw new OverflowException(
          ii,
          a,
          "instruction "
              + ii
              + " ("
              + ins.getClass().getSimpleName()
              + " of value "
              + a
              + " into value "
              + ins.out()
              + ") reads "
              + x
              + " at element "
              + element
              + ", outside "
              + in
              + "; its padding bit would be set");
    }
  }
}
