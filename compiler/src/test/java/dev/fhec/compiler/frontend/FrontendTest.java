package dev.fhec.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.compiler.bundle.BundleException;
import dev.fhec.compiler.ir.Program;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one table of model formats: lookup by extension, the hint, and a load through it. */
class FrontendTest {
  @TempDir Path tmp;

  @Test
  void eachExtensionHasOneFrontendAndTheBundleCompilerAcceptsExactlyThose() {
    List<String> exts = Frontend.all().stream().map(Frontend::extension).toList();
    assertEquals(exts.size(), new HashSet<>(exts).size(), "extensions are unique");
    assertEquals(List.of("fhe", "json", "onnx", "ir"), exts);
    assertEquals(exts, BundleCompiler.MODEL_EXTENSIONS);
    for (Frontend f : Frontend.all()) {
      assertEquals(f, Frontend.forFile(Path.of("dir", "m." + f.extension())).orElseThrow());
      assertEquals(
          f,
          Frontend.forFile(Path.of("M." + f.extension().toUpperCase(java.util.Locale.ROOT)))
              .orElseThrow());
    }
    assertInstanceOf(Frontend.Quantizing.class, Frontend.forFile(Path.of("m.onnx")).get());
    assertTrue(Frontend.forFile(Path.of("model")).isEmpty());
    assertTrue(Frontend.forFile(Path.of("model.txt")).isEmpty());
    assertEquals(
        "models are .fhe (Python-like), .json (graph), .onnx (ONNX), .ir (textual IR) files",
        Frontend.formatsHint());
  }

  @Test
  void anUnknownExtensionIsAUserErrorWithTheFormatsHint() throws Exception {
    Path m = Files.writeString(tmp.resolve("model.txt"), "x");
    BundleException e =
        assertThrows(
            BundleException.class,
            () ->
                BundleCompiler.compile(
                    m, Optional.empty(), OptionalInt.empty(), CompileOptions.defaults()));
    assertTrue(e.getMessage().contains("extension '.txt'"), e.getMessage());
    assertEquals(Frontend.formatsHint(), e.hint());
  }

  @Test
  void theIrFrontendReadsTheTextualIr() throws Exception {
    Path m =
        Files.writeString(
            tmp.resolve("m.ir"),
            """
            program m {
              %0 = input(0, "x")  # EncryptedInt[3]
              %1 = abs(%0)
              return %1
            }
            """);
    Program p = Frontend.forFile(m).orElseThrow().load(m);
    assertEquals("m", p.name());
    assertEquals(1, p.inputs().size());
  }
}
