package dev.fhec.compiler.frontend.lang;

import static dev.fhec.compiler.frontend.lang.LangTesting.compile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.ir.TensorType;
import dev.fhec.compiler.ir.UnaryFn;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frontend: small programs traced to IR, checked node by node against numpy's rules. */
class LangFrontendTest {
  private static final String HEADER = "import numpy as np\n";

  private static Program fn(String params, String... body) {
    StringBuilder sb = new StringBuilder(HEADER).append("def f(").append(params).append("):\n");
    for (String line : body) {
      sb.append("    ").append(line).append('\n');
    }
    return compile(sb.toString());
  }

  private static TensorType out(Program p, int i) {
    return p.type(p.outputs().get(i));
  }

  private static long count(Program p, Class<? extends Op> kind) {
    return p.nodes().stream().filter(n -> kind.isInstance(n.op())).count();
  }

  private static TensorType enc(ElementType e, int... shape) {
    return new TensorType(shape, e, true);
  }

  private static final ElementType SINT = new ElementType.IntType(true, 0);
  private static final ElementType FLOAT = new ElementType.FloatType();

  @Test
  void annotatedParametersBecomeTypedInputsWithRanges() {
    Program p =
        fn(
            "x: Encrypted[int4, (6, 768)], c: Clear[uint3, (768,)], r: Encrypted[int4, (2,), (-7, 7)]",
            "return x + c, r");
    assertEquals("f", p.name());
    List<Node> in = p.inputs();
    assertEquals(3, in.size());
    assertEquals(new TensorType(new int[] {6, 768}, SINT, true), in.get(0).type());
    assertEquals(new Bounds(-8, 7), in.get(0).bounds().orElseThrow());
    assertEquals(
        new TensorType(new int[] {768}, new ElementType.IntType(false, 0), false),
        in.get(1).type());
    assertEquals(new Bounds(0, 7), in.get(1).bounds().orElseThrow());
    assertEquals(new Bounds(-7, 7), in.get(2).bounds().orElseThrow());
    assertArrayEquals(new int[] {6, 768}, out(p, 0).shape());
    assertTrue(out(p, 0).encrypted());
  }

  @Test
  void nodesCarryTheSourceSpanOfTheirExpression() {
    Program p = fn("x: Encrypted[int4, (2, 3)]", "y = x * 3", "return y");
    Node mul =
        p.nodes().stream().filter(n -> n.op() instanceof Op.Binary).findFirst().orElseThrow();
    // line 3 is "    y = x * 3"; "x * 3" spans columns 9..13
    assertEquals(new Location.Source("t.fhe", 3, 9, 3, 14), mul.location());
  }

  @Test
  void floatChainsAreKeptAsFloatOpsUntilCastBack() {
    Program p = fn("x: Encrypted[int4, (4,)]", "return np.rint(np.exp(x * 0.25) / 2).astype(int)");
    List<Op> ops = p.nodes().stream().map(Node::op).toList();
    assertTrue(ops.stream().anyMatch(o -> o instanceof Op.Unary u && u.fn() == UnaryFn.Simple.EXP));
    assertTrue(
        ops.stream().anyMatch(o -> o instanceof Op.Unary u && u.fn() == UnaryFn.Simple.RINT));
    assertEquals(enc(SINT, 4), out(p, 0));
    Node cast = p.node(p.outputs().get(0));
    assertEquals(FLOAT, p.type(((Op.Cast) cast.op()).x()).element());
  }

  @Test
  void floorDivisionAndModuloOfIntegersAreIntegers() {
    Program p = fn("x: Encrypted[int4, (3,)]", "return x // 3, x % 4, x / 2, -x ** 2");
    assertEquals(enc(SINT, 3), out(p, 0));
    assertEquals(enc(SINT, 3), out(p, 1));
    assertEquals(enc(FLOAT, 3), out(p, 2));
    Node neg = p.node(p.outputs().get(3));
    assertInstanceOf(Op.Neg.class, neg.op());
    Op pow = p.node(((Op.Neg) neg.op()).x()).op();
    assertEquals(new UnaryFn.Power(2), ((Op.Unary) pow).fn());
  }

  @Test
  void constantExpressionsAreFoldedWithPythonSemantics() {
    // -7 // 2 == -4 and -7 % 2 == 1 in Python; shapes built from them must follow.
    Program p =
        fn(
            "x: Encrypted[int4, (8, 6)]",
            "n = 2 ** 3 - -7 // 2 * 1 - 7 - -7 % 2",
            "return x.reshape(n, -1)");
    // 8 - (-4) - 7 - 1 = 4
    assertArrayEquals(new int[] {4, 12}, out(p, 0).shape());
  }

  @Test
  void slicingWithStepsNegativeIndicesAndNewAxis() {
    Program p =
        fn(
            "x: Encrypted[int4, (6, 8)]",
            "return x[-1, ::3], x[1:-1:2, -3:], x[None, :, 2], x[:, ::2].T, x[::-1 + 2]");
    assertArrayEquals(new int[] {3}, out(p, 0).shape());
    Op.Slice s = (Op.Slice) p.node(((Op.Reshape) p.node(p.outputs().get(0)).op()).x()).op();
    assertEquals(List.of(5, 0), s.starts());
    assertEquals(List.of(1, 3), s.steps());
    assertArrayEquals(new int[] {2, 3}, out(p, 1).shape()); // rows 1,3 ; cols 5,6,7
    Op.Slice s1 = (Op.Slice) p.node(p.outputs().get(1)).op();
    assertEquals(List.of(1, 5), s1.starts());
    assertArrayEquals(new int[] {1, 6}, out(p, 2).shape());
    assertArrayEquals(new int[] {4, 6}, out(p, 3).shape());
    assertArrayEquals(new int[] {6, 8}, out(p, 4).shape());
  }

  @Test
  void ellipsisStandsForTheAxesNotIndexed() {
    Program p =
        fn(
            "x: Encrypted[int4, (2, 3, 4)]",
            "return x[..., 1:3], x[0, ...], x[..., None], x[...], x[1, ..., 2]");
    assertArrayEquals(new int[] {2, 3, 2}, out(p, 0).shape());
    Op.Slice s = (Op.Slice) p.node(p.outputs().get(0)).op();
    assertEquals(List.of(0, 0, 1), s.starts());
    assertArrayEquals(new int[] {3, 4}, out(p, 1).shape());
    assertArrayEquals(new int[] {2, 3, 4, 1}, out(p, 2).shape());
    assertEquals(0, p.outputs().get(3)); // x[...] is x itself
    assertArrayEquals(new int[] {3}, out(p, 4).shape());
  }

  @Test
  void numpyReductionsAndShapes() {
    Program p =
        fn(
            "x: Encrypted[int4, (2, 3, 4)]",
            "return (np.sum(x, axis=-1, keepdims=True), x.sum(axis=(0, 2)), np.sum(x),"
                + " np.max(x, axis=1), np.min(x), np.transpose(x, (2, 0, 1)),"
                + " np.expand_dims(x, 0), np.squeeze(x[:, :1, :], axis=1))");
    assertArrayEquals(new int[] {2, 3, 1}, out(p, 0).shape());
    assertArrayEquals(new int[] {3}, out(p, 1).shape());
    assertArrayEquals(new int[] {}, out(p, 2).shape());
    assertArrayEquals(new int[] {2, 4}, out(p, 3).shape());
    assertArrayEquals(new int[] {}, out(p, 4).shape());
    assertArrayEquals(new int[] {4, 2, 3}, out(p, 5).shape());
    assertArrayEquals(new int[] {1, 2, 3, 4}, out(p, 6).shape());
    assertArrayEquals(new int[] {2, 4}, out(p, 7).shape());
  }

  @Test
  void splitConcatenateAndTupleUnpacking() {
    Program p =
        fn(
            "x: Encrypted[int4, (1, 6, 192)]",
            "q, k, v = np.split(x, 3, axis=-1)",
            "a, (b, c) = q, [k, v]",
            "return np.concatenate([c, a], axis=1), b");
    assertArrayEquals(new int[] {1, 12, 64}, out(p, 0).shape());
    Op.Concat cat = (Op.Concat) p.node(p.outputs().get(0)).op();
    Op.Slice first = (Op.Slice) p.node(cat.xs().get(0)).op();
    assertEquals(List.of(0, 0, 128), first.starts());
    assertEquals(List.of(1, 6, 192), first.stops());
    Op.Slice k = (Op.Slice) p.node(p.outputs().get(1)).op();
    assertEquals(List.of(0, 0, 64), k.starts());
  }

  @Test
  void helpersAreInlinedAndLoopsUnrolled() {
    String src =
        HEADER
            + """
            def relu(v):
                return np.maximum(v, 0)

            def running_max(s, n):
                m = s[..., 0:1]
                for i in range(1, n):
                    m = m + relu(s[..., i:i + 1] - m)
                return m

            def f(x: Encrypted[int4, (2, 6)]):
                return running_max(x, x.shape[-1])
            """;
    Program p = compile(src);
    assertEquals(
        5,
        p.nodes().stream()
            .filter(n -> n.op() instanceof Op.Binary b && b.kind() == Op.BinaryKind.MAXIMUM)
            .count());
    assertArrayEquals(new int[] {2, 1}, out(p, 0).shape());
  }

  @Test
  void whereWithAConstantCausalMask() {
    Program p =
        fn(
            "x: Encrypted[int4, (4, 4)]",
            "mask = np.tril(np.ones((4, 4)))",
            "return np.where(mask, x * 0.5, -2.0)");
    Op.Where w = (Op.Where) p.node(p.outputs().get(0)).op();
    Tensor.Ints mask = (Tensor.Ints) ((Op.Constant) p.node(w.cond()).op()).value();
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        assertEquals(c <= r ? 1 : 0, mask.at(r * 4 + c), "mask[" + r + "][" + c + "]");
      }
    }
    assertEquals(enc(FLOAT, 4, 4), out(p, 0));
  }

  @Test
  void constantsLoadedFromNpzAndNpyNextToTheSource(@TempDir Path dir) throws Exception {
    Tensor w =
        new Tensor.Ints(new int[] {4, 3}, new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    Tensor b = new Tensor.Floats(new int[] {3}, new double[] {0.5, 1.5, 2.5});
    LangTesting.MemoryArrays arrays =
        new LangTesting.MemoryArrays()
            .withNpz(dir, "w.npz", Map.of("W", w))
            .withNpy(dir, "b.npy", b);
    String src =
        HEADER
            + """
            W = np.load("w.npz")["W"]
            B = np.load("b.npy")

            def f(x: Encrypted[int4, (2, 4)]):
                return x @ W + B, x @ W
            """;
    Program p = new LangFrontend(arrays).compile(src, "m.fhe", dir);
    assertEquals(enc(FLOAT, 2, 3), out(p, 0));
    assertEquals(enc(SINT, 2, 3), out(p, 1));
    // The weight constant is one node, shared by both uses.
    assertEquals(
        1,
        p.nodes().stream()
            .filter(n -> n.op() instanceof Op.Constant c && c.value().equals(w))
            .count());
  }

  @Test
  void matmulWithTransposeAndMethodForms() {
    Program p =
        fn(
            "q: Encrypted[int4, (1, 1, 6, 64)], k: Encrypted[int4, (1, 1, 6, 64)]",
            "s = q @ np.transpose(k, (0, 1, 3, 2))",
            "return s, np.matmul(q, k.transpose(0, 1, 3, 2)), s.reshape((36,)).astype(float)");
    assertEquals(enc(SINT, 1, 1, 6, 6), out(p, 0));
    assertEquals(enc(SINT, 1, 1, 6, 6), out(p, 1));
    assertEquals(enc(FLOAT, 36), out(p, 2));
    assertEquals(2, count(p, Op.MatMul.class));
  }

  @Test
  void clipSqrtAbsAndComparisons() {
    Program p =
        fn("x: Encrypted[int4, (3,)]", "return np.clip(x, -2, 5), np.sqrt(np.abs(x)), x > 2");
    assertEquals(new UnaryFn.Clip(-2, 5), ((Op.Unary) p.node(p.outputs().get(0)).op()).fn());
    assertEquals(enc(FLOAT, 3), out(p, 1));
    assertEquals(enc(new ElementType.IntType(false, 0), 3), out(p, 2));
  }

  @Test
  void entryFunctionCanBeChosenByName() {
    String src =
        HEADER
            + "def g(x: Encrypted[int4, (2,)]):\n    return x\ndef h(x: Encrypted[int4, (3,)]):\n    return -x\n";
    Program p =
        new LangFrontend(new LangTesting.MemoryArrays())
            .withEntry("h")
            .compile(src, "t.fhe", Path.of("."));
    assertEquals("h", p.name());
    assertArrayEquals(new int[] {3}, out(p, 0).shape());
  }
}
