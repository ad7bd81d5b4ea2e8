package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.io.CorruptFileException;
import dev.fhec.runtime.params.ParameterSets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine's encrypted steps on TOY parameters: the round trip computes the table, and keys
 * or ciphertexts of another circuit or key set are refused even under the same parameters.
 */
class ProjectEngineTest {
  @TempDir Path tmp;
  private final ProjectEngine engine = new ProjectEngine();

  private static Circuit circuit(String name) throws Exception {
    FakeEngine fake = new FakeEngine();
    fake.parameters = ParameterSets.TOY_N512;
    Circuit c =
        fake.compile(
                new Engine.CompileRequest(
                    Path.of("src/test/resources/models/sq.ir"),
                    Optional.empty(),
                    OptionalInt.empty(),
                    CompileOptions.defaults()))
            .circuit();
    return new Circuit(
        c.formatVersion(),
        name,
        c.plan(),
        c.values(),
        c.constants(),
        c.tables(),
        c.instructions(),
        c.inputs(),
        c.outputs());
  }

  private Path[] keygen(Circuit c, String dir) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(dir));
    Path ck = d.resolve(Io.CLIENT_KEY);
    Path ek = d.resolve(Io.EVAL_KEYS);
    engine.keygen(c, ck, ek, ProgressReporter.silent());
    return new Path[] {ck, ek};
  }

  @Test
  void roundTripComputesTheTableAndTheClientKeyIsPrivate() throws Exception {
    Circuit c = circuit("a");
    Path[] keys = keygen(c, "keys");
    Path in = tmp.resolve("in.ct");
    Path out = tmp.resolve("out.ct");
    engine.encrypt(c, keys[0], List.of(new ClearTensor(new int[] {3}, new long[] {1, 5, 7})), in);
    engine.run(c, keys[1], in, out, ProgressReporter.silent());
    List<ClearTensor> y = engine.decrypt(c, keys[0], out);
    assertArrayEquals(
        new long[] {FakeEngine.TABLE[1], FakeEngine.TABLE[5], FakeEngine.TABLE[7]},
        y.get(0).data());
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys[0])));
    }
  }

  @Test
  void runRefusesCiphertextsThatAreNotTheCircuitsInputs() throws Exception {
    Circuit c = circuit("a");
    Path f = tmp.resolve("y.ct");
    UserException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            UserException.class, () -> ProjectEngine.requireInputs(c, List.of(), f));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("holds 0 tensors; the circuit takes 1"), e.getMessage());
  }

  @Test
  void anotherCircuitsKeysAreRefusedUnderTheSameParameters() throws Exception {
    Circuit a = circuit("a");
    Circuit b = circuit("b");
    assertEquals(a.plan(), b.plan());
    Path[] keysA = keygen(a, "a");
    Path in = tmp.resolve("in.ct");
    CorruptFileException e =
        assertThrows(
            CorruptFileException.class,
            () ->
                engine.encrypt(
                    b,
                    keysA[0],
                    List.of(new ClearTensor(new int[] {3}, new long[] {1, 2, 3})),
                    in));
    assertEquals(CorruptFileException.Reason.CIRCUIT_MISMATCH, e.reason());
    assertFalse(e.getMessage().contains("\n"));
    assertThrows(
        CorruptFileException.class,
        () -> engine.run(b, keysA[1], in, tmp.resolve("o"), ProgressReporter.silent()));
  }

  @Test
  void anotherKeySetsCiphertextsAreRefused() throws Exception {
    Circuit a = circuit("a");
    Path[] first = keygen(a, "first");
    Path[] second = keygen(a, "second");
    Path in = tmp.resolve("in.ct");
    engine.encrypt(a, first[0], List.of(new ClearTensor(new int[] {3}, new long[] {1, 2, 3})), in);
    CorruptFileException run =
        assertThrows(
            CorruptFileException.class,
            () -> engine.run(a, second[1], in, tmp.resolve("o"), ProgressReporter.silent()));
    assertEquals(CorruptFileException.Reason.KEY_SET_MISMATCH, run.reason());
    Path out = tmp.resolve("out.ct");
    engine.run(a, first[1], in, out, ProgressReporter.silent());
    CorruptFileException dec =
        assertThrows(CorruptFileException.class, () -> engine.decrypt(a, second[0], out));
    assertEquals(CorruptFileException.Reason.KEY_SET_MISMATCH, dec.reason());
    assertTrue(dec.getMessage().contains("keys of one 'fhec keygen'"), dec.getMessage());
  }

  /** {@link #circuit} with its lookup bootstrapping in a second partition (TOY_N256). */
  private static Circuit twoPartitions() throws Exception {
    Circuit single = circuit("a");
    return dev.fhec.compiler.lowering.PlanApplication.apply(
            dev.fhec.compiler.lowering.LoweredCircuit.of(single),
            List.of(single.parameters(), ParameterSets.TOY_N256),
            new int[] {0, 1},
            List.of(
                new dev.fhec.runtime.circuit.KeyswitchSpec(
                    0,
                    1,
                    dev.fhec.runtime.circuit.KeyswitchSpec.Kind.BIG_TO_SMALL,
                    ParameterSets.TOY_N256.ks())))
        .circuit();
  }

  @Test
  void aTwoPartitionCircuitRunsThroughKeyAndCiphertextFiles() throws Exception {
    Circuit c = twoPartitions();
    Path[] keys = keygen(c, "keys");
    Path in = tmp.resolve("in.ct");
    Path out = tmp.resolve("out.ct");
    engine.encrypt(c, keys[0], List.of(new ClearTensor(new int[] {3}, new long[] {2, 9, 15})), in);
    engine.run(c, keys[1], in, out, ProgressReporter.silent());
    assertArrayEquals(
        new long[] {FakeEngine.TABLE[2], FakeEngine.TABLE[9], FakeEngine.TABLE[15]},
        engine.decrypt(c, keys[0], out).get(0).data());
  }

  @Test
  void inspectListsPartitionsAndKeyswitchesOfATwoPartitionCircuit() throws Exception {
    Circuit single = circuit("a");
    Circuit two =
        dev.fhec.compiler.lowering.PlanApplication.apply(
                dev.fhec.compiler.lowering.LoweredCircuit.of(single),
                List.of(single.parameters(), ParameterSets.TOY_N256),
                new int[] {0, 1},
                List.of(
                    new dev.fhec.runtime.circuit.KeyswitchSpec(
                        0,
                        1,
                        dev.fhec.runtime.circuit.KeyswitchSpec.Kind.BIG_TO_SMALL,
                        ParameterSets.TOY_N256.ks())))
            .circuit();
    dev.fhec.compiler.report.InspectionReport r =
        dev.fhec.compiler.report.InspectionReport.of(
            new dev.fhec.compiler.ir.Program("a", List.of(), List.of()),
            two,
            "",
            dev.fhec.compiler.report.ParameterChoice.fixed("test"),
            java.util.Map.of(),
            java.util.Map.of(),
            List.of());
    java.io.StringWriter text = new java.io.StringWriter();
    InspectCommand.partitions(new java.io.PrintWriter(text, true), r);
    assertTrue(text.toString().contains("Partitions:"), text.toString());
    assertTrue(
        text.toString().matches("(?s).*\\n  1 +TOY_N256 +1 lookups +3 PBS.*"), text.toString());
    assertTrue(
        text.toString().matches("(?s).*0 -> 1 big_to_small +2\\^4 x 4 +3 per run.*"),
        text.toString());
  }

  /** The real engine for keys and ciphertexts, the fake compiler (TOY_N512) for bundles. */
  private static Engine toyEngine() {
    FakeEngine fake = new FakeEngine();
    fake.parameters = ParameterSets.TOY_N512;
    ProjectEngine real = new ProjectEngine();
    return new Engine() {
      @Override
      public dev.fhec.compiler.bundle.Bundle compile(CompileRequest r) throws java.io.IOException {
        return fake.compile(r);
      }

      @Override
      public void keygen(Circuit c, Path ck, Path ek, ProgressReporter p)
          throws java.io.IOException {
        real.keygen(c, ck, ek, p);
      }

      @Override
      public void encrypt(Circuit c, Path ck, List<ClearTensor> in, Path out)
          throws java.io.IOException {
        real.encrypt(c, ck, in, out);
      }

      @Override
      public void run(Circuit c, Path ek, Path in, Path out, ProgressReporter p)
          throws java.io.IOException {
        real.run(c, ek, in, out, p);
      }

      @Override
      public List<ClearTensor> decrypt(Circuit c, Path ck, Path in) throws java.io.IOException {
        return real.decrypt(c, ck, in);
      }

      @Override
      public List<ClearTensor> simulate(Circuit c, List<ClearTensor> in) {
        return real.simulate(c, in);
      }
    };
  }

  private int fhec(java.io.StringWriter err, Engine engine, String... args) {
    picocli.CommandLine cl = FhecCommand.newCommandLine(engine);
    cl.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
    cl.setErr(new java.io.PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void theCommandsRefuseAnotherKeySetWithOneLineAndAHint() throws Exception {
    Engine engine = toyEngine();
    java.io.StringWriter err = new java.io.StringWriter();
    Path model = tmp.resolve("m.json");
    Files.writeString(model, "{}");
    Path b = tmp.resolve("b");
    assertEquals(
        0, fhec(err, engine, "compile", model.toString(), "-o", b.toString()), err.toString());
    Path k1 = tmp.resolve("k1");
    Path k2 = tmp.resolve("k2");
    assertEquals(0, fhec(err, engine, "keygen", b.toString(), "-o", k1.toString()), err.toString());
    assertEquals(0, fhec(err, engine, "keygen", b.toString(), "-o", k2.toString()), err.toString());
    Path x = tmp.resolve("x.npy");
    TensorFiles.write(
        x,
        java.util.Map.of(
            "x", new dev.fhec.compiler.ir.Tensor.Ints(new int[] {3}, new long[] {1, 2, 3})));
    Path ct = tmp.resolve("in.ct");
    assertEquals(
        0,
        fhec(
            err,
            engine,
            "encrypt",
            "--bundle",
            b.toString(),
            "--keys",
            k1.toString(),
            x.toString(),
            "-o",
            ct.toString()),
        err.toString());
    // The server side needs only eval.keys: a directory without the client key works.
    Path server = Files.createDirectories(tmp.resolve("server"));
    Files.copy(k1.resolve(Io.EVAL_KEYS), server.resolve(Io.EVAL_KEYS));
    String[] run = {
      "run",
      "--bundle",
      b.toString(),
      "--eval-keys",
      "",
      ct.toString(),
      "-o",
      tmp.resolve("out.ct").toString()
    };
    run[4] = server.resolve(Io.EVAL_KEYS).toString();
    assertEquals(0, fhec(err, engine, run), err.toString());
    run[4] = k2.resolve(Io.EVAL_KEYS).toString();
    java.io.StringWriter refused = new java.io.StringWriter();
    assertEquals(FhecCommand.USER_ERROR, fhec(refused, engine, run));
    List<String> lines = refused.toString().lines().toList();
    assertEquals(2, lines.size(), refused.toString());
    assertTrue(lines.get(0).contains("belongs to key set"), lines.get(0));
    assertEquals("hint: encrypt, run and decrypt with the keys of one 'fhec keygen'", lines.get(1));
  }

  /**
   * y = T[x] has the input's shape and width: only the role in the file's header tells a run's
   * output from an input. Each command refuses the other with exit 1, a line and a hint.
   */
  @Test
  void runRefusesAnOutputFileAndDecryptAnInputFile() throws Exception {
    Engine engine = toyEngine();
    java.io.StringWriter err = new java.io.StringWriter();
    Path model = tmp.resolve("m.json");
    Files.writeString(model, "{}");
    Path b = tmp.resolve("b");
    Path k = tmp.resolve("k");
    assertEquals(0, fhec(err, engine, "compile", model.toString(), "-o", b.toString()));
    assertEquals(0, fhec(err, engine, "keygen", b.toString(), "-o", k.toString()), err.toString());
    Path x = tmp.resolve("x.npy");
    TensorFiles.write(
        x,
        java.util.Map.of(
            "x", new dev.fhec.compiler.ir.Tensor.Ints(new int[] {3}, new long[] {1, 2, 3})));
    Path in = tmp.resolve("in.ct");
    Path out = tmp.resolve("out.ct");
    String bundle = b.toString();
    String ek = k.resolve(Io.EVAL_KEYS).toString();
    assertEquals(
        0,
        fhec(
            err,
            engine,
            "encrypt",
            "--bundle",
            bundle,
            "--keys",
            k.toString(),
            x.toString(),
            "-o",
            in.toString()),
        err.toString());
    assertEquals(
        0,
        fhec(
            err,
            engine,
            "run",
            "--bundle",
            bundle,
            "--eval-keys",
            ek,
            in.toString(),
            "-o",
            out.toString()),
        err.toString());

    java.io.StringWriter refused = new java.io.StringWriter();
    assertEquals(
        FhecCommand.USER_ERROR,
        fhec(
            refused,
            engine,
            "run",
            "--bundle",
            bundle,
            "--eval-keys",
            ek,
            out.toString(),
            "-o",
            tmp.resolve("again.ct").toString()));
    List<String> lines = refused.toString().lines().toList();
    assertEquals(2, lines.size(), refused.toString());
    assertTrue(lines.get(0).contains("holds the encrypted outputs of a run"), lines.get(0));
    assertTrue(lines.get(1).startsWith("hint: give 'fhec run' the file 'fhec encrypt' wrote"));
    assertFalse(Files.exists(tmp.resolve("again.ct")));

    refused = new java.io.StringWriter();
    assertEquals(
        FhecCommand.USER_ERROR,
        fhec(
            refused,
            engine,
            "decrypt",
            "--keys",
            k.toString(),
            in.toString(),
            "-o",
            tmp.resolve("y.npy").toString()));
    lines = refused.toString().lines().toList();
    assertEquals(2, lines.size(), refused.toString());
    assertTrue(lines.get(0).contains("holds encrypted inputs"), lines.get(0));
    assertTrue(lines.get(1).startsWith("hint: run the circuit on it first"), lines.get(1));
    assertEquals(
        0,
        fhec(
            err,
            engine,
            "decrypt",
            "--keys",
            k.toString(),
            out.toString(),
            "-o",
            tmp.resolve("y.npy").toString()),
        err.toString());
  }

  /**
   * keygen writes into a hidden temporary directory and moves it into place when complete: a
   * failure leaves nothing behind; into an existing directory, other files stay.
   */
  @Test
  void aFailedKeygenLeavesNoDirectoryAndNoFile() throws Exception {
    Engine real = toyEngine();
    Engine failing =
        new Engine() {
          @Override
          public dev.fhec.compiler.bundle.Bundle compile(CompileRequest r)
              throws java.io.IOException {
            return real.compile(r);
          }

          @Override
          public void keygen(Circuit c, Path ck, Path ek, ProgressReporter p)
              throws java.io.IOException {
            real.keygen(c, ck, ek, p);
            throw new IllegalStateException("disk full (simulated) after both key files");
          }

          @Override
          public void encrypt(Circuit c, Path ck, List<ClearTensor> in, Path out) {}

          @Override
          public void run(Circuit c, Path ek, Path in, Path out, ProgressReporter p) {}

          @Override
          public List<ClearTensor> decrypt(Circuit c, Path ck, Path in) {
            return List.of();
          }

          @Override
          public List<ClearTensor> simulate(Circuit c, List<ClearTensor> in) {
            return List.of();
          }
        };
    java.io.StringWriter err = new java.io.StringWriter();
    Path model = tmp.resolve("m.json");
    Files.writeString(model, "{}");
    Path b = tmp.resolve("b");
    assertEquals(0, fhec(err, real, "compile", model.toString(), "-o", b.toString()));
    Path k = tmp.resolve("k");
    assertEquals(
        FhecCommand.INTERNAL_ERROR, fhec(err, failing, "keygen", b.toString(), "-o", k.toString()));
    try (var left = Files.list(tmp)) {
      assertEquals(
          List.of("b", "m.json"),
          left.map(p -> p.getFileName().toString()).sorted().toList(),
          "nothing of the failed keygen is left");
    }
    // Into an existing directory: the keys arrive, a file of the user's stays.
    Files.createDirectories(k);
    Files.writeString(k.resolve("notes.txt"), "mine");
    assertEquals(0, fhec(err, real, "keygen", b.toString(), "-o", k.toString()), err.toString());
    try (var files = Files.list(k)) {
      assertEquals(
          List.of(Io.KEY_CIRCUIT, Io.CLIENT_KEY, Io.EVAL_KEYS, Io.KEY_MANIFEST, "notes.txt"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    try (var left = Files.list(tmp)) {
      assertEquals(3, left.count());
    }
  }
}
