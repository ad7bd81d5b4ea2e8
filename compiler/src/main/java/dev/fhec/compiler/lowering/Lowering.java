package dev.fhec.compiler.lowering;

import dev.fhec.compiler.eval.Movement;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.eval.TableFunctions;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.passes.AssignBitWidths;
import dev.fhec.compiler.passes.PassErrors;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * Lowers a fused, bounded, width-assigned {@link Program} to the runtime's instructions: a {@link
 * LoweredCircuit}, which becomes a {@link dev.fhec.runtime.circuit.Circuit} once the parameter
 * optimizer has chosen its plan ({@link PlanApplication}).
 *
 * <p>Clear nodes are folded to constants. Encrypted nodes become: leveled instructions (add, sub,
 * neg, add/mul/matmul by clear constants, sum); {@code Gather}s with computed index arrays for
 * every data movement; one {@code Tlu} per table lookup, with tables tabulated from the function
 * program over the input's range (one per distinct per-element function, deduplicated). Costs per
 * construct follow Concrete (reference/compiler.md §6.1), so PBS counts are comparable:
 *
 * <ul>
 *   <li>enc×enc multiply: x·y = ⌊(x+y)²/4⌋ − ⌊(x−y)²/4⌋, two bootstraps per element (tfhe.md §4.5);
 *       enc×enc matmul (m×k)·(k×n): the [m,k,n] broadcast sums and differences of the operands, two
 *       square tables, a sum over k: 2·m·k·n bootstraps;
 *   <li>encrypted max/min along an axis: a tree of max(a, b) = a + relu(b − a), n − 1 bootstraps
 *       per output element like Concrete-ML's relu chain ({@code max_fhe_relu}) at depth log₂ n;
 *   <li>encrypted comparison of two values: one table on their difference;
 *   <li>approximate rounding: no instruction; the following lookup reads a shorter table (the
 *       bootstrap's modulus switch rounds, see {@link Instruction.Tlu}).
 *   <li>exact rounding of l bits: a carry add, then l bit-extracting bootstraps per element (see
 *       {@code exactRound}); a lookup on the result reads a shorter table, exactly.
 * </ul>
 *
 * <p>Square tables of a product may exceed the output width; their entries are kept modulo 2^(w+1),
 * which the torus does anyway, so their difference (and sum over k) is exact whenever the true
 * result fits, as bit-width assignment guarantees.
 *
 * <p>Products named in {@code sharedProducts} use shared squares instead (reference/compiler.md
 * §8.10): x·y = ((x+y)² − x² − y²)/2, the square of each operand element looked up once and reused
 * across the product, so an (m,k)·(k,n) matmul takes m·k·n + m·k + k·n lookups and an elementwise
 * product size(out) + size(x) + size(y). The squares are accumulated at width w + 1 (entries modulo
 * 2^(w+2)), where the result 2·(x·y) is exact and even. The ½ is free when every consumer is a
 * table lookup: it reads the doubled value's w most significant bits, which are x·y exactly (no
 * rounding: the dropped bit is 0). Otherwise the same ciphertexts are read at width w ({@link
 * Instruction.Reinterpret}, no bootstrap), or by one identity lookup per output element where
 * {@link HalvingLookups} finds that cheaper.
 */
public final class Lowering {
  private final Program program;
  private final List<ValueInfo> values = new ArrayList<>();
  private final List<ClearTensor> constants = new ArrayList<>();
  private final List<LookupTable> tables = new ArrayList<>();
  private final Map<LookupTable, Integer> tableIndex = new HashMap<>();
  private final List<Instruction> instructions = new ArrayList<>();
  private final List<Integer> inputs = new ArrayList<>();
  private final int[] valueOf;
  private final Tensor[] clear;

  /** For a node that is an approximate rounding: bits the next table lookup drops. */
  private final int[] dropped;

  /** For a node that is an exact rounding: low bits known to be zero (read away by a lookup). */
  private final int[] zeroLsbs;

  /**
   * For a product lowered with shared squares whose consumers are all table lookups: its value is
   * encoded doubled, one bit wider than the node's width.
   */
  private final boolean[] doubled;

  /** Enc×enc products (node ids) lowered with shared squares. */
  private final java.util.Set<Integer> sharedProducts;

  /** Per-instruction origin (IR node id), for statistics. */
  private final List<Integer> origins = new ArrayList<>();

  private Lowering(Program program, java.util.Set<Integer> sharedProducts) {
    this.program = program;
    this.sharedProducts = java.util.Set.copyOf(sharedProducts);
    this.doubled = new boolean[program.nodes().size()];
    this.valueOf = new int[program.nodes().size()];
    this.clear = new Tensor[program.nodes().size()];
    this.dropped = new int[program.nodes().size()];
    this.zeroLsbs = new int[program.nodes().size()];
    Arrays.fill(valueOf, -1);
  }

  /** Lowers {@code program}, every product with quarter squares. */
  public static LoweredCircuit lower(Program program) {
    return lower(program, java.util.Set.of());
  }

  /**
   * Lowers {@code program}, the enc×enc products in {@code sharedProducts} (node ids, see {@link
   * Products#of}) with shared squares, the others with quarter squares.
   */
  public static LoweredCircuit lower(Program program, java.util.Set<Integer> sharedProducts) {
    for (int id : sharedProducts) {
      if (!Products.of(program).contains(id)) {
        throw new IllegalArgumentException("%" + id + " is not an encrypted × encrypted product");
      }
    }
    Lowering l = new Lowering(program, sharedProducts);
    for (Node n : program.nodes()) {
      try {
        l.lowerNode(n);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw PassErrors.at("lowering", n, e.getMessage());
      }
    }
    List<Integer> outs = new ArrayList<>();
    for (int o : program.outputs()) {
      if (l.dropped[o] > 0) {
        throw PassErrors.at(
            "lowering",
            program.node(o),
            "an approximately rounded value can only feed table lookups, not be an output");
      }
      if (l.valueOf[o] < 0) {
        throw PassErrors.at("lowering", program.node(o), "a clear output is not supported");
      }
      outs.add(l.valueOf[o]);
    }
    return new LoweredCircuit(
        program.name(), l.values, l.constants, l.tables, l.instructions, l.inputs, outs, l.origins);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private int current;

  private int value(int[] shape, int width, boolean signed) {
    if (width > ValueInfo.MAX_WIDTH) {
      throw new IllegalArgumentException(
          "needs " + width + " bits, above the " + ValueInfo.MAX_WIDTH + "-bit encoding limit");
    }
    values.add(new ValueInfo(shape, width, signed, true));
    return values.size() - 1;
  }

  private void emit(Instruction i) {
    instructions.add(i);
    origins.add(current);
  }

  private int constant(long[] data, int[] shape) {
    constants.add(new ClearTensor(shape, data));
    return constants.size() - 1;
  }

  private int constant(Tensor t) {
    if (!(t instanceof Tensor.Ints i)) {
      throw new IllegalArgumentException("a float constant reaches an encrypted integer op");
    }
    return constant(i.data(), i.shape());
  }

  private int table(LookupTable t) {
    return tableIndex.computeIfAbsent(
        t,
        k -> {
          tables.add(k);
          return tables.size() - 1;
        });
  }

  private int width(int node) {
    return ((ElementType.IntType) program.type(node).element()).width();
  }

  private Bounds bounds(int node) {
    return program.node(node).bounds().orElseThrow();
  }

  private boolean signed(int node) {
    return bounds(node).signed();
  }

  private ValueInfo info(int v) {
    return values.get(v);
  }

  private int gather(int src, int[] shape, int[] element) {
    ValueInfo s = info(src);
    if (Arrays.equals(s.shape(), shape) && Shapes.isIdentity(element, s.size())) {
      return src;
    }
    int out = value(shape, s.width(), s.signed());
    emit(new Instruction.Gather(out, new int[] {src}, new int[0], element));
    return out;
  }

  private int broadcastTo(int src, int[] shape) {
    return gather(src, shape, Shapes.broadcastIndex(info(src).shape(), shape));
  }

  private int reshape(int src, int[] shape) {
    return gather(src, shape, Movement.identity(shape).element());
  }

  private int tlu(int in, int outWidth, boolean outSigned, int[] tableIds) {
    int out = value(info(in).shape(), outWidth, outSigned);
    emit(new Instruction.Tlu(out, in, tableIds));
    return out;
  }

  /** A table over every input index of a width-w value: entry j = f(m(j)). */
  private LookupTable tableOf(ValueInfo in, int tableWidth, LongUnaryOperator f) {
    long[] e = new long[1 << tableWidth];
    for (int j = 0; j < e.length; j++) {
      long m = in.signed() ? j - (1L << (tableWidth - 1)) : j;
      e[j] = f.applyAsLong(m);
    }
    return new LookupTable(e);
  }

  /** Residue modulo 2^(w+1) in [−2^w, 2^w). */
  static long wrap(long v, int width) {
    int shift = 64 - (width + 1);
    return (v << shift) >> shift;
  }

  // ---- nodes -------------------------------------------------------------------------------

  private void lowerNode(Node n) {
    current = n.id();
    if (!n.type().encrypted()) {
      if (n.op() instanceof Op.Input) {
        throw new IllegalArgumentException("clear inputs are not supported by the circuit format");
      }
      clear[n.id()] = foldClear(n);
      return;
    }
    int[] shape = n.type().shape();
    int id = n.id();
    valueOf[id] =
        switch (n.op()) {
          case Op.Input in -> {
            int v = value(shape, width(id), signed(id));
            emit(new Instruction.Input(v, inputs.size()));
            if (in.index() != inputs.size()) {
              throw new IllegalArgumentException(
                  "encrypted inputs must be numbered in order; got input " + in.index());
            }
            inputs.add(v);
            yield v;
          }
          case Op.Constant c -> throw new IllegalArgumentException("encrypted constant");
          case Op.Binary b -> binary(n, b);
          case Op.Neg ng -> {
            int v = value(shape, width(id), signed(id));
            emit(new Instruction.Neg(v, valueOf[ng.x()]));
            yield v;
          }
          case Op.MatMul m -> matmul(n, m);
          case Op.Sum s -> {
            int[] axes = ReferenceEvaluator.normalizeAxes(s.axes(), program.type(s.x()).rank());
            int v = value(shape, width(id), signed(id));
            emit(new Instruction.Sum(v, valueOf[s.x()], axes, s.keepDims()));
            yield v;
          }
          case Op.Reduce r -> reduce(n, r);
          case Op.Unary u ->
              throw new IllegalArgumentException("encrypted " + u.fn() + " was not fused");
          case Op.Cast c -> valueOf[c.x()];
          case Op.Where w -> where(n, w);
          case Op.RoundBits r -> {
            if (r.exact()) {
              zeroLsbs[id] = r.lsbs();
              yield exactRound(n, r);
            }
            dropped[id] = r.lsbs();
            yield valueOf[r.x()];
          }
          case Op.Reshape r -> reshape(valueOf[r.x()], shape);
          case Op.Transpose t ->
              gather(
                  valueOf[t.x()],
                  shape,
                  Movement.transpose(program.type(t.x()).shape(), t.permutation()).element());
          case Op.Slice s ->
              gather(
                  valueOf[s.x()],
                  shape,
                  Movement.slice(program.type(s.x()).shape(), s.starts(), s.stops(), s.steps())
                      .element());
          case Op.Broadcast b -> broadcastTo(valueOf[b.x()], shape);
          case Op.Gather g ->
              gather(
                  valueOf[g.x()],
                  shape,
                  Movement.take(program.type(g.x()).shape(), g.indices(), g.axis()).element());
          case Op.Concat c -> concat(n, c);
          case Op.TableLookup t -> tableLookup(n, t);
        };
    checkRoundedUse(n);
  }

  private void checkRoundedUse(Node n) {
    for (int o : n.op().operands()) {
      if (dropped[o] > 0 && !(n.op() instanceof Op.TableLookup)) {
        throw new IllegalArgumentException(
            "approximately rounded %" + o + " may only feed table lookups");
      }
    }
  }

  private Tensor foldClear(Node n) {
    List<Integer> ops = n.op().operands();
    List<Node> sub = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      sub.add(
          new Node(
              i,
              new Op.Constant(clear[ops.get(i)]),
              program.type(ops.get(i)),
              java.util.Optional.empty(),
              n.location()));
    }
    Op op = dev.fhec.compiler.ir.Ops.mapOperands(n.op(), ops::indexOf);
    sub.add(new Node(sub.size(), op, n.type(), java.util.Optional.empty(), n.location()));
    return ReferenceEvaluator.evaluate(new Program("fold", sub, List.of(sub.size() - 1)), List.of())
        .get(0);
  }

  private int binary(Node n, Op.Binary b) {
    int id = n.id();
    int[] shape = n.type().shape();
    boolean lEnc = program.type(b.lhs()).encrypted();
    boolean rEnc = program.type(b.rhs()).encrypted();
    int w = width(id);
    boolean sg = signed(id);
    if (lEnc && rEnc) {
      int x = broadcastTo(valueOf[b.lhs()], shape);
      int y = broadcastTo(valueOf[b.rhs()], shape);
      return switch (b.kind()) {
        case ADD -> {
          int v = value(shape, w, sg);
          emit(new Instruction.AddEE(v, x, y));
          yield v;
        }
        case SUB -> {
          int v = value(shape, w, sg);
          emit(new Instruction.SubEE(v, x, y));
          yield v;
        }
        case MUL ->
            sharedProducts.contains(id)
                ? sharedSquaresProduct(n, valueOf[b.lhs()], valueOf[b.rhs()], w, sg)
                : twoSquares(x, y, bounds(b.lhs()), bounds(b.rhs()), w, sg);
        case MAXIMUM, MINIMUM -> {
          boolean max = b.kind() == Op.BinaryKind.MAXIMUM;
          // max(x, y) = x + relu(y − x); min(x, y) = x − relu(x − y)
          Bounds diff =
              max
                  ? new Bounds(
                      bounds(b.rhs()).min() - bounds(b.lhs()).max(),
                      bounds(b.rhs()).max() - bounds(b.lhs()).min())
                  : new Bounds(
                      bounds(b.lhs()).min() - bounds(b.rhs()).max(),
                      bounds(b.lhs()).max() - bounds(b.rhs()).min());
          int d = value(shape, info(x).width(), diff.signed());
          emit(max ? new Instruction.SubEE(d, y, x) : new Instruction.SubEE(d, x, y));
          int r =
              tlu(
                  d,
                  w,
                  false,
                  new int[] {table(tableOf(info(d), info(d).width(), t -> Math.max(0, t)))});
          int v = value(shape, w, sg);
          emit(max ? new Instruction.AddEE(v, x, r) : new Instruction.SubEE(v, x, r));
          yield v;
        }
        case LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL -> {
          Bounds diff =
              new Bounds(
                  bounds(b.lhs()).min() - bounds(b.rhs()).max(),
                  bounds(b.lhs()).max() - bounds(b.rhs()).min());
          int d = value(shape, info(x).width(), diff.signed());
          emit(new Instruction.SubEE(d, x, y));
          Op.BinaryKind k = b.kind();
          LookupTable t =
              tableOf(
                  info(d),
                  info(d).width(),
                  m ->
                      switch (k) {
                        case LESS -> m < 0 ? 1 : 0;
                        case LESS_EQUAL -> m <= 0 ? 1 : 0;
                        case GREATER -> m > 0 ? 1 : 0;
                        case GREATER_EQUAL -> m >= 0 ? 1 : 0;
                        case EQUAL -> m == 0 ? 1 : 0;
                        case NOT_EQUAL -> m != 0 ? 1 : 0;
                        case ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM ->
                            throw new IllegalStateException(k + " is not a comparison");
                      });
          yield tlu(d, w, sg, new int[] {table(t)});
        }
        case DIV, POW -> throw new IllegalArgumentException(b.kind() + " of two encrypted values");
      };
    }
    int enc = lEnc ? b.lhs() : b.rhs();
    Tensor c = clear[lEnc ? b.rhs() : b.lhs()];
    int x = broadcastTo(valueOf[enc], shape);
    int v = value(shape, w, sg);
    switch (b.kind()) {
      case ADD -> emit(new Instruction.AddEC(v, x, constant(c)));
      case SUB -> {
        if (lEnc) {
          emit(new Instruction.AddEC(v, x, constant(negate(c))));
        } else {
          emit(new Instruction.SubCE(v, constant(c), x));
        }
      }
      case MUL -> emit(new Instruction.MulEC(v, x, constant(c)));
      case DIV, POW, MAXIMUM, MINIMUM, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL ->
          throw new IllegalArgumentException(
              b.kind() + " with a clear operand should have been fused into a table lookup");
    }
    return v;
  }

  private static Tensor negate(Tensor c) {
    Tensor.Ints i = (Tensor.Ints) c;
    long[] d = i.data();
    for (int k = 0; k < d.length; k++) {
      d[k] = Math.negateExact(d[k]);
    }
    return new Tensor.Ints(i.shape(), d);
  }

  /** x·y = ⌊(x+y)²/4⌋ − ⌊(x−y)²/4⌋ elementwise; x and y already have the same shape and width. */
  private int twoSquares(int x, int y, Bounds bx, Bounds by, int outWidth, boolean outSigned) {
    int[] shape = info(x).shape();
    int w = info(x).width();
    Bounds sum = new Bounds(bx.min() + by.min(), bx.max() + by.max());
    Bounds diff = new Bounds(bx.min() - by.max(), bx.max() - by.min());
    int s = value(shape, w, sum.signed());
    emit(new Instruction.AddEE(s, x, y));
    int d = value(shape, w, diff.signed());
    emit(new Instruction.SubEE(d, x, y));
    LongUnaryOperator quarterSquare = t -> wrap(Math.floorDiv(t * t, 4), outWidth);
    int qs = tlu(s, outWidth, outSigned, new int[] {table(tableOf(info(s), w, quarterSquare))});
    int qd = tlu(d, outWidth, outSigned, new int[] {table(tableOf(info(d), w, quarterSquare))});
    int v = value(shape, outWidth, outSigned);
    emit(new Instruction.SubEE(v, qs, qd));
    return v;
  }

  /** The square table of a width-w input, entries modulo 2^(acc+1). */
  private int squareTable(int in, int acc) {
    return table(tableOf(info(in), info(in).width(), t -> wrap(t * t, acc)));
  }

  /**
   * Shared-squares matmul: Σ_k (a+b)² − broadcast(Σ_k a²) − broadcast(Σ_k b²) = 2·(a·b), at width w
   * + 1; {@code ga}, {@code gb} are a and b gathered to [batch, m, k, n].
   */
  private int sharedSquaresMatmul(
      Node n, int a, int b, int ga, int gb, int[] full, int w, boolean sg) {
    int acc = w + 1;
    int[] prod = info(ga).shape();
    int kAxis = prod.length - 2;
    int s = value(prod, info(ga).width(), sumBounds(n).signed());
    emit(new Instruction.AddEE(s, ga, gb));
    int sq = tlu(s, acc, sg, new int[] {squareTable(s, acc)});
    int cross = value(full, acc, sg);
    emit(new Instruction.Sum(cross, sq, new int[] {kAxis}, false));
    int sa = tlu(a, acc, sg, new int[] {squareTable(a, acc)});
    int ra = info(a).shape().length;
    int na = value(keepDims(info(a).shape(), ra - 1), acc, sg);
    emit(new Instruction.Sum(na, sa, new int[] {ra - 1}, true));
    int sb = tlu(b, acc, sg, new int[] {squareTable(b, acc)});
    int rb = info(b).shape().length;
    int nb = value(keepDims(info(b).shape(), rb - 2), acc, sg);
    emit(new Instruction.Sum(nb, sb, new int[] {rb - 2}, true));
    return halve(n, subtractNorms(cross, broadcastTo(na, full), broadcastTo(nb, full)), w, sg);
  }

  /** Shared-squares elementwise product of x and y before broadcasting. */
  private int sharedSquaresProduct(Node n, int x0, int y0, int w, boolean sg) {
    int acc = w + 1;
    int[] shape = n.type().shape();
    int sx = tlu(x0, acc, sg, new int[] {squareTable(x0, acc)});
    int sy = tlu(y0, acc, sg, new int[] {squareTable(y0, acc)});
    int x = broadcastTo(x0, shape);
    int y = broadcastTo(y0, shape);
    int s = value(shape, info(x).width(), sumBounds(n).signed());
    emit(new Instruction.AddEE(s, x, y));
    int sq = tlu(s, acc, sg, new int[] {squareTable(s, acc)});
    return halve(n, subtractNorms(sq, broadcastTo(sx, shape), broadcastTo(sy, shape)), w, sg);
  }

  private int subtractNorms(int cross, int na, int nb) {
    ValueInfo c = info(cross);
    int t = value(c.shape(), c.width(), c.signed());
    emit(new Instruction.SubEE(t, cross, na));
    int u = value(c.shape(), c.width(), c.signed());
    emit(new Instruction.SubEE(u, t, nb));
    return u;
  }

  /**
   * The doubled product 2·(x·y) at width w + 1 as the node's value: left doubled when only table
   * lookups read it (they read its w MSBs), else halved for free by reading the same ciphertexts at
   * width w ({@link Instruction.Reinterpret}: 2·(x·y) is even). {@link HalvingLookups} turns that
   * back into an identity lookup (which also refreshes the noise) where the optimizer prefers it.
   */
  private int halve(Node n, int twice, int w, boolean sg) {
    if (Products.onlyLookupsRead(program, n.id())) {
      doubled[n.id()] = true;
      return twice;
    }
    int v = value(info(twice).shape(), w, sg);
    emit(new Instruction.Reinterpret(v, twice));
    return v;
  }

  private static int[] keepDims(int[] shape, int axis) {
    int[] s = shape.clone();
    s[axis] = 1;
    return s;
  }

  /** Bounds of x + y for the product node n's two operands. */
  private Bounds sumBounds(Node n) {
    List<Integer> ops = n.op().operands();
    Bounds bx = bounds(ops.get(0));
    Bounds by = bounds(ops.get(1));
    return new Bounds(bx.min() + by.min(), bx.max() + by.max());
  }

  private int matmul(Node n, Op.MatMul m) {
    int id = n.id();
    int[] shape = n.type().shape();
    boolean lEnc = program.type(m.lhs()).encrypted();
    boolean rEnc = program.type(m.rhs()).encrypted();
    int[] ls = program.type(m.lhs()).shape();
    int[] rs = program.type(m.rhs()).shape();
    boolean lVec = ls.length == 1;
    boolean rVec = rs.length == 1;
    int[] l2 = lVec ? new int[] {1, ls[0]} : ls;
    int[] r2 = rVec ? new int[] {rs[0], 1} : rs;
    int mm = l2[l2.length - 2];
    int k = l2[l2.length - 1];
    int nn = r2[r2.length - 1];
    int[] batch =
        Shapes.broadcast(Arrays.copyOf(l2, l2.length - 2), Arrays.copyOf(r2, r2.length - 2));
    int[] full = Arrays.copyOf(batch, batch.length + 2);
    full[batch.length] = mm;
    full[batch.length + 1] = nn;
    int w = width(id);
    boolean sg = signed(id);
    int result;
    if (lEnc && rEnc) {
      int a = reshape(valueOf[m.lhs()], l2);
      int b = reshape(valueOf[m.rhs()], r2);
      int[] ai = Shapes.broadcastIndex(Arrays.copyOf(l2, l2.length - 2), batch);
      int[] bi = Shapes.broadcastIndex(Arrays.copyOf(r2, r2.length - 2), batch);
      int[] prodShape = Arrays.copyOf(batch, batch.length + 3);
      prodShape[batch.length] = mm;
      prodShape[batch.length + 1] = k;
      prodShape[batch.length + 2] = nn;
      int total = Shapes.size(prodShape);
      int[] ea = new int[total];
      int[] eb = new int[total];
      int e = 0;
      for (int bt = 0; bt < ai.length; bt++) {
        for (int i = 0; i < mm; i++) {
          for (int l = 0; l < k; l++) {
            for (int j = 0; j < nn; j++) {
              ea[e] = ai[bt] * mm * k + i * k + l;
              eb[e] = bi[bt] * k * nn + l * nn + j;
              e++;
            }
          }
        }
      }
      int ga = gather(a, prodShape, ea);
      int gb = gather(b, prodShape, eb);
      if (sharedProducts.contains(id)) {
        result = sharedSquaresMatmul(n, a, b, ga, gb, full, w, sg);
      } else {
        int p = twoSquares(ga, gb, bounds(m.lhs()), bounds(m.rhs()), w, sg);
        result = value(full, w, sg);
        emit(new Instruction.Sum(result, p, new int[] {batch.length + 1}, false));
      }
    } else if (lEnc) {
      int a = reshape(valueOf[m.lhs()], l2);
      Tensor.Ints c = (Tensor.Ints) clear[m.rhs()];
      result = value(full, w, sg);
      emit(new Instruction.MatMulEC(result, a, constant(c.data(), r2)));
    } else {
      int b = reshape(valueOf[m.rhs()], r2);
      Tensor.Ints c = (Tensor.Ints) clear[m.lhs()];
      result = value(full, w, sg);
      emit(new Instruction.MatMulCE(result, constant(c.data(), l2), b));
    }
    return reshape(result, shape);
  }

  /**
   * Max or min along an axis as a tree of pairwise steps max(a, b) = a + relu(b − a) (min: a −
   * relu(a − b)): n − 1 bootstraps per output element, as Concrete-ML's relu chain, but ν² grows
   * with the depth ⌈log₂ n⌉ instead of n.
   */
  private int reduce(Node n, Op.Reduce r) {
    int[] xs = program.type(r.x()).shape();
    int axis = r.axis() < 0 ? r.axis() + xs.length : r.axis();
    int x = valueOf[r.x()];
    int w = info(x).width();
    Bounds b = bounds(r.x());
    Bounds diff = new Bounds(b.min() - b.max(), b.max() - b.min());
    boolean max = r.kind() == Op.ReduceKind.MAX;
    int cur = x;
    int[] shape = xs.clone();
    while (shape[axis] > 1) {
      int len = shape[axis];
      int half = len / 2;
      int[] halfShape = shape.clone();
      halfShape[axis] = half;
      int a = gather(cur, halfShape, Movement.take(shape, range(0, half), axis).element());
      int c = gather(cur, halfShape, Movement.take(shape, range(half, 2 * half), axis).element());
      int d = value(halfShape, w, diff.signed());
      emit(max ? new Instruction.SubEE(d, c, a) : new Instruction.SubEE(d, a, c));
      int rl = tlu(d, w, false, new int[] {table(tableOf(info(d), w, t -> Math.max(0, t)))});
      int m = value(halfShape, w, b.signed());
      emit(max ? new Instruction.AddEE(m, a, rl) : new Instruction.SubEE(m, a, rl));
      if (len % 2 == 1) {
        int[] lastShape = shape.clone();
        lastShape[axis] = 1;
        int last = gather(cur, lastShape, Movement.take(shape, List.of(len - 1), axis).element());
        Movement.ConcatMap map = Movement.concat(List.of(halfShape, lastShape), axis);
        int joined = value(map.shape(), w, b.signed());
        emit(new Instruction.Gather(joined, new int[] {m, last}, map.source(), map.element()));
        m = joined;
      }
      cur = m;
      shape = info(cur).shape();
    }
    return reshape(cur, n.type().shape());
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> l = new ArrayList<>();
    for (int i = from; i < to; i++) {
      l.add(i);
    }
    return l;
  }

  /** where(m, a, b) with a clear mask m: m·a + (1 − m)·b, leveled. */
  private int where(Node n, Op.Where w) {
    int[] shape = n.type().shape();
    Tensor.Ints mask = (Tensor.Ints) clear[w.cond()];
    int[] mi = Shapes.broadcastIndex(mask.shape(), shape);
    int size = Shapes.size(shape);
    long[] m = new long[size];
    long[] notM = new long[size];
    for (int i = 0; i < size; i++) {
      m[i] = mask.at(mi[i]) != 0 ? 1 : 0;
      notM[i] = 1 - m[i];
    }
    int wd = width(n.id());
    boolean sg = signed(n.id());
    int a = branch(w.ifTrue(), m, shape, wd);
    int b = branch(w.ifFalse(), notM, shape, wd);
    int v = value(shape, wd, sg);
    if (a >= 0 && b >= 0) {
      emit(new Instruction.AddEE(v, a, b));
    } else {
      int enc = a >= 0 ? a : b;
      Tensor.Ints c = (Tensor.Ints) clear[a >= 0 ? w.ifFalse() : w.ifTrue()];
      int[] ci = Shapes.broadcastIndex(c.shape(), shape);
      long[] sel = a >= 0 ? notM : m;
      long[] add = new long[size];
      for (int i = 0; i < size; i++) {
        add[i] = sel[i] * c.at(ci[i]);
      }
      emit(new Instruction.AddEC(v, enc, constant(add, shape)));
    }
    return v;
  }

  private int branch(int node, long[] sel, int[] shape, int width) {
    if (!program.type(node).encrypted()) {
      return -1;
    }
    int x = broadcastTo(valueOf[node], shape);
    int v = value(shape, width, info(x).signed());
    emit(new Instruction.MulEC(v, x, constant(sel, shape)));
    return v;
  }

  private int concat(Node n, Op.Concat c) {
    List<int[]> shapes = c.xs().stream().map(x -> program.type(x).shape()).toList();
    Movement.ConcatMap map = Movement.concat(shapes, c.axis());
    int[] sources = new int[c.xs().size()];
    for (int i = 0; i < sources.length; i++) {
      sources[i] = valueOf[c.xs().get(i)];
      if (sources[i] < 0) {
        throw new IllegalArgumentException("concat of a clear operand with encrypted ones");
      }
    }
    int v = value(map.shape(), width(n.id()), signed(n.id()));
    emit(new Instruction.Gather(v, sources, map.source(), map.element()));
    return v;
  }

  /**
   * Exact rounding, as Concrete's {@code RoundEintOpPattern} (reference/compiler.md §9): y₀ = x +
   * 2^(l−1) (the carry-propagation add, leveled), then for i = 0 … l−1 one bootstrap extracts bit i
   * of y_i and a leveled subtraction clears it: y_{i+1} = y_i − (y_i & 2^i). Hence y_l = ⌊(x +
   * 2^(l−1)) / 2^l⌋·2^l = {@link ReferenceEvaluator#roundBits(long, int)} exactly (ties round half
   * up, toward +∞, for both signs).
   *
   * <p>Encoding: every y_i shares x's width w (assign-bit-widths makes w hold the range [round(lo),
   * hi + 2^(l−1)], which contains every y_i since y_i = ⌊y₀/2^i⌋·2^i is non-increasing in i); y_i
   * is signed exactly when round(lo) &lt; 0. Since y_i's i low bits are zero, the i-th lookup reads
   * y_i at the running width w − i (a 2^(w−i)-entry table indexed by y_i / 2^i, which the
   * bootstrap's modulus switch reads without rounding error) and returns (y_i / 2^i mod 2)·2^i at
   * width w. The lookups read w, w − 1, …, w − l + 1 bits, so w must be within the table limit
   * (checked by assign-bit-widths). A lookup consuming the result reads its w − l MSBs.
   */
  private int exactRound(Node n, Op.RoundBits r) {
    int x = valueOf[r.x()];
    int l = r.lsbs();
    if (l == 0) {
      return x;
    }
    ValueInfo xi = info(x);
    int w = xi.width();
    Bounds running = AssignBitWidths.exactRoundingRange(bounds(r.x()), l);
    if (l >= w || running.bitWidth() > w) {
      throw new IllegalArgumentException(
          "exact rounding of "
              + l
              + " bits needs its intermediate values "
              + running
              + " to fit the "
              + w
              + "-bit encoding of %"
              + r.x());
    }
    boolean sg = running.signed();
    int[] shape = xi.shape();
    int y = value(shape, w, sg);
    emit(new Instruction.AddEC(y, x, constant(new long[] {1L << (l - 1)}, new int[0])));
    for (int i = 0; i < l; i++) {
      final int bitIndex = i;
      LookupTable extract = tableOf(info(y), w - i, m -> (m & 1) << bitIndex);
      int bit = tlu(y, w, false, new int[] {table(extract)});
      int next = value(shape, w, i == l - 1 ? signed(n.id()) : sg);
      emit(new Instruction.SubEE(next, y, bit));
      y = next;
    }
    return y;
  }

  private int tableLookup(Node n, Op.TableLookup t) {
    int in = valueOf[t.x()];
    ValueInfo inInfo = info(in);
    // An exactly rounded input is a multiple of 2^l: reading its w − l MSBs is exact.
    int drop = dropped[t.x()] + zeroLsbs[t.x()];
    // A doubled product's w MSBs are the product: read without shifting the index.
    int r = inInfo.width() - drop - (doubled[t.x()] ? 1 : 0);
    Bounds xb = bounds(t.x());
    int[] xShape = program.type(t.x()).shape();
    TableFunctions.Tabulation tab =
        TableFunctions.tabulate(t.function(), xShape, xb.min(), xb.max());
    int effSize = tab.values().length;
    int[] effTable = new int[effSize];
    for (int e = 0; e < effSize; e++) {
      final int ef = e;
      effTable[e] = table(tableOf(inInfo, r, m -> tab.at(ef, m << drop)));
    }
    int[] perElement = new int[tab.elementTable().length];
    boolean uniform = true;
    for (int i = 0; i < perElement.length; i++) {
      perElement[i] = effTable[tab.elementTable()[i]];
      uniform &= perElement[i] == perElement[0];
    }
    int[] ids = uniform ? new int[] {perElement[0]} : perElement;
    return tlu(in, width(n.id()), signed(n.id()), ids);
  }
}
