package dev.fhec.compiler.lowering;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bootstraps only the elements an output depends on. Tensor instructions compute every element of
 * their value, but an element can be dead: a lookup whose table is constant for that element (the
 * causal mask of attention folded into the score lookup: a masked score is the mask value whatever
 * Q·Kᵀ gave) does not read its input there, and everything that fed only such elements (the masked
 * Q·Kᵀ products: 15 of 36 score pairs of the seed head, 960 of its 2,304 square lookups) is read by
 * nothing. Concrete bootstraps them all.
 *
 * <p>A backward pass marks, per value, the elements some output depends on; a lookup (or many-LUT)
 * then bootstraps only its demanded elements whose table is not constant — a gather of those
 * elements, the lookup on them, a gather back — and builds its constant elements without a
 * bootstrap (a copy of a looked-up element times 0, plus the constant: a noiseless ciphertext of a
 * public value). Elements nobody demands hold copies of others: leveled instructions still compute
 * them, nothing reads them. A {@link Instruction.Reinterpret} with such elements is narrowed the
 * same way, since the simulator checks every element it reads. Demanded elements get exactly the
 * values they had, so outputs are bit for bit those of the unpruned circuit.
 */
public final class DeadElements {
  private final LoweredCircuit in;
  private final List<ValueInfo> values;
  private final List<ClearTensor> constants;
  private final List<Instruction> instructions = new ArrayList<>();
  private final List<Integer> origins = new ArrayList<>();
  private int zero = -1;

  private DeadElements(LoweredCircuit in) {
    this.in = in;
    this.values = new ArrayList<>(in.values());
    this.constants = new ArrayList<>(in.constants());
  }

  /** {@code c} with its dead and constant lookup elements not bootstrapped (or c itself). */
  public static LoweredCircuit prune(LoweredCircuit c) {
    boolean[][] demanded = demand(c);
    DeadElements d = new DeadElements(c);
    boolean changed = false;
    for (int i = 0; i < c.instructions().size(); i++) {
      changed |= d.rewrite(c.instructions().get(i), c.origins().get(i), demanded);
    }
    if (!changed) {
      return c;
    }
    return new LoweredCircuit(
        c.name(),
        d.values,
        d.constants,
        c.tables(),
        d.instructions,
        c.inputs(),
        c.outputs(),
        d.origins);
  }

  /** Per value, which elements some output depends on. */
  static boolean[][] demand(LoweredCircuit c) {
    return demand(c.values(), c.tables(), c.instructions(), c.outputs());
  }

  /**
   * Per value of an executable circuit, which elements some output depends on: the others (dead
   * elements of a pruned circuit) hold copies that mean nothing, so range checks skip them.
   */
  public static boolean[][] demand(Circuit c) {
    return demand(c.values(), c.tables(), c.instructions(), c.outputs());
  }

  private static boolean[][] demand(
      List<ValueInfo> values,
      List<LookupTable> tables,
      List<Instruction> ins,
      List<Integer> outputs) {
    boolean[][] d = new boolean[values.size()][];
    for (int v = 0; v < d.length; v++) {
      d[v] = new boolean[values.get(v).size()];
    }
    for (int o : outputs) {
      Arrays.fill(d[o], true);
    }
    for (int ii = ins.size() - 1; ii >= 0; ii--) {
      Instruction x = ins.get(ii);
      boolean[] out = d[x.out()];
      switch (x) {
        case Instruction.Input i -> {}
        case Instruction.AddEE a -> {
          or(d[a.a()], out);
          or(d[a.b()], out);
        }
        case Instruction.SubEE s -> {
          or(d[s.a()], out);
          or(d[s.b()], out);
        }
        case Instruction.Neg n -> or(d[n.a()], out);
        case Instruction.AddEC a -> or(d[a.a()], out);
        case Instruction.SubCE s -> or(d[s.a()], out);
        case Instruction.MulEC m -> or(d[m.a()], out);
        case Instruction.Keyswitch k -> or(d[k.a()], out);
        case Instruction.Reinterpret r -> {
          or(d[r.a()], out);
          d[r.a()][carrier(out)] = true;
        }
        case Instruction.MatMulEC m ->
            matmulDemand(
                d[m.a()], values.get(m.a()).shape(), values.get(m.out()).shape(), out, true);
        case Instruction.MatMulCE m ->
            matmulDemand(
                d[m.a()], values.get(m.a()).shape(), values.get(m.out()).shape(), out, false);
        case Instruction.Sum s -> {
          int[] shape = values.get(s.a()).shape();
          int[] kept = shape.clone();
          for (int ax : s.axes()) {
            kept[ax] = 1;
          }
          // The keep-dims result broadcast back over the input: input element e's sum.
          int[] to = Shapes.broadcastIndex(kept, shape);
          for (int e = 0; e < to.length; e++) {
            d[s.a()][e] |= out[to[e]];
          }
        }
        case Instruction.Gather g -> {
          for (int i = 0; i < out.length; i++) {
            if (out[i]) {
              int src = g.sources().length == 1 ? g.sources()[0] : g.sources()[g.source()[i]];
              d[src][g.element()[i]] = true;
            }
          }
        }
        case Instruction.Tlu t -> {
          boolean any = false;
          for (int i = 0; i < out.length; i++) {
            if (out[i] && !isConstant(tables.get(tableAt(t, i)))) {
              d[t.a()][i] = true;
              any = true;
            }
          }
          if (!any) {
            d[t.a()][carrier(out)] = true;
          }
        }
        case Instruction.ManyTlu t -> {
          int n = d[t.a()].length;
          boolean any = false;
          for (int i = 0; i < out.length; i++) {
            if (out[i]) {
              d[t.a()][i % n] = true;
              any = true;
            }
          }
          if (!any) {
            d[t.a()][0] = true;
          }
        }
      }
    }
    return d;
  }

  /**
   * Marks the rows (a @ C) or columns (C @ a) of encrypted operand a that demanded elements of the
   * [..., m, n] product read, batch dimensions broadcast as numpy does.
   */
  private static void matmulDemand(
      boolean[] da, int[] as, int[] os, boolean[] out, boolean encryptedLeft) {
    int r = os.length;
    int m = os[r - 2];
    int n = os[r - 1];
    int[] batch = Arrays.copyOf(os, r - 2);
    int[] ai = Shapes.broadcastIndex(Arrays.copyOf(as, as.length - 2), batch);
    int k = encryptedLeft ? as[as.length - 1] : as[as.length - 2];
    for (int bt = 0; bt < ai.length; bt++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          if (!out[bt * m * n + i * n + j]) {
            continue;
          }
          for (int l = 0; l < k; l++) {
            // a @ C reads a[i, l]; C @ a reads a[l, j] (a is [.., k, n]).
            da[encryptedLeft ? ai[bt] * m * k + i * k + l : ai[bt] * k * n + l * n + j] = true;
          }
        }
      }
    }
  }

  private boolean rewrite(Instruction x, int origin, boolean[][] demanded) {
    return switch (x) {
      case Instruction.Tlu t -> rewriteTlu(t, origin, demanded[t.out()]);
      case Instruction.ManyTlu t -> rewriteMany(t, origin, demanded[t.out()]);
      case Instruction.Reinterpret r -> rewriteReinterpret(r, origin, demanded[r.out()]);
      case Instruction.Input i -> keep(x, origin);
      case Instruction.AddEE i -> keep(x, origin);
      case Instruction.SubEE i -> keep(x, origin);
      case Instruction.Neg i -> keep(x, origin);
      case Instruction.AddEC i -> keep(x, origin);
      case Instruction.SubCE i -> keep(x, origin);
      case Instruction.MulEC i -> keep(x, origin);
      case Instruction.MatMulEC i -> keep(x, origin);
      case Instruction.MatMulCE i -> keep(x, origin);
      case Instruction.Sum i -> keep(x, origin);
      case Instruction.Gather i -> keep(x, origin);
      case Instruction.Keyswitch i -> keep(x, origin);
    };
  }

  private boolean keep(Instruction x, int origin) {
    emit(x, origin);
    return false;
  }

  private boolean rewriteTlu(Instruction.Tlu t, int origin, boolean[] demanded) {
    List<Integer> live = new ArrayList<>();
    List<Integer> fixed = new ArrayList<>();
    for (int i = 0; i < demanded.length; i++) {
      if (demanded[i]) {
        (isConstant(in.tables().get(tableAt(t, i))) ? fixed : live).add(i);
      }
    }
    if (live.size() == demanded.length) {
      return keep(t, origin);
    }
    if (live.isEmpty()) {
      // Every demanded element is constant (e.g. max(x, 9) of a 4-bit x): one bootstrap still
      // makes the ciphertext of the value's type the constants are built from.
      live.add(carrier(demanded));
      fixed.remove(Integer.valueOf(live.get(0))); // the element, not the index
    }
    int[] liveIdx = ints(live);
    int a = emitGather(t.a(), liveIdx, origin);
    int[] tables = new int[liveIdx.length];
    for (int j = 0; j < liveIdx.length; j++) {
      tables[j] = tableAt(t, liveIdx[j]);
    }
    int looked = newValue(t.out(), liveIdx.length);
    emit(new Instruction.Tlu(looked, a, uniform(tables), t.partition()), origin);
    int[] source = new int[demanded.length];
    int[] element = placeOf(liveIdx, demanded.length);
    int[] sources = {looked};
    if (!fixed.isEmpty()) {
      // c = 0·(any looked-up element) + c: a noiseless ciphertext of the public constant.
      int[] fixedIdx = ints(fixed);
      int copies = emitGather(looked, new int[fixedIdx.length], origin);
      int zeros = newValue(t.out(), fixedIdx.length);
      emit(new Instruction.MulEC(zeros, copies, zeroConstant()), origin);
      long[] c = new long[fixedIdx.length];
      for (int j = 0; j < fixedIdx.length; j++) {
        c[j] = in.tables().get(tableAt(t, fixedIdx[j])).at(0);
        source[fixedIdx[j]] = 1;
        element[fixedIdx[j]] = j;
      }
      constants.add(new ClearTensor(new int[] {c.length}, c));
      int built = newValue(t.out(), fixedIdx.length);
      emit(new Instruction.AddEC(built, zeros, constants.size() - 1), origin);
      sources = new int[] {looked, built};
    }
    emit(
        new Instruction.Gather(
            t.out(), sources, sources.length == 1 ? new int[0] : source, element),
        origin);
    return true;
  }

  private boolean rewriteMany(Instruction.ManyTlu t, int origin, boolean[] demanded) {
    int n = in.value(t.a()).size();
    int f = t.functions();
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        if (demanded[j * n + i]) {
          live.add(i);
          break;
        }
      }
    }
    if (live.size() == n) {
      return keep(t, origin);
    }
    if (live.isEmpty()) {
      live.add(0); // an unread many-LUT: one bootstrap keeps its value typed (as in demand)
    }
    int[] liveIdx = ints(live);
    int l = liveIdx.length;
    int a = emitGather(t.a(), liveIdx, origin);
    ValueInfo o = in.value(t.out());
    values.add(new ValueInfo(new int[] {f, l}, o.width(), o.signed(), true));
    int looked = values.size() - 1;
    emit(new Instruction.ManyTlu(looked, a, t.tables(), t.partition()), origin);
    int[] pos = placeOf(liveIdx, n);
    int[] element = new int[f * n];
    for (int j = 0; j < f; j++) {
      for (int i = 0; i < n; i++) {
        element[j * n + i] = j * l + pos[i];
      }
    }
    emit(new Instruction.Gather(t.out(), new int[] {looked}, new int[0], element), origin);
    return true;
  }

  private boolean rewriteReinterpret(Instruction.Reinterpret r, int origin, boolean[] demanded) {
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < demanded.length; i++) {
      if (demanded[i]) {
        live.add(i);
      }
    }
    if (live.size() == demanded.length) {
      return keep(r, origin);
    }
    if (live.isEmpty()) {
      live.add(carrier(demanded));
    }
    int[] liveIdx = ints(live);
    int a = emitGather(r.a(), liveIdx, origin);
    int narrow = newValue(r.out(), liveIdx.length);
    emit(new Instruction.Reinterpret(narrow, a), origin);
    emit(
        new Instruction.Gather(
            r.out(), new int[] {narrow}, new int[0], placeOf(liveIdx, demanded.length)),
        origin);
    return true;
  }

  /**
   * For each of n positions, where it stands among the narrowed elements {@code liveIdx} (0 for a
   * dead position: any copy serves, nothing reads it): the gather back to the full shape.
   */
  private static int[] placeOf(int[] liveIdx, int n) {
    int[] place = new int[n];
    for (int j = 0; j < liveIdx.length; j++) {
      place[liveIdx[j]] = j;
    }
    return place;
  }

  /** A new value [count] of {@code src}'s width and signedness, gathered from {@code src}. */
  private int emitGather(int src, int[] elements, int origin) {
    int g = newValue(src, elements.length);
    emit(new Instruction.Gather(g, new int[] {src}, new int[0], elements), origin);
    return g;
  }

  private int newValue(int like, int count) {
    ValueInfo v = values.get(like);
    values.add(new ValueInfo(new int[] {count}, v.width(), v.signed(), true));
    return values.size() - 1;
  }

  private int zeroConstant() {
    if (zero < 0) {
      constants.add(new ClearTensor(new int[0], new long[] {0}));
      zero = constants.size() - 1;
    }
    return zero;
  }

  private void emit(Instruction x, int origin) {
    instructions.add(x);
    origins.add(origin);
  }

  /**
   * The element a lookup keeps bootstrapping when none needs it (its outputs all constant or
   * unread), so that its value still has a ciphertext of its type to build from: the first demanded
   * element, else 0. Its input element is demanded for it.
   */
  private static int carrier(boolean[] demanded) {
    for (int i = 0; i < demanded.length; i++) {
      if (demanded[i]) {
        return i;
      }
    }
    return 0;
  }

  private static int tableAt(Instruction.Tlu t, int i) {
    int[] tables = t.tables();
    return tables[tables.length == 1 ? 0 : i];
  }

  /** One entry when every element uses the same table (the instruction's short form). */
  private static int[] uniform(int[] tables) {
    for (int t : tables) {
      if (t != tables[0]) {
        return tables;
      }
    }
    return new int[] {tables[0]};
  }

  static boolean isConstant(LookupTable t) {
    int n = 1 << t.inputWidth();
    for (int i = 1; i < n; i++) {
      if (t.at(i) != t.at(0)) {
        return false;
      }
    }
    return true;
  }

  private static void or(boolean[] into, boolean[] from) {
    for (int i = 0; i < into.length; i++) {
      into[i] |= from[i];
    }
  }

  private static int[] ints(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }
}
