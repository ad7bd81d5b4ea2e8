package dev.fhec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.server.FhecServer;
import dev.fhec.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keygen → client upload → encrypt → client run / submit+wait+fetch → decrypt, on a real server.
 */
class ClientCommandTest {
  @TempDir Path tmp;

  /** The real engine for keys and ciphertexts, the fake compiler (TOY_N512) for bundles. */
  private static Engine toyEngine() {
    FakeEngine fake = new FakeEngine();
    fake.parameters = ParameterSets.TOY_N512;
    ProjectEngine real = new ProjectEngine();
    return new Engine() {
      @Override
      public Bundle compile(CompileRequest r) throws IOException {
        return fake.compile(r);
      }

      @Override
      public void keygen(Circuit c, Path ck, Path ek, ProgressReporter p) throws IOException {
        real.keygen(c, ck, ek, p);
      }

      @Override
      public void encrypt(Circuit c, Path ck, List<ClearTensor> in, Path out) throws IOException {
        real.encrypt(c, ck, in, out);
      }

      @Override
      public void run(Circuit c, Path ek, Path in, Path out, ProgressReporter p)
          throws IOException {
        real.run(c, ek, in, out, p);
      }

      @Override
      public List<ClearTensor> decrypt(Circuit c, Path ck, Path in) throws IOException {
        return real.decrypt(c, ck, in);
      }

      @Override
      public List<ClearTensor> simulate(Circuit c, List<ClearTensor> in) {
        return real.simulate(c, in);
      }
    };
  }

  private final Engine engine = toyEngine();

  private int fhec(StringWriter out, StringWriter err, String... args) {
    picocli.CommandLine cl = FhecCommand.newCommandLine(engine);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private String ok(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, fhec(out, err, args), String.join(" ", args) + ": " + err);
    return out.toString();
  }

  @Test
  void theClientCommandsRunTheCircuitOnTheServer() throws Exception {
    Path model = tmp.resolve("m.json");
    Files.writeString(model, "{}");
    Path b = tmp.resolve("b");
    ok("compile", model.toString(), "-o", b.toString());
    Bundle bundle = Bundle.read(b);
    Path keys = tmp.resolve("keys");
    ok("keygen", b.toString(), "-o", keys.toString());
    try (FhecServer server =
        FhecServer.start(
            ServerConfig.defaults(tmp.resolve("data")),
            Map.of(bundle.manifest().name(), bundle.circuit()))) {
      String url = "http://127.0.0.1:" + server.port();
      ok("client", "upload", "--keys", keys.toString(), "--server", url);
      assertTrue(Files.isRegularFile(keys.resolve(ClientCommand.SESSION)));

      Path x = tmp.resolve("x.npy");
      TensorFiles.write(x, Map.of("x", new Tensor.Ints(new int[] {3}, new long[] {1, 2, 3})));
      Path ct = tmp.resolve("in.ct");
      ok(
          "encrypt",
          "--bundle",
          b.toString(),
          "--keys",
          keys.toString(),
          x.toString(),
          "-o",
          ct.toString());
      Path out = tmp.resolve("out.ct");
      ok("client", "run", "--keys", keys.toString(), ct.toString(), "-o", out.toString());
      Path y = tmp.resolve("y.json");
      ok("decrypt", "--keys", keys.toString(), out.toString(), "-o", y.toString());
      Path yClear = tmp.resolve("y_clear.json");
      ok("simulate", "--bundle", b.toString(), x.toString(), "-o", yClear.toString());
      assertEquals(Files.readString(yClear), Files.readString(y));

      // The same in three steps.
      String job = ok("client", "submit", "--keys", keys.toString(), ct.toString()).trim();
      assertTrue(job.matches("[0-9a-f]{32}"), job);
      ok("client", "wait", "--keys", keys.toString(), job);
      Path out2 = tmp.resolve("out2.ct");
      ok("client", "fetch", "--keys", keys.toString(), job, "-o", out2.toString());
      Path y2 = tmp.resolve("y2.json");
      ok("decrypt", "--keys", keys.toString(), out2.toString(), "-o", y2.toString());
      assertEquals(Files.readString(yClear), Files.readString(y2));

      // Refusals are one line and a hint: the result is gone once fetched; keys are uploaded once.
      StringWriter err = new StringWriter();
      assertEquals(
          FhecCommand.USER_ERROR,
          fhec(
              new StringWriter(),
              err,
              "client",
              "fetch",
              "--keys",
              keys.toString(),
              job,
              "-o",
              out2.toString()));
      List<String> lines = err.toString().lines().toList();
      assertEquals(2, lines.size(), err.toString());
      assertTrue(lines.get(0).contains("404"), lines.get(0));
      assertTrue(lines.get(1).startsWith("hint: "), lines.get(1));
      StringWriter err2 = new StringWriter();
      assertEquals(
          FhecCommand.USER_ERROR,
          fhec(
              new StringWriter(),
              err2,
              "client",
              "upload",
              "--keys",
              keys.toString(),
              "--server",
              url));
      assertTrue(err2.toString().contains("already uploaded"), err2.toString());
    }
    StringWriter err = new StringWriter();
    assertEquals(
        FhecCommand.USER_ERROR,
        fhec(
            new StringWriter(),
            err,
            "client",
            "submit",
            "--keys",
            keys.toString(),
            tmp.resolve("in.ct").toString()));
    assertTrue(err.toString().contains("cannot reach"), err.toString());
  }
}
