package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.TensorType;
import dev.fhec.compiler.report.InspectionReport;
import dev.fhec.compiler.report.ParameterChoice;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stand-in engine for CLI tests: compiles every model to y = T[x] on a 3-element 4-bit input
 * (T[i] = 3i mod 16), "encrypts" by writing values tagged with the key's fingerprint, and checks on
 * every step that the right key file was used. It exercises the commands' plumbing, not TFHE.
 */
final class FakeEngine implements Engine {
  static final long[] TABLE = new long[16];

  static {
    for (int i = 0; i < 16; i++) {
      TABLE[i] = (3L * i) % 16;
    }
  }

  RuntimeException failWith;
  ParameterSet parameters = parameters();

  static ParameterSet parameters() {
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

  @Override
  public Bundle compile(CompileRequest request) throws IOException {
    if (failWith != null) {
      throw failWith;
    }
    String text = Files.readString(request.model());
    if (text.contains("BROKEN")) {
      throw new CompileException(
          Diagnostic.error(
              "unknown op 'softmax'; supported: add, matmul, ...",
              new Location.Json(request.model().toString(), "/nodes/3/op")));
    }
    TensorType in = new TensorType(new int[] {3}, new ElementType.IntType(false, 4), true);
    Program f =
        new Program(
            "f",
            List.of(new Node(0, new Op.Input(0, "x"), in, Optional.empty(), Location.UNKNOWN)),
            List.of(0));
    Location loc = new Location.Json(request.model().toString(), "/nodes/0");
    Program p =
        new Program(
            "fake",
            List.of(
                new Node(0, new Op.Input(0, "x"), in, Optional.of(new Bounds(0, 15)), loc),
                new Node(1, new Op.TableLookup(0, f), in, Optional.of(new Bounds(0, 15)), loc)),
            List.of(1));
    Circuit c =
        new Circuit(
            Circuit.FORMAT_VERSION,
            "fake",
            parameters,
            List.of(
                new ValueInfo(new int[] {3}, 4, false, true),
                new ValueInfo(new int[] {3}, 4, false, true)),
            List.of(),
            List.of(new LookupTable(TABLE)),
            List.of(new Instruction.Input(0, 0), new Instruction.Tlu(1, 0, new int[] {0})),
            List.of(0),
            List.of(1));
    InspectionReport r =
        InspectionReport.of(
            p,
            c,
            request.model().toString(),
            ParameterChoice.fixed("fake"),
            Map.of(),
            Map.of(),
            List.of());
    return new Bundle(
        new Bundle.Manifest(
            Bundle.FORMAT_VERSION,
            "fake",
            request.model().toString(),
            List.of("x"),
            List.of("y"),
            Map.of()),
        c,
        "%0 = input x\n%1 = tlu(%0)\n",
        r);
  }

  @Override
  public void keygen(
      Circuit circuit, Path clientKey, Path evaluationKeys, ProgressReporter progress)
      throws IOException {
    progress.start("keygen", 4, "keys");
    String id = Long.toHexString(System.nanoTime());
    Files.writeString(clientKey, "secret " + id);
    progress.advance(2);
    Files.writeString(evaluationKeys, "eval " + id);
    progress.advance(2);
    progress.finish();
  }

  private static String id(Path key) throws IOException {
    return Files.readString(key).split(" ")[1];
  }

  @Override
  public void encrypt(Circuit circuit, Path clientKey, List<ClearTensor> inputs, Path out)
      throws IOException {
    Files.writeString(out, id(clientKey) + " " + Arrays.toString(inputs.get(0).data()));
  }

  private static long[] parse(String s) {
    String body = s.substring(s.indexOf('[') + 1, s.indexOf(']'));
    return Arrays.stream(body.split(",")).map(String::strip).mapToLong(Long::parseLong).toArray();
  }

  @Override
  public void run(
      Circuit circuit, Path evaluationKeys, Path in, Path out, ProgressReporter progress)
      throws IOException {
    String ct = Files.readString(in);
    if (!ct.startsWith(id(evaluationKeys) + " ")) {
      throw new UserException("ciphertexts were encrypted under other keys", "use matching keys");
    }
    long[] x = parse(ct);
    progress.start("run", x.length, "PBS");
    long[] y = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = TABLE[(int) x[i]];
      progress.advance(1);
    }
    progress.finish();
    Files.writeString(out, id(evaluationKeys) + " " + Arrays.toString(y));
  }

  @Override
  public List<ClearTensor> decrypt(Circuit circuit, Path clientKey, Path in) throws IOException {
    String ct = Files.readString(in);
    if (!ct.startsWith(id(clientKey) + " ")) {
      throw new UserException("ciphertexts were encrypted under other keys", "use matching keys");
    }
    return List.of(new ClearTensor(new int[] {3}, parse(ct)));
  }

  @Override
  public List<ClearTensor> simulate(Circuit circuit, List<ClearTensor> inputs) {
    long[] x = inputs.get(0).data();
    long[] y = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = circuit.tables().get(0).at((int) x[i]);
    }
    return List.of(new ClearTensor(new int[] {3}, y));
  }
}
