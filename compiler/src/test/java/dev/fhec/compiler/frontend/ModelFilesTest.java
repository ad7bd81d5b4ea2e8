package dev.fhec.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.frontend.lang.LangFrontend;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.runtime.io.npy.Npy;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files a model refers to must stay inside the model's folder, in every frontend. */
class ModelFilesTest {
  @TempDir Path root;
  Path model;
  Path outside;

  @BeforeEach
  void layout() throws Exception {
    model = Files.createDirectories(root.resolve("model"));
    outside = Files.createDirectories(root.resolve("secret"));
    NpyArray w = new NpyArray.Ints(new int[] {2}, new long[] {1, 2});
    Npy.write(w, outside.resolve("w.npy"));
    Npz.write(Map.of("w", w), true, outside.resolve("w.npz"));
    Files.createDirectories(model.resolve("sub"));
    Npy.write(w, model.resolve("sub/w.npy"));
    Npz.write(Map.of("w", w), true, model.resolve("sub/w.npz"));
  }

  private static String graph(String constant) {
    return """
        {"inputs": [{"name": "x", "shape": [2], "dtype": "int", "encrypted": true,
                     "range": [-4, 3]}],
         "constants": [%s],
         "nodes": [{"name": "y", "op": "add", "inputs": ["x", "w"]}],
         "outputs": ["y"]}
        """
        .formatted(constant);
  }

  private CompileException jsonFails(String constant) throws Exception {
    Path g = model.resolve("g.json");
    Files.writeString(g, graph(constant));
    return assertThrows(CompileException.class, () -> JsonGraphFrontend.load(g));
  }

  @Test
  void jsonFileConstantsMayNotLeaveTheFolder() throws Exception {
    CompileException up =
        jsonFails("{\"name\": \"w\", \"npz\": \"../secret/w.npz\", \"key\": \"w\"}");
    assertTrue(up.getMessage().contains("leaves the model's folder"), up.getMessage());
    assertEquals("/constants/0/npz", ((Location.Json) up.first().location()).pointer());

    String abs = outside.resolve("w.npy").toString().replace("\\", "\\\\");
    CompileException absolute = jsonFails("{\"name\": \"w\", \"file\": \"" + abs + "\"}");
    assertTrue(absolute.getMessage().contains("absolute path"), absolute.getMessage());
    assertEquals("/constants/0/file", ((Location.Json) absolute.first().location()).pointer());

    CompileException sneaky = jsonFails("{\"name\": \"w\", \"file\": \"sub/../../secret/w.npy\"}");
    assertTrue(sneaky.getMessage().contains("leaves"), sneaky.getMessage());
  }

  @Test
  void aSymbolicLinkOutOfTheFolderIsRefusedOneInsideIsFollowed() throws Exception {
    Files.createSymbolicLink(model.resolve("link.npy"), outside.resolve("w.npy"));
    Files.createSymbolicLink(model.resolve("inside.npy"), model.resolve("sub/w.npy"));
    CompileException e = jsonFails("{\"name\": \"w\", \"file\": \"link.npy\"}");
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    Path g = model.resolve("g.json");
    Files.writeString(g, graph("{\"name\": \"w\", \"file\": \"inside.npy\"}"));
    Program p = JsonGraphFrontend.load(g);
    assertTrue(p.nodes().stream().anyMatch(n -> n.op() instanceof Op.Constant));
    // a link to the folder itself from outside: the model folder reached through a link is fine
    Path alias = Files.createSymbolicLink(root.resolve("alias"), model);
    Files.writeString(g, graph("{\"name\": \"w\", \"file\": \"sub/w.npy\"}"));
    JsonGraphFrontend.load(alias.resolve("g.json"));
  }

  @Test
  void npLoadInFheMayNotLeaveTheFolder() {
    String src =
        """
        import numpy as np
        W = np.load("%s")

        def f(x: Encrypted[int4, (2,)]):
            return x + W
        """;
    LangFrontend fe = new LangFrontend();
    CompileException up =
        assertThrows(
            CompileException.class,
            () -> fe.compile(src.formatted("../secret/w.npy"), "m.fhe", model));
    assertTrue(up.getMessage().contains("leaves the model's folder"), up.getMessage());
    assertTrue(up.first().location() instanceof Location.Source s && s.line() == 2, up.toString());
    String abs = outside.resolve("w.npy").toString().replace("\\", "/");
    CompileException absolute =
        assertThrows(CompileException.class, () -> fe.compile(src.formatted(abs), "m.fhe", model));
    assertTrue(absolute.getMessage().contains("absolute path"), absolute.getMessage());
    Program ok = fe.compile(src.formatted("sub/w.npy"), "m.fhe", model);
    assertEquals(1, ok.outputs().size());
  }

  @Test
  void resolveInsideKeepsHarmlessDotSegments() throws Exception {
    assertEquals(
        model.toAbsolutePath().normalize().resolve("sub/w.npy"),
        ModelFiles.resolveInside(model, "./sub/../sub/w.npy"));
    assertThrows(ModelFiles.EscapeException.class, () -> ModelFiles.resolveInside(model, ".."));
    assertThrows(ModelFiles.EscapeException.class, () -> ModelFiles.resolveInside(model, ""));
  }
}
