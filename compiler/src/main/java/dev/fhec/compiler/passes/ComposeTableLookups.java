package dev.fhec.compiler.passes;

import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Ops;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.TensorType;
import dev.fhec.compiler.ir.TypeRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code compose-table-lookups}: a table lookup {@code f} whose output reaches only other table
 * lookups {@code g}, through leveled elementwise ops with clear operands (add, sub, mul, neg) and
 * data movement (reshape, transpose, slice, gather, broadcast), disappears: each {@code g} becomes
 * the data movement applied to f's <em>input</em> followed by one lookup of {@code g ∘ leveled ∘
 * f}.
 *
 * <p>Why: quantized models re-quantize, add a bias, split and re-quantize again (the GPT-2 head's
 * q/k/v stage, reference/attention.md §4); the first lookup is a full bootstrap per element that
 * the second one can absorb. Elementwise functions commute with data movement, so moving the data
 * before {@code f} is exact; clear constants that were per-element are moved the same way (they
 * make per-element tables, as fusing does). The composed function is evaluated on integers over f's
 * input range, so the result is bit-exact with the source program; the intermediate's width no
 * longer constrains anything. The bootstrap count never grows: each {@code g} keeps its element
 * count and {@code f}'s are removed. The leveled ops are duplicated per consumer (free).
 *
 * <p>Declines: {@code f}'s value (or a value between) is an output or reaches anything else; a
 * leveled op has two encrypted operands, a clear input, or broadcasts its encrypted operand; {@code
 * f} or {@code g} changes shape.
 *
 * <p>Example: {@code src/test/resources/passes/compose-table-lookups/doctest.fhe}.
 */
public final class ComposeTableLookups implements Pass {
  public static final String NAME = "compose-table-lookups";

  ComposeTableLookups() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Property> requires() {
    return Set.of(Property.FUSED);
  }

  @Override
  public Set<Property> establishes() {
    return Set.of();
  }

  @Override
  public Program run(Program program, PassContext context) {
    Program p = program;
    boolean changed = true;
    while (changed) {
      changed = false;
      List<List<Integer>> users = users(p);
      Set<Integer> outputs = new HashSet<>(p.outputs());
      for (Node f : p.nodes()) {
        if (f.op() instanceof Op.TableLookup ft && sameShape(p, f.id(), ft.x())) {
          Optional<List<Integer>> consumers = consumers(p, f.id(), users, outputs);
          if (consumers.isPresent() && !consumers.get().isEmpty()) {
            p = rewrite(p, f.id(), consumers.get(), context);
            changed = true;
            break;
          }
        }
      }
    }
    return p;
  }

  private static List<List<Integer>> users(Program p) {
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < p.nodes().size(); i++) {
      users.add(new ArrayList<>());
    }
    for (Node n : p.nodes()) {
      for (int o : new HashSet<>(n.op().operands())) {
        users.get(o).add(n.id());
      }
    }
    return users;
  }

  private static boolean sameShape(Program p, int a, int b) {
    return Arrays.equals(p.type(a).shape(), p.type(b).shape());
  }

  /** The lookups f's value reaches through allowed ops, or empty when it reaches anything else. */
  private static Optional<List<Integer>> consumers(
      Program p, int f, List<List<Integer>> users, Set<Integer> outputs) {
    List<Integer> tlus = new ArrayList<>();
    ArrayDeque<Integer> work = new ArrayDeque<>(List.of(f));
    Set<Integer> seen = new HashSet<>();
    while (!work.isEmpty()) {
      int v = work.pop();
      if (!seen.add(v) || outputs.contains(v)) {
        if (outputs.contains(v)) {
          return Optional.empty();
        }
        continue;
      }
      for (int u : users.get(v)) {
        Node un = p.node(u);
        if (un.op() instanceof Op.TableLookup && sameShape(p, u, ((Op.TableLookup) un.op()).x())) {
          if (!tlus.contains(u)) {
            tlus.add(u);
          }
        } else if (encryptedOperand(p, un).orElse(-1) == v) {
          work.push(u);
        } else {
          return Optional.empty();
        }
      }
    }
    return Optional.of(tlus);
  }

  /**
   * The single encrypted operand of an allowed leveled or data-movement node (same shape as the
   * result for elementwise ops), or empty.
   */
  private static Optional<Integer> encryptedOperand(Program p, Node n) {
    if (!n.type().encrypted() || n.type().isFloat()) {
      return Optional.empty();
    }
    return switch (n.op()) {
      case Op.Binary b -> {
        boolean ok = b.kind() == Op.BinaryKind.ADD || b.kind() == Op.BinaryKind.SUB;
        ok |= b.kind() == Op.BinaryKind.MUL;
        boolean l = p.type(b.lhs()).encrypted();
        boolean r = p.type(b.rhs()).encrypted();
        int e = l ? b.lhs() : b.rhs();
        yield ok && l != r && sameShape(p, e, n.id()) && clearFoldable(p, l ? b.rhs() : b.lhs())
            ? Optional.of(e)
            : Optional.empty();
      }
      case Op.Neg ng -> Optional.of(ng.x());
      case Op.Reshape r -> Optional.of(r.x());
      case Op.Transpose t -> Optional.of(t.x());
      case Op.Slice s -> Optional.of(s.x());
      case Op.Broadcast b -> Optional.of(b.x());
      case Op.Gather g -> Optional.of(g.x());
      case Op.Input in -> Optional.empty();
      case Op.Constant c -> Optional.empty();
      case Op.MatMul m -> Optional.empty();
      case Op.Sum s -> Optional.empty();
      case Op.Reduce r -> Optional.empty();
      case Op.Unary u -> Optional.empty();
      case Op.Cast c -> Optional.empty();
      case Op.Where w -> Optional.empty();
      case Op.RoundBits r -> Optional.empty();
      case Op.Concat c -> Optional.empty();
      case Op.TableLookup t -> Optional.empty();
    };
  }

  /** A clear value computed from constants only (no clear program input). */
  private static boolean clearFoldable(Program p, int id) {
    Node n = p.node(id);
    if (n.op() instanceof Op.Input) {
      return false;
    }
    for (int o : n.op().operands()) {
      if (!clearFoldable(p, o)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isMovement(Op op) {
    return op instanceof Op.Reshape
        || op instanceof Op.Transpose
        || op instanceof Op.Slice
        || op instanceof Op.Broadcast
        || op instanceof Op.Gather;
  }

  private Program rewrite(Program p, int f, List<Integer> consumers, PassContext context) {
    Map<Integer, Tensor> clear = new HashMap<>();
    Map<Integer, List<Node>> inserted = new HashMap<>();
    for (int g : consumers) {
      inserted.put(g, List.of());
    }
    List<Node> out = new ArrayList<>();
    int[] newId = new int[p.nodes().size()];
    Op.TableLookup ft = (Op.TableLookup) p.node(f).op();
    for (Node node : p.nodes()) {
      if (inserted.containsKey(node.id())) {
        // chain from f (exclusive) to g's input (inclusive), in evaluation order
        List<Integer> chain = new ArrayList<>();
        int cur = ((Op.TableLookup) node.op()).x();
        while (cur != f) {
          chain.add(0, cur);
          cur = encryptedOperand(p, p.node(cur)).orElseThrow();
        }
        // data movement on f's input
        int x = newId[ft.x()];
        Node fx = p.node(ft.x());
        for (int c : chain) {
          Node cn = p.node(c);
          if (isMovement(cn.op())) {
            final int src = x;
            Op moved = Ops.mapOperands(cn.op(), o -> src);
            x = out.size();
            out.add(
                new Node(
                    x,
                    moved,
                    new TensorType(cn.type().shape(), fx.type().element(), true),
                    fx.bounds(),
                    cn.location()));
          }
        }
        Program fn = composedFunction(p, f, chain, node, clear, out.get(x).type());
        newId[node.id()] = out.size();
        out.add(
            new Node(
                out.size(),
                new Op.TableLookup(x, fn),
                node.type(),
                node.bounds(),
                node.location()));
      } else {
        newId[node.id()] = out.size();
        out.add(
            new Node(
                out.size(),
                Ops.mapOperands(node.op(), o -> newId[o]),
                node.type(),
                node.bounds(),
                node.location()));
      }
    }
    List<Integer> outputs = p.outputs().stream().map(o -> newId[o]).toList();
    return Passes.DEAD_CODE_ELIMINATION.run(new Program(p.name(), out, outputs), context);
  }

  /** g ∘ chain ∘ f as one function of an element of f's input moved like the chain moves data. */
  private static Program composedFunction(
      Program p,
      int f,
      List<Integer> chain,
      Node g,
      Map<Integer, Tensor> clear,
      TensorType inputType) {
    int[] shape = inputType.shape();
    List<Node> nodes = new ArrayList<>();
    nodes.add(new Node(0, new Op.Input(0, "x"), inputType, Optional.empty(), Location.UNKNOWN));
    Program ff = ((Op.TableLookup) p.node(f).op()).function();
    List<Op> moves = new ArrayList<>();
    for (int c : chain) {
      if (isMovement(p.node(c).op())) {
        moves.add(p.node(c).op());
      }
    }
    int v = inline(ff, 0, nodes, p.type(f).shape(), moves, shape);
    for (int i = 0; i < chain.size(); i++) {
      Node cn = p.node(chain.get(i));
      List<Op> later = new ArrayList<>();
      for (int j = i + 1; j < chain.size(); j++) {
        if (isMovement(p.node(chain.get(j)).op())) {
          later.add(p.node(chain.get(j)).op());
        }
      }
      if (cn.op() instanceof Op.Binary b) {
        boolean lEnc = p.type(b.lhs()).encrypted();
        Tensor c = FuseTableLookups.clearValue(p, lEnc ? b.rhs() : b.lhs(), clear);
        int k = constant(nodes, move(c, cn.type().shape(), later));
        int lhs = lEnc ? v : k;
        int rhs = lEnc ? k : v;
        v = add(nodes, new Op.Binary(b.kind(), lhs, rhs), cn.type(), shape);
      } else if (cn.op() instanceof Op.Neg) {
        v = add(nodes, new Op.Neg(v), cn.type(), shape);
      }
      // data movement was applied to the input already
    }
    v = inline(((Op.TableLookup) g.op()).function(), v, nodes, shape, List.of(), shape);
    return new Program("c" + g.id(), nodes, List.of(v));
  }

  /** Copies a table function after {@code nodes}, reading {@code x}; constants moved to shape. */
  private static int inline(
      Program fn, int x, List<Node> nodes, int[] fnShape, List<Op> moves, int[] shape) {
    int[] map = new int[fn.nodes().size()];
    for (Node n : fn.nodes()) {
      if (n.op() instanceof Op.Input) {
        map[n.id()] = x;
      } else if (n.op() instanceof Op.Constant c) {
        map[n.id()] = constant(nodes, move(c.value(), fnShape, moves));
      } else {
        map[n.id()] = add(nodes, Ops.mapOperands(n.op(), o -> map[o]), n.type(), shape);
      }
    }
    return map[fn.outputs().get(0)];
  }

  private static int add(List<Node> nodes, Op op, TensorType t, int[] shape) {
    int id = nodes.size();
    nodes.add(new Node(id, op, t.withShape(shape), Optional.empty(), Location.UNKNOWN));
    return id;
  }

  private static int constant(List<Node> nodes, Tensor t) {
    int id = nodes.size();
    nodes.add(
        new Node(
            id, new Op.Constant(t), TypeRules.constantType(t), Optional.empty(), Location.UNKNOWN));
    return id;
  }

  /**
   * A constant that broadcast against values of {@code at} shape, expressed for the values after
   * {@code moves}: single values become scalars, others are broadcast to {@code at} and moved.
   */
  private static Tensor move(Tensor c, int[] at, List<Op> moves) {
    if (c.size() == 1) {
      // a scalar broadcasts against any shape the moves produce (a [1,1,1] would add dimensions)
      return switch (c) {
        case Tensor.Ints i -> Tensor.Ints.scalar(i.at(0));
        case Tensor.Floats f -> Tensor.Floats.scalar(f.at(0));
      };
    }
    if (moves.isEmpty()) {
      return c;
    }
    List<Node> sub = new ArrayList<>();
    TensorType ct = TypeRules.constantType(c);
    sub.add(new Node(0, new Op.Constant(c), ct, Optional.empty(), Location.UNKNOWN));
    sub.add(new Node(1, new Op.Broadcast(0, toList(at)), ct, Optional.empty(), Location.UNKNOWN));
    for (Op m : moves) {
      int prev = sub.size() - 1;
      sub.add(
          new Node(
              sub.size(), Ops.mapOperands(m, o -> prev), ct, Optional.empty(), Location.UNKNOWN));
    }
    return ReferenceEvaluator.evaluate(new Program("move", sub, List.of(sub.size() - 1)), List.of())
        .get(0);
  }

  private static List<Integer> toList(int[] a) {
    return Arrays.stream(a).boxed().toList();
  }
}
