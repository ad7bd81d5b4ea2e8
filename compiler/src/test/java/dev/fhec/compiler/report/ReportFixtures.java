package dev.fhec.compiler.report;

import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.TensorType;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import dev.fhec.runtime.params.SecurityCurve;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small hand-built programs and circuits for report tests. */
final class ReportFixtures {
  private ReportFixtures() {}

  /** Concrete's docs example set (compiler.md §11), with σ exactly on the 128-bit curve. */
  static ParameterSet docsParameters() {
    return new ParameterSet(
        "P781_2048",
        new LweDimension(781),
        new GlweDimension(1),
        new PolynomialSize(2048),
        new Decomposition(23, 1),
        new Decomposition(3, 5),
        SecurityCurve.minStd(781),
        SecurityCurve.minStd(2048));
  }

  static TensorType enc(boolean signed, int width, int... shape) {
    return new TensorType(shape, new ElementType.IntType(signed, width), true);
  }

  static TensorType clear(int width, int... shape) {
    return new TensorType(shape, new ElementType.IntType(true, width), false);
  }

  static Program identityFunction() {
    Node in = new Node(0, new Op.Input(0, "x"), enc(false, 7), Optional.empty(), Location.UNKNOWN);
    return new Program("f", List.of(in), List.of(0));
  }

  static Location src(int line) {
    return new Location.Source("small.fhe", line, 5, line, 20);
  }

  /**
   *
   *
   * <pre>
   * %0 = input x          EncryptedUInt<4>[2,3] ∈ [0, 15]
   * %1 = constant         ClearInt<3>[3,2]
   * %2 = matmul(%0, %1)   EncryptedUInt<7>[2,2] ∈ [0, 90]
   * %3 = tlu(%2)          EncryptedUInt<4>[2,2] ∈ [0, 9]
   * %4 = constant         ClearInt<3>[2,2]
   * %5 = add(%3, %4)      EncryptedUInt<5>[2,2] ∈ [0, 12]
   * </pre>
   */
  static Program small() {
    List<Node> n = new ArrayList<>();
    n.add(
        new Node(
            0, new Op.Input(0, "x"), enc(false, 4, 2, 3), Optional.of(new Bounds(0, 15)), src(1)));
    n.add(
        new Node(
            1,
            new Op.Constant(new Tensor.Ints(new int[] {3, 2}, new long[] {1, 2, 3, 0, 1, 2})),
            clear(3, 3, 2),
            Optional.of(new Bounds(0, 3)),
            src(2)));
    n.add(
        new Node(
            2, new Op.MatMul(0, 1), enc(false, 7, 2, 2), Optional.of(new Bounds(0, 90)), src(2)));
    n.add(
        new Node(
            3,
            new Op.TableLookup(2, identityFunction()),
            enc(false, 4, 2, 2),
            Optional.of(new Bounds(0, 9)),
            src(3)));
    n.add(
        new Node(
            4,
            new Op.Constant(new Tensor.Ints(new int[] {2, 2}, new long[] {0, 1, 2, 3})),
            clear(3, 2, 2),
            Optional.of(new Bounds(0, 3)),
            src(4)));
    n.add(
        new Node(
            5,
            new Op.Binary(Op.BinaryKind.ADD, 3, 4),
            enc(false, 5, 2, 2),
            Optional.of(new Bounds(0, 12)),
            src(4)));
    return new Program("small", n, List.of(5));
  }

  /** The runtime circuit of {@link #small()}: input, matmul by a clear, one TLU, add a clear. */
  static Circuit smallCircuit() {
    List<ValueInfo> values =
        List.of(
            new ValueInfo(new int[] {2, 3}, 7, false, true),
            new ValueInfo(new int[] {2, 2}, 7, false, true),
            new ValueInfo(new int[] {2, 2}, 5, false, true),
            new ValueInfo(new int[] {2, 2}, 5, false, true));
    List<ClearTensor> constants =
        List.of(
            new ClearTensor(new int[] {3, 2}, new long[] {1, 2, 3, 0, 1, 2}),
            new ClearTensor(new int[] {2, 2}, new long[] {0, 1, 2, 3}));
    long[] table = new long[128];
    for (int i = 0; i < table.length; i++) {
      table[i] = Math.min(i / 10, 15);
    }
    List<Instruction> ins =
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.MatMulEC(1, 0, 0),
            new Instruction.Tlu(2, 1, new int[] {0}),
            new Instruction.AddEC(3, 2, 1));
    return new Circuit(
        Circuit.FORMAT_VERSION,
        "small",
        docsParameters(),
        values,
        constants,
        List.of(new LookupTable(table)),
        ins,
        List.of(0),
        List.of(3));
  }

  /**
   * An attention-shaped program (q, k, v projections, scores, a softmax made of table lookups,
   * weighted sum) for the screenshot: big enough to show layout, colours and charts.
   */
  static Program attentionLike() {
    List<Node> n = new ArrayList<>();
    int seq = 6;
    int d = 16;
    // 0 input, 1..3 weights, 4..6 projections, 7..9 requantize TLUs
    n.add(node(n, new Op.Input(0, "x"), enc(true, 7, seq, d), -64, 63, 1));
    for (int i = 0; i < 3; i++) {
      n.add(node(n, new Op.Constant(zeros(d, d)), clear(8, d, d), -128, 127, 2 + i));
    }
    for (int i = 0; i < 3; i++) {
      n.add(node(n, new Op.MatMul(0, 1 + i), enc(true, 17, seq, d), -50_000, 50_000, 2 + i));
    }
    for (int i = 0; i < 3; i++) {
      n.add(
          node(n, new Op.TableLookup(4 + i, identityFunction()), enc(true, 5, seq, d), -16, 15, 5));
    }
    n.add(node(n, new Op.Transpose(8, List.of(1, 0)), enc(true, 5, d, seq), -16, 15, 6)); // 10
    n.add(node(n, new Op.MatMul(7, 10), enc(true, 12, seq, seq), -2000, 2000, 6)); // 11
    n.add(node(n, new Op.RoundBits(11, 5, false), enc(true, 12, seq, seq), -2000, 2000, 6)); // 12
    n.add(
        node(
            n,
            new Op.TableLookup(12, identityFunction()),
            enc(false, 8, seq, seq),
            0,
            255,
            7)); // 13
    n.add(node(n, new Op.Sum(13, List.of(1), true), enc(false, 11, seq, 1), 0, 1530, 8)); // 14
    n.add(
        node(n, new Op.TableLookup(14, identityFunction()), enc(false, 6, seq, 1), 1, 63, 8)); // 15
    n.add(node(n, new Op.MatMul(13, 9), enc(true, 13, seq, d), -4000, 4000, 9)); // 16
    n.add(node(n, new Op.Binary(Op.BinaryKind.MUL, 16, 15), enc(true, 15, seq, d), -9000, 9000, 9));
    n.add(
        node(
            n,
            new Op.TableLookup(17, identityFunction()),
            enc(true, 7, seq, d),
            -64,
            63,
            10)); // 18
    return new Program("attention_like", n, List.of(18));
  }

  private static Tensor.Ints zeros(int... shape) {
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    return new Tensor.Ints(shape, new long[size]);
  }

  private static Node node(List<Node> n, Op op, TensorType t, long min, long max, int line) {
    return new Node(n.size(), op, t, Optional.of(new Bounds(min, max)), src(line));
  }

  /**
   * A circuit whose TLUs match {@link #attentionLike()}'s table lookups (3·6·16 + 6·6 + 6 + 6·16)
   * plus the enc×enc products lowered to two TLUs per product term.
   */
  static Circuit attentionLikeCircuit() {
    List<ValueInfo> values = new ArrayList<>();
    List<Instruction> ins = new ArrayList<>();
    values.add(new ValueInfo(new int[] {6, 16}, 7, true, true));
    ins.add(new Instruction.Input(0, 0));
    int[][] tluShapes = {{3 * 6, 16}, {6, 6}, {6, 1}, {6, 16}, {2 * 6 * 6 * 16 + 2 * 6 * 16, 1}};
    for (int[] s : tluShapes) {
      int id = values.size();
      values.add(new ValueInfo(s, 7, true, true));
      ins.add(new Instruction.Tlu(id, 0, new int[] {0}));
    }
    return new Circuit(
        Circuit.FORMAT_VERSION,
        "attention_like",
        docsParameters(),
        values,
        List.of(),
        List.of(new LookupTable(new long[128])),
        ins,
        List.of(0),
        List.of(values.size() - 1));
  }
}
