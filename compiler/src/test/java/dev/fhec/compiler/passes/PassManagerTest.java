package dev.fhec.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.ElementType.IntType;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.passes.Pass.Property;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassManagerTest {
  private static final PassContext CTX = new PassContext(CompileOptions.defaults(), List.of());

  /** A test pass with a configurable contract and rewrite. */
  private record Fake(
      String name,
      Set<Property> requires,
      Set<Property> establishes,
      java.util.function.UnaryOperator<Program> body)
      implements Pass {
    @Override
    public Program run(Program program, PassContext context) {
      return body.apply(program);
    }
  }

  private static Program program() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {3}, new IntType(true, 0), true);
    b.neg(x);
    return b.output(b.neg(x)).build();
  }

  @Test
  void checksRequirementsInPipelineOrder() {
    Pass needsFused = new Fake("needs-fused", Set.of(Property.FUSED), Set.of(), p -> p);
    Pass fuses = new Fake("fuses", Set.of(), Set.of(Property.FUSED), p -> p);
    PassManager wrong = new PassManager(List.of(needsFused, fuses), PassManager.Options.defaults());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> wrong.run(program(), CTX, Set.of()));
    assertTrue(e.getMessage().contains("needs-fused") && e.getMessage().contains("FUSED"));
    PassManager right = new PassManager(List.of(fuses, needsFused), PassManager.Options.defaults());
    PassManager.Result r = right.run(program(), CTX, Set.of());
    assertEquals(Set.of(Property.FUSED), r.established());
    assertEquals(
        List.of("fuses", "needs-fused"),
        r.timings().stream().map(PassManager.PassTiming::pass).toList());
  }

  @Test
  void verifiesAfterEveryPassAndNamesThePass() {
    Pass breaks =
        new Fake(
            "breaks-types",
            Set.of(),
            Set.of(),
            p -> {
              List<Node> nodes = new ArrayList<>(p.nodes());
              nodes.set(1, nodes.get(1).withType(nodes.get(1).type().withShape(new int[] {4})));
              return new Program(p.name(), nodes, p.outputs());
            });
    PassManager pm =
        new PassManager(
            List.of(Passes.DEAD_CODE_ELIMINATION, breaks), PassManager.Options.defaults());
    CompileException e =
        assertThrows(CompileException.class, () -> pm.run(program(), CTX, Set.of()));
    assertTrue(e.getMessage().startsWith("invalid IR after pass 'breaks-types'"), e.getMessage());
    assertTrue(e.getMessage().contains("^^^^"), e.getMessage());
    assertEquals(1, e.first().node().getAsInt());
  }

  @Test
  void printsAfterNamedPassOrAllIntoNumberedFiles(@TempDir Path dir) throws Exception {
    Pass id = new Fake("identity", Set.of(), Set.of(), p -> p);
    List<String> printed = new ArrayList<>();
    PassManager named =
        new PassManager(
            List.of(Passes.DEAD_CODE_ELIMINATION, id),
            PassManager.Options.defaults().withPrintIrAfter("dead-code-elimination", printed::add));
    named.run(program(), CTX, Set.of());
    assertEquals(1, printed.size());
    assertTrue(printed.get(0).startsWith("// IR after dead-code-elimination\nprogram p {"));
    // Dead code is gone in the printed IR: 2 nodes remain.
    assertTrue(printed.get(0).contains("%1 = neg(%0)") && !printed.get(0).contains("%2"));

    PassManager all =
        new PassManager(
            List.of(Passes.DEAD_CODE_ELIMINATION, id),
            PassManager.Options.defaults().withPrintIrDir(dir));
    PassManager.Result r = all.run(program(), CTX, Set.of());
    try (var files = Files.list(dir)) {
      assertEquals(
          List.of("00-input.fhe", "01-dead-code-elimination.fhe", "02-identity.fhe"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertTrue(r.timingReport().contains("identity"));
  }
}
