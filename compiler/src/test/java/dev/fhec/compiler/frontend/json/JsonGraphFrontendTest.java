package dev.fhec.compiler.frontend.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.IrPrinter;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.io.npy.Npy;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonGraphFrontendTest {
  private static Program parse(String json) {
    return JsonGraphFrontend.parse(json, "g.json", Optional.empty());
  }

  private static CompileException fails(String json) {
    return assertThrows(CompileException.class, () -> parse(json));
  }

  private static String pointer(CompileException e) {
    return ((Location.Json) e.first().location()).pointer();
  }

  @Test
  void attentionLikeGraphWithFileConstants(@TempDir Path dir) throws Exception {
    Npy.write(
        new NpyArray.Ints(new int[] {4, 2}, new long[] {1, -1, 2, 0, 0, 3, -2, 1}),
        dir.resolve("wq.npy"));
    Npz.write(
        Map.of("wk", new NpyArray.Floats(new int[] {4, 2}, new double[] {1, 0, 0, 1, 1, 1, 0, 2})),
        true,
        dir.resolve("w.npz"));
    String json =
        """
        {"name": "head",
         "inputs": [{"name": "x", "shape": [3, 4], "dtype": "int", "encrypted": true, "range": [-8, 7]}],
         "constants": [{"name": "wq", "file": "wq.npy"},
                       {"name": "wk", "npz": "w.npz", "key": "wk", "dtype": "int"},
                       {"name": "mask", "data": [[1, 0, 0], [1, 1, 0], [1, 1, 1]]}],
         "nodes": [{"name": "q", "op": "matmul", "inputs": ["x", "wq"]},
                   {"name": "k", "op": "matmul", "inputs": ["x", "wk"]},
                   {"name": "kt", "op": "transpose", "inputs": ["k"]},
                   {"name": "s", "op": "matmul", "inputs": ["q", "kt"]},
                   {"name": "sf", "op": "mul", "inputs": ["s", 0.5]},
                   {"name": "m", "op": "where", "inputs": ["mask", "sf", -100]},
                   {"name": "mx", "op": "max", "inputs": ["m"], "axis": -1, "keepdims": true},
                   {"name": "e", "op": "exp", "inputs": [{"_": 0}]}],
         "outputs": ["mx"]}
        """;
    Files.writeString(dir.resolve("g.json"), json);
    CompileException bad =
        assertThrows(CompileException.class, () -> JsonGraphFrontend.load(dir.resolve("g.json")));
    assertEquals("/nodes/7/inputs/0", pointer(bad));
    Files.writeString(
        dir.resolve("g.json"),
        json.replace(
            ",\n           {\"name\": \"e\", \"op\": \"exp\", \"inputs\": [{\"_\": 0}]}", ""));
    Program p = JsonGraphFrontend.load(dir.resolve("g.json"));
    assertEquals("head", p.name());
    assertEquals(new Bounds(-8, 7), p.node(0).bounds().orElseThrow());
    Op.Constant wk = (Op.Constant) p.node(2).op();
    assertEquals(
        new Tensor.Ints(new int[] {4, 2}, new long[] {1, 0, 0, 1, 1, 1, 0, 2}), wk.value());
    Program out = p;
    int mx = out.outputs().get(0);
    assertArrayEquals(new int[] {3, 1}, out.type(mx).shape());
    assertTrue(out.type(mx).encrypted());
    assertInstanceOf(ElementType.FloatType.class, out.type(mx).element());
    assertEquals(
        new Location.Json(dir.resolve("g.json").toString(), "/nodes/6"), out.node(mx).location());
    assertTrue(IrPrinter.print(out).contains("max(%"));
  }

  @Test
  void shapeErrorsPointAtTheNodeAndNameBothShapes() {
    CompileException e =
        fails(
            """
            {"inputs": [{"name": "x", "shape": [6, 64], "dtype": "int", "encrypted": true}],
             "constants": [{"name": "w", "shape": [32, 6], "dtype": "int", "data": %s}],
             "nodes": [{"name": "y", "op": "matmul", "inputs": ["x", "w"]}],
             "outputs": ["y"]}
            """
                .formatted(java.util.Arrays.toString(new int[32 * 6])));
    assertEquals("/nodes/0", pointer(e));
    assertTrue(
        e.getMessage().contains("[6,64]") && e.getMessage().contains("[32,6]"), e.getMessage());
  }

  @Test
  void everyErrorHasAPointerAndSaysWhatWasExpected() {
    String head =
        "{\"inputs\": [{\"name\": \"x\", \"shape\": [2], \"dtype\": \"int\", \"encrypted\": true}], ";
    CompileException unknownOp =
        fails(
            head
                + "\"nodes\": [{\"name\": \"y\", \"op\": \"softmax\", \"inputs\": [\"x\"]}], \"outputs\": [\"y\"]}");
    assertEquals("/nodes/0/op", pointer(unknownOp));
    assertTrue(unknownOp.getMessage().contains("supported: abs, add,"), unknownOp.getMessage());
    CompileException unknownValue =
        fails(
            head
                + "\"nodes\": [{\"name\": \"y\", \"op\": \"add\", \"inputs\": [\"x\", \"qk\"]}], \"outputs\": [\"y\"]}");
    assertEquals("/nodes/0/inputs/1", pointer(unknownValue));
    assertTrue(
        unknownValue.getMessage().contains("'qk'") && unknownValue.getMessage().contains("x"));
    assertEquals(
        "/nodes/0/inputs",
        pointer(
            fails(
                head
                    + "\"nodes\": [{\"name\": \"y\", \"op\": \"add\", \"inputs\": [\"x\"]}], \"outputs\": [\"y\"]}")));
    assertEquals(
        "/nodes/0/axs",
        pointer(
            fails(
                head
                    + "\"nodes\": [{\"name\": \"y\", \"op\": \"sum\", \"inputs\": [\"x\"], \"axs\": 0}], \"outputs\": [\"y\"]}")));
    assertEquals(
        "/nodes/1/name",
        pointer(
            fails(
                head
                    + "\"nodes\": [{\"name\": \"y\", \"op\": \"neg\", \"inputs\": [\"x\"]}, {\"name\": \"y\", \"op\": \"neg\", \"inputs\": [\"x\"]}], \"outputs\": [\"y\"]}")));
    assertEquals("/outputs/0", pointer(fails(head + "\"nodes\": [], \"outputs\": [\"z\"]}")));
    assertEquals(
        "/inputs/0/dtype",
        pointer(
            fails(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [2], \"dtype\": \"float\", \"encrypted\": true}], \"nodes\": [], \"outputs\": [\"x\"]}")));
    assertEquals(
        "/constants/0/data/1",
        pointer(
            fails(
                head
                    + "\"constants\": [{\"name\": \"c\", \"data\": [[1, 2], [3]]}], \"nodes\": [], \"outputs\": [\"x\"]}")));
    assertEquals(
        "/constants/0/data/1",
        pointer(
            fails(
                head
                    + "\"constants\": [{\"name\": \"c\", \"dtype\": \"int\", \"data\": [1, 2.5]}], \"nodes\": [], \"outputs\": [\"x\"]}")));
    assertEquals(
        "/constants/0/file",
        pointer(
            fails(
                head
                    + "\"constants\": [{\"name\": \"c\", \"file\": \"w.npy\"}], \"nodes\": [], \"outputs\": [\"x\"]}")));
    CompileException syntax = fails("{\"inputs\": [");
    assertEquals("", pointer(syntax));
    assertTrue(syntax.getMessage().contains("line 1"), syntax.getMessage());
  }

  @Test
  void movementOpsFollowNumpy() {
    Program p =
        parse(
            """
            {"inputs": [{"name": "x", "shape": [2, 6, 1], "dtype": "int", "encrypted": true}],
             "nodes": [{"op": "split", "inputs": ["x"], "outputs": ["a", "b", "c"], "axis": 1},
                       {"name": "s", "op": "squeeze", "inputs": ["a"]},
                       {"name": "t", "op": "take", "inputs": ["x"], "indices": [5, -1, 0], "axis": 1},
                       {"name": "k", "op": "concat", "inputs": ["a", "b", "c"], "axis": -2},
                       {"name": "l", "op": "slice", "inputs": ["x"], "starts": [null, 1], "stops": [null, null], "steps": [1, 2]},
                       {"name": "m", "op": "mean", "inputs": ["x"], "axis": [1, 2]},
                       {"name": "q", "op": "astype", "inputs": ["m"], "dtype": "int"}],
             "outputs": ["s", "t", "k", "l", "q"]}
            """);
    int[][] expected = {{2, 2}, {2, 3, 1}, {2, 6, 1}, {2, 3, 1}, {2}};
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], p.type(p.outputs().get(i)).shape(), "output " + i);
    }
    assertEquals(new ElementType.IntType(true, 0), p.type(p.outputs().get(4)).element());
  }
}
