package dev.fhec.runtime.exec;

import dev.fhec.runtime.algorithms.BatchBootstrap;
import dev.fhec.runtime.algorithms.Encoding;
import dev.fhec.runtime.algorithms.FftProvider;
import dev.fhec.runtime.algorithms.Keyswitch;
import dev.fhec.runtime.algorithms.Keyswitch32;
import dev.fhec.runtime.algorithms.LutAccumulator;
import dev.fhec.runtime.algorithms.LweKeyswitch;
import dev.fhec.runtime.algorithms.LweOps;
import dev.fhec.runtime.algorithms.ProgrammableBootstrap;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.CircuitDigest;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.Decomposition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Runs a {@link Circuit} on encrypted inputs with the evaluation keys only (server side). Leveled
 * instructions act on LWE ciphertexts under the big key of their partition; {@link
 * Instruction.Gather} moves references; {@link Instruction.Tlu} is KS (from its input's partition
 * to the small key of its own) + PBS (its partition's bootstrapping key) per element, in parallel
 * over the elements of the tensor; {@link Instruction.Keyswitch} converts between partitions' big
 * keys. Agrees bit for bit with the contract of {@link Instruction} (and so with the cleartext
 * simulator) whenever no bootstrap fails.
 */
public final class CircuitExecutor {
  /** Receives the number of bootstraps done and the circuit's total, from any thread. */
  @FunctionalInterface
  public interface Progress {
    void update(long done, long total);
  }

  /**
   * Where the bootstraps of a lookup run: {@link #bootstrap} in this JVM by default; a cluster
   * backend sends slices of {@code elements} to {@link #bootstrap} in other JVMs. Must return one
   * output per element, in order, and call {@code tick} once per bootstrap done (it may be null).
   */
  @FunctionalInterface
  public interface Lookups {
    LweCiphertext[] bootstrap(
        Circuit circuit, Instruction.Tlu op, LweCiphertext[] elements, LongConsumer tick);
  }

  private final EvaluationKeySet keys;

  private final Lookups lookups;

  /** Encoded tables of the last circuit run ({@link #bootstrap} runs one circuit at a time). */
  private volatile LutCache lutCache = new LutCache(null, new ConcurrentHashMap<>());

  private record LutCache(Circuit circuit, Map<LutKey, LutAccumulator> luts) {}

  /** Keyswitch + bootstrap per BIG_TO_SMALL key of the plan and width ({@link #slot}). */
  private final Map<Integer, BatchBootstrap> bootstraps = new ConcurrentHashMap<>();

  /** Lookups across partitions of different big dimensions, per BIG_TO_SMALL key. */
  private final Map<Integer, Crossing> crossings = new ConcurrentHashMap<>();

  /** Conversion keyswitches per BIG_TO_BIG key of the plan, one scratch per thread. */
  private final Map<Integer, ThreadLocal<LweKeyswitch>> conversions = new ConcurrentHashMap<>();

  /**
   * Keyswitch workers per key of the plan (index into its keyswitches): 64-bit on the key, or
   * 32-bit on its rounding ({@link KeyswitchSpec#bits32()}), derived once per executor.
   */
  private final Map<Integer, Supplier<LweKeyswitch>> keyswitchers = new ConcurrentHashMap<>();

  /** An executor for single-partition circuits with classic evaluation keys. */
  public CircuitExecutor(EvaluationKeys keys) {
    this(EvaluationKeySet.of(keys));
  }

  public CircuitExecutor(EvaluationKeySet keys) {
    this(keys, null);
  }

  /** An executor whose lookups' bootstraps run where {@code lookups} sends them (null: here). */
  public CircuitExecutor(EvaluationKeySet keys, Lookups lookups) {
    this.keys = keys;
    this.lookups = lookups == null ? this::bootstrap : lookups;
  }

  /** One-shot convenience: {@code new CircuitExecutor(keys).run(circuit, inputs, null)}. */
  public static List<EncryptedTensor> run(
      Circuit circuit, EvaluationKeys keys, List<EncryptedTensor> inputs) {
    return new CircuitExecutor(keys).run(circuit, inputs, null);
  }

  /**
   * Why {@code keys} cannot run {@code circuit}, or empty: keys bound to a circuit run only that
   * circuit; unbound keys (library use) run any circuit of the same plan, each keyswitch at the
   * width the circuit says (the 32-bit key is derived from the 64-bit one; a set loaded for
   * computing a 32-bit keyswitch no longer holds the 64-bit key a 64-bit one needs).
   */
  public static Optional<String> mismatch(Circuit circuit, EvaluationKeySet keys) {
    if (!keys.plan().sameKeys(circuit.plan())) {
      return Optional.of(
          "circuit "
              + circuit.name()
              + " was compiled for "
              + circuit.plan().describe()
              + " but the evaluation keys are for "
              + keys.plan().describe());
    }
    for (int i = 0; i < circuit.plan().keyswitches().size(); i++) {
      if (!circuit.plan().keyswitches().get(i).bits32() && !keys.keyswitchKeys().get(i).hasKey()) {
        return Optional.of(
            "circuit "
                + circuit.name()
                + " runs "
                + circuit.plan().keyswitches().get(i)
                + " on 64 bits but the evaluation keys hold only its 32-bit key");
      }
    }
    byte[] none = new byte[CircuitDigest.LENGTH];
    if (!Arrays.equals(keys.identity().circuitDigest(), none) && !keys.identity().isFor(circuit)) {
      return Optional.of(
          "the evaluation keys ("
              + keys.identity()
              + ") were generated for another circuit than "
              + circuit.name()
              + " ("
              + KeySetIdentity.shortDigest(circuit.digest())
              + ")");
    }
    return Optional.empty();
  }

  /** Executes {@code circuit}; {@code progress} may be null. */
  public List<EncryptedTensor> run(
      Circuit circuit, List<EncryptedTensor> inputs, Progress progress) {
    Optional<String> why = mismatch(circuit, keys);
    if (why.isPresent()) {
      throw new IllegalArgumentException(why.get());
    }
    if (inputs.size() != circuit.inputs().size()) {
      throw new IllegalArgumentException(
          "circuit "
              + circuit.name()
              + " takes "
              + circuit.inputs().size()
              + " inputs, got "
              + inputs.size());
    }
    EncryptedTensor[] values = new EncryptedTensor[circuit.values().size()];
    long total = circuit.pbsCount();
    AtomicLong done = new AtomicLong();
    RunProfile profile = RunProfile.ENABLED ? new RunProfile() : null;
    for (Instruction ins : circuit.instructions()) {
      if (profile != null) {
        profile.begin();
      }
      ValueInfo info = circuit.value(ins.out());
      EncryptedTensor result =
          switch (ins) {
            case Instruction.Input in -> {
              EncryptedTensor t = inputs.get(in.index());
              int dim = circuit.plan().partition(info.partition()).bigLweDimension();
              if (!t.matches(info) || t.lweDimension() != dim) {
                throw new IllegalArgumentException(
                    "input "
                        + in.index()
                        + " is "
                        + t
                        + " of LWE dimension "
                        + t.lweDimension()
                        + ", circuit expects "
                        + info
                        + " of dimension "
                        + dim);
              }
              yield t;
            }
            case Instruction.AddEE op ->
                elementwise(info, values[op.a()], values[op.b()], LweOps::add);
            case Instruction.SubEE op ->
                elementwise(info, values[op.a()], values[op.b()], LweOps::sub);
            case Instruction.Neg op -> map(info, values[op.a()], (c, i) -> LweOps.negate(c));
            case Instruction.AddEC op -> {
              long[] cs = broadcastConstant(circuit.constants().get(op.constant()), info);
              yield map(
                  info,
                  values[op.a()],
                  (c, i) -> LweOps.addPlaintext(c, Encoding.encode(cs[i], info.width())));
            }
            case Instruction.SubCE op -> {
              long[] cs = broadcastConstant(circuit.constants().get(op.constant()), info);
              yield map(
                  info,
                  values[op.a()],
                  (c, i) ->
                      LweOps.addPlaintext(LweOps.negate(c), Encoding.encode(cs[i], info.width())));
            }
            case Instruction.MulEC op -> {
              long[] cs = broadcastConstant(circuit.constants().get(op.constant()), info);
              yield map(info, values[op.a()], (c, i) -> LweOps.mulScalar(c, cs[i]));
            }
            case Instruction.MatMulEC op ->
                matmul(info, values[op.a()], circuit.constants().get(op.constant()), true);
            case Instruction.MatMulCE op ->
                matmul(info, values[op.a()], circuit.constants().get(op.constant()), false);
            case Instruction.Sum op -> sum(info, values[op.a()], op.axes(), op.keepDims());
            case Instruction.Gather op -> gather(info, values, op);
            case Instruction.Tlu op ->
                tlu(circuit, info, values[op.a()], op, done, total, progress);
            case Instruction.ManyTlu op ->
                manyTlu(circuit, info, values[op.a()], op, done, total, progress);
            case Instruction.Keyswitch op -> convert(circuit, info, values[op.a()]);
            case Instruction.Reinterpret op -> EncryptedTensor.of(info, values[op.a()].elements());
          };
      values[ins.out()] = result;
      if (profile != null) {
        profile.end(circuit, ins);
      }
    }
    if (profile != null) {
      profile.print(System.err);
    }
    List<EncryptedTensor> out = new ArrayList<>();
    for (int id : circuit.outputs()) {
      out.add(values[id]);
    }
    return out;
  }

  /** A table encoded for one input encoding and one output width, in one partition. */
  private record LutKey(
      int table, int inputWidth, boolean signedInput, int outputWidth, int partition) {}

  /** Elements converted per pass over a big-to-big key. */
  private static final int CONVERSION_BATCH = 16;

  private EncryptedTensor convert(Circuit circuit, ValueInfo info, EncryptedTensor a) {
    int spec =
        circuit
            .plan()
            .keyswitch(a.partition(), info.partition(), KeyswitchSpec.Kind.BIG_TO_BIG)
            .orElseThrow();
    Supplier<LweKeyswitch> worker = keyswitcher(circuit, spec);
    ThreadLocal<LweKeyswitch> ks =
        conversions.computeIfAbsent(slot(circuit, spec), s -> ThreadLocal.withInitial(worker));
    int dim = circuit.plan().partition(info.partition()).bigLweDimension();
    LweCiphertext[] out = new LweCiphertext[a.size()];
    // Batches of elements, so that each row of the key (big to big: up to GBs) read from memory
    // serves the whole batch; bit-identical to one keyswitch after another.
    BatchBootstrap.forEachBatch(
        out.length,
        CONVERSION_BATCH,
        (from, count) -> {
          long[][] ins = new long[count][];
          long[][] outs = new long[count][];
          for (int j = 0; j < count; j++) {
            ins[j] = a.element(from + j).data();
            out[from + j] = new LweCiphertext(dim);
            outs[j] = out[from + j].data();
          }
          ks.get().applyBatch(ins, outs, count);
        });
    return EncryptedTensor.of(info, out);
  }

  private interface ElementOp {
    LweCiphertext apply(LweCiphertext c, int index);
  }

  private interface BinaryOp {
    LweCiphertext apply(LweCiphertext a, LweCiphertext b);
  }

  private static EncryptedTensor map(ValueInfo info, EncryptedTensor a, ElementOp op) {
    LweCiphertext[] out = new LweCiphertext[a.size()];
    IntStream.range(0, out.length).parallel().forEach(i -> out[i] = op.apply(a.element(i), i));
    return EncryptedTensor.of(info, out);
  }

  private static EncryptedTensor elementwise(
      ValueInfo info, EncryptedTensor a, EncryptedTensor b, BinaryOp op) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException(
          "elementwise operands have shapes "
              + Arrays.toString(a.shape())
              + " and "
              + Arrays.toString(b.shape()));
    }
    LweCiphertext[] out = new LweCiphertext[a.size()];
    IntStream.range(0, out.length)
        .parallel()
        .forEach(i -> out[i] = op.apply(a.element(i), b.element(i)));
    return EncryptedTensor.of(info, out);
  }

  private static long[] broadcastConstant(ClearTensor c, ValueInfo info) {
    int[] index = Shapes.broadcastIndex(c.shape(), info.shape());
    long[] out = new long[index.length];
    for (int i = 0; i < index.length; i++) {
      out[i] = c.at(index[i]);
    }
    return out;
  }

  /**
   * numpy matmul of an encrypted and a clear operand; {@code encryptedLeft} selects a @ C versus
   * C @ a. 1-D operands are promoted as numpy does and the promoted axis dropped from the result.
   */
  private static EncryptedTensor matmul(
      ValueInfo info, EncryptedTensor enc, ClearTensor clear, boolean encryptedLeft) {
    int[] left = encryptedLeft ? enc.shape() : clear.shape();
    int[] right = encryptedLeft ? clear.shape() : enc.shape();
    int[] l = left.length == 1 ? new int[] {1, left[0]} : left;
    int[] r = right.length == 1 ? new int[] {right[0], 1} : right;
    int m = l[l.length - 2];
    int kk = l[l.length - 1];
    int n = r[r.length - 1];
    if (r[r.length - 2] != kk) {
      throw new IllegalArgumentException(
          "matmul of " + Arrays.toString(left) + " and " + Arrays.toString(right));
    }
    int[] lb = Arrays.copyOf(l, l.length - 2);
    int[] rb = Arrays.copyOf(r, r.length - 2);
    int[] batch = Shapes.broadcast(lb, rb);
    int[] lIdx = Shapes.broadcastIndex(lb, batch);
    int[] rIdx = Shapes.broadcastIndex(rb, batch);
    int batches = Shapes.size(batch);
    int outSize = batches * m * n;
    if (outSize != info.size()) {
      throw new IllegalArgumentException(
          "matmul result has " + outSize + " elements, circuit declares " + info);
    }
    int dim = enc.lweDimension();
    long[] cdata = clear.data();
    LweCiphertext[] out = new LweCiphertext[outSize];
    IntStream.range(0, outSize)
        .parallel()
        .forEach(
            o -> {
              int bIdx = o / (m * n);
              int i = (o / n) % m;
              int j = o % n;
              int lBase = lIdx[bIdx] * m * kk;
              int rBase = rIdx[bIdx] * kk * n;
              LweCiphertext acc = new LweCiphertext(dim);
              for (int t = 0; t < kk; t++) {
                int li = lBase + i * kk + t;
                int ri = rBase + t * n + j;
                if (encryptedLeft) {
                  LweOps.mulAddAssign(acc, enc.element(li), cdata[ri]);
                } else {
                  LweOps.mulAddAssign(acc, enc.element(ri), cdata[li]);
                }
              }
              out[o] = acc;
            });
    return EncryptedTensor.of(info, out);
  }

  private static EncryptedTensor sum(ValueInfo info, EncryptedTensor a, int[] axes, boolean keep) {
    int[] shape = a.shape();
    boolean[] reduced = new boolean[shape.length];
    for (int ax : axes) {
      if (ax < 0 || ax >= shape.length) {
        throw new IllegalArgumentException(
            "sum axis " + ax + " out of range for shape " + Arrays.toString(shape));
      }
      reduced[ax] = true;
    }
    // Output strides over the kept axes (the same flat order with or without keepDims).
    int[] outStrides = new int[shape.length];
    int acc = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (!reduced[d]) {
        outStrides[d] = acc;
        acc *= shape[d];
      }
    }
    if (acc != info.size()) {
      throw new IllegalArgumentException(
          "sum result has " + acc + " elements, circuit declares " + info);
    }
    int dim = a.lweDimension();
    LweCiphertext[] out = new LweCiphertext[acc];
    for (int i = 0; i < out.length; i++) {
      out[i] = new LweCiphertext(dim);
    }
    int[] inStrides = Shapes.strides(shape);
    for (int flat = 0; flat < a.size(); flat++) {
      int o = 0;
      for (int d = 0; d < shape.length; d++) {
        o += ((flat / inStrides[d]) % shape[d]) * outStrides[d];
      }
      LweOps.addAssign(out[o], a.element(flat));
    }
    return EncryptedTensor.of(info, out);
  }

  private static EncryptedTensor gather(
      ValueInfo info, EncryptedTensor[] values, Instruction.Gather op) {
    int[] sources = op.sources();
    int[] source = op.source();
    int[] element = op.element();
    if (element.length != info.size()) {
      throw new IllegalArgumentException(
          "gather lists " + element.length + " elements for " + info);
    }
    LweCiphertext[] out = new LweCiphertext[element.length];
    for (int i = 0; i < out.length; i++) {
      int s = sources.length == 1 && source.length == 0 ? 0 : source[i];
      out[i] = values[sources[s]].element(element[i]);
    }
    return EncryptedTensor.of(info, out);
  }

  private EncryptedTensor tlu(
      Circuit circuit,
      ValueInfo info,
      EncryptedTensor a,
      Instruction.Tlu op,
      AtomicLong done,
      long total,
      Progress progress) {
    int[] tables = op.tables();
    if (tables.length != 1 && tables.length != a.size()) {
      throw new IllegalArgumentException(
          "tlu defining %"
              + op.out()
              + " has "
              + tables.length
              + " tables for "
              + a.size()
              + " elements");
    }
    LongConsumer tick =
        progress == null ? null : d -> progress.update(done.incrementAndGet(), total);
    LweCiphertext[] out = lookups.bootstrap(circuit, op, a.elements(), tick);
    if (out.length != a.size()) {
      throw new IllegalStateException(
          "lookup backend returned " + out.length + " outputs for " + a.size() + " inputs");
    }
    return EncryptedTensor.of(info, out);
  }

  /**
   * A many-LUT: one KS + PBS per element of {@code a} with the interleaved test polynomial of every
   * table, and F sample extractions (output j's elements are out[j·size .. (j+1)·size)). Runs in
   * this JVM, batched as the single lookups are (a cluster backend sends single lookups only).
   */
  private EncryptedTensor manyTlu(
      Circuit circuit,
      ValueInfo info,
      EncryptedTensor a,
      Instruction.ManyTlu op,
      AtomicLong done,
      long total,
      Progress progress) {
    ValueInfo in = circuit.value(op.a());
    int f = op.functions();
    int size = a.size();
    if (info.size() != f * size) {
      throw new IllegalArgumentException(
          "many_tlu defining %"
              + op.out()
              + " of "
              + f
              + " tables over "
              + size
              + " elements: "
              + info);
    }
    int p = op.partition();
    int n = circuit.plan().partition(p).bigN();
    // One test polynomial per instruction and run: N coefficients, nothing next to the bootstraps.
    List<long[]> tables = new ArrayList<>();
    for (int t : op.tables()) {
      LookupTable table = circuit.tables().get(t);
      if (table.inputWidth() != in.width()) {
        throw new IllegalArgumentException(
            "many_tlu defining %"
                + op.out()
                + " reads a "
                + in.width()
                + "-bit input with table "
                + t
                + " of 2^"
                + table.inputWidth()
                + " entries (many-LUTs are exact)");
      }
      tables.add(table.entries());
    }
    LutAccumulator lut =
        LutAccumulator.interleaved(tables, in.width(), in.signed(), info.width(), n);
    int spec =
        circuit.plan().keyswitch(in.partition(), p, KeyswitchSpec.Kind.BIG_TO_SMALL).orElseThrow();
    Supplier<LweKeyswitch> ksk = keyswitcher(circuit, spec);
    FourierBootstrapKey bsk = keys.bootstrapKey(p).fourier();
    LweCiphertext[][] outs;
    if (circuit.plan().partition(in.partition()).bigLweDimension()
        == bsk.glweDimension() * bsk.polynomialSize()) {
      BatchBootstrap batch =
          bootstraps.computeIfAbsent(slot(circuit, spec), s -> new BatchBootstrap(ksk, bsk));
      outs = new LweCiphertext[size][];
      int big = bsk.glweDimension() * bsk.polynomialSize();
      BatchBootstrap.forEachBatch(
          size,
          batch.batchSize(),
          (from, count) -> {
            LweCiphertext[] ins = new LweCiphertext[count];
            LutAccumulator[] luts = new LutAccumulator[count];
            LweCiphertext[][] o = new LweCiphertext[count][];
            for (int j = 0; j < count; j++) {
              ins[j] = a.element(from + j);
              luts[j] = lut;
              o[j] = new LweCiphertext[f];
              for (int t = 0; t < f; t++) {
                o[j][t] = new LweCiphertext(big);
              }
              outs[from + j] = o[j];
            }
            batch.worker().applyBatch(ins, luts, o, count);
          });
    } else {
      outs =
          crossings
              .computeIfAbsent(
                  slot(circuit, spec), s -> new Crossing(ksk, bsk, ownKeyswitch(circuit, p, bsk)))
              .applyMany(a.elements(), lut, f);
    }
    if (progress != null) {
      for (int i = 0; i < size; i++) {
        progress.update(done.incrementAndGet(), total);
      }
    }
    LweCiphertext[] out = new LweCiphertext[f * size];
    for (int i = 0; i < size; i++) {
      for (int t = 0; t < f; t++) {
        out[t * size + i] = outs[i][t];
      }
    }
    return EncryptedTensor.of(info, out);
  }

  /**
   * KS + PBS of lookup {@code op} on all of its input's elements, in this JVM over its cores.
   * {@code tick} (may be null) is called once per bootstrap.
   */
  public LweCiphertext[] bootstrap(
      Circuit circuit, Instruction.Tlu op, LweCiphertext[] elements, LongConsumer tick) {
    return bootstrap(circuit, op, elements, 0, tick);
  }

  /**
   * KS + PBS of elements {@code first .. first + slice.length − 1} of lookup {@code op}'s input
   * ({@code slice}), in this JVM: what a cluster backend runs on each slice. Element i uses the
   * lookup's table for element {@code first + i} (one table for all, or one per element).
   */
  public LweCiphertext[] bootstrap(
      Circuit circuit, Instruction.Tlu op, LweCiphertext[] slice, int first, LongConsumer tick) {
    ValueInfo in = circuit.value(op.a());
    ValueInfo info = circuit.value(op.out());
    int[] tables = op.tables();
    if (first < 0
        || first + slice.length > in.size()
        || (tables.length != 1 && tables.length != in.size())) {
      throw new IllegalArgumentException(
          "elements "
              + first
              + ".."
              + (first + slice.length)
              + " of a lookup over "
              + in.size()
              + " elements with "
              + tables.length
              + " tables");
    }
    LutCache cache = lutCache;
    if (cache.circuit() != circuit) {
      cache = new LutCache(circuit, new ConcurrentHashMap<>());
      lutCache = cache;
    }
    Map<LutKey, LutAccumulator> lutMap = cache.luts();
    int p = op.partition();
    int n = circuit.plan().partition(p).bigN();
    int spec =
        circuit.plan().keyswitch(in.partition(), p, KeyswitchSpec.Kind.BIG_TO_SMALL).orElseThrow();
    LutAccumulator[] luts = new LutAccumulator[tables.length == 1 ? 1 : slice.length];
    for (int i = 0; i < luts.length; i++) {
      int t = tables[tables.length == 1 ? 0 : first + i];
      luts[i] =
          lutMap.computeIfAbsent(
              new LutKey(t, in.width(), in.signed(), info.width(), p),
              key -> {
                LookupTable table = circuit.tables().get(t);
                // A table of 2^r entries, r < w, reads the r most significant message bits
                // (approximate rounding): the same box layout at width r, since the signed offset
                // 2^(w−1)·2^(63−w) = 2^(r−1)·2^(63−r) = 2^62 does not depend on the width.
                if (table.inputWidth() > in.width()) {
                  throw new IllegalArgumentException(
                      "table "
                          + t
                          + " has 2^"
                          + table.inputWidth()
                          + " entries but the input of %"
                          + op.out()
                          + " has width "
                          + in.width());
                }
                return LutAccumulator.of(table, in.signed(), info.width(), n);
              });
    }
    Supplier<LweKeyswitch> ksk = keyswitcher(circuit, spec);
    FourierBootstrapKey bsk = keys.bootstrapKey(p).fourier();
    IntFunction<LutAccumulator> lutOf = i -> luts[luts.length == 1 ? 0 : i];
    if (circuit.plan().partition(in.partition()).bigLweDimension()
        == bsk.glweDimension() * bsk.polynomialSize()) {
      return bootstraps
          .computeIfAbsent(slot(circuit, spec), s -> new BatchBootstrap(ksk, bsk))
          .apply(slice, lutOf, tick);
    }
    return crossings
        .computeIfAbsent(
            slot(circuit, spec), s -> new Crossing(ksk, bsk, ownKeyswitch(circuit, p, bsk)))
        .apply(slice, lutOf, tick);
  }

  /**
   * Keyswitch workers for key {@code spec} of the circuit's plan: on 32 bits where the plan says so
   * (the rounded key derived from the 64-bit one once, unless the key set holds it already).
   */
  private Supplier<LweKeyswitch> keyswitcher(Circuit circuit, int spec) {
    return keyswitchers.computeIfAbsent(
        slot(circuit, spec),
        s -> {
          if (circuit.plan().keyswitches().get(spec).bits32() && Keyswitch32.enabled()) {
            Keyswitch32.Key key = keys.roundedKeyswitchKey(spec);
            return () -> new Keyswitch32(key);
          }
          KeyswitchKey key = keys.keyswitchKeys().get(spec).key();
          return () -> new Keyswitch(key);
        });
  }

  /**
   * The cache slot of key {@code spec} at the width {@code circuit} runs it (an executor may run
   * circuits of the same keys at either width).
   */
  private static int slot(Circuit circuit, int spec) {
    return 2 * spec + (circuit.plan().keyswitches().get(spec).bits32() ? 1 : 0);
  }

  /**
   * The big-to-small key of partition {@code p} itself, which {@link ProgrammableBootstrap}'s
   * constructor checks against the bootstrapping key; when the plan has none (every lookup of
   * {@code p} reads another partition), an all-zero stand-in of minimal size that {@link Crossing}
   * never uses.
   */
  private Supplier<LweKeyswitch> ownKeyswitch(Circuit circuit, int p, FourierBootstrapKey bsk) {
    Optional<Integer> own = circuit.plan().keyswitch(p, p, KeyswitchSpec.Kind.BIG_TO_SMALL);
    if (own.isPresent()) {
      return keyswitcher(circuit, own.get());
    }
    int big = bsk.glweDimension() * bsk.polynomialSize();
    int small = bsk.lweDimension();
    KeyswitchKey standIn =
        new KeyswitchKey(
            big, small, new Decomposition(1, 1), new long[Math.multiplyExact(big, small + 1)]);
    return () -> new Keyswitch(standIn);
  }

  /**
   * KS + PBS of a lookup whose input lives under another partition's big key, of another dimension
   * than its own: the keyswitch to this partition's small key, then {@link
   * ProgrammableBootstrap#bootstrap} (BatchBootstrap's fused path expects inputs of its own big
   * dimension). Parallel over elements, one worker per thread.
   */
  private static final class Crossing {
    private final ThreadLocal<LweKeyswitch> keyswitch;
    private final ThreadLocal<ProgrammableBootstrap> bootstrap;
    private final int smallLength;
    private final int bigOut;
    private final int batchSize;

    Crossing(Supplier<LweKeyswitch> ksk, FourierBootstrapKey bsk, Supplier<LweKeyswitch> own) {
      this.keyswitch = ThreadLocal.withInitial(ksk);
      this.bootstrap =
          ThreadLocal.withInitial(
              () ->
                  new ProgrammableBootstrap(
                      own.get(), bsk, FftProvider.create(bsk.polynomialSize())));
      this.smallLength = bsk.lweDimension() + 1;
      this.bigOut = bsk.glweDimension() * bsk.polynomialSize();
      this.batchSize = BatchBootstrap.batchSize(bsk);
    }

    /** Every element of {@code in} through the F-table {@code lut}: F outputs per element. */
    LweCiphertext[][] applyMany(LweCiphertext[] in, LutAccumulator lut, int f) {
      return run(in, i -> lut, f, null);
    }

    LweCiphertext[] apply(
        LweCiphertext[] in, IntFunction<LutAccumulator> lutOf, LongConsumer progress) {
      LweCiphertext[][] outs = run(in, lutOf, 1, progress);
      LweCiphertext[] out = new LweCiphertext[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = outs[i][0];
      }
      return out;
    }

    /**
     * Element i through table {@code lutOf.apply(i)}, {@code f} outputs each. Batches as in
     * BatchBootstrap: each keyswitching-key row and each GGSW read from memory serves the whole
     * batch (a crossing key can be hundreds of MB: one element at a time streamed all of it per
     * element).
     */
    private LweCiphertext[][] run(
        LweCiphertext[] in, IntFunction<LutAccumulator> lutOf, int f, LongConsumer progress) {
      LweCiphertext[][] out = new LweCiphertext[in.length][];
      AtomicLong done = new AtomicLong();
      BatchBootstrap.forEachBatch(
          in.length,
          batchSize,
          (from, count) -> {
            long[][] ins = new long[count][];
            long[][] smalls = new long[count][smallLength];
            LutAccumulator[] luts = new LutAccumulator[count];
            for (int j = 0; j < count; j++) {
              ins[j] = in[from + j].data();
              luts[j] = lutOf.apply(from + j);
              out[from + j] = new LweCiphertext[f];
              for (int t = 0; t < f; t++) {
                out[from + j][t] = new LweCiphertext(bigOut);
              }
            }
            LweCiphertext[][] outs = Arrays.copyOfRange(out, from, from + count);
            keyswitch.get().applyBatch(ins, smalls, count);
            bootstrap.get().bootstrapBatch(smalls, luts, outs, count);
            if (progress != null) {
              long d = done.addAndGet(count);
              for (long t = d - count + 1; t <= d; t++) {
                progress.accept(t);
              }
            }
          });
      return out;
    }
  }
}
