package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.server.FhecServer;
import dev.fhec.server.RunBackend;
import dev.fhec.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves compiled bundles over HTTP (server side). Clients upload their evaluation keys once"
          + " and submit encrypted inputs as jobs; the server never sees a secret key. Key sets and"
          + " finished results are kept in --data across restarts. Stop with Ctrl-C.",
      ""
    },
    footer = {
      "",
      "Endpoints (described in GET /openapi.json):",
      "  GET  /health, /metrics (Prometheus), /v1/circuits",
      "  POST /v1/keys?circuit=NAME               evaluation keys -> key-set id + token",
      "  POST /v1/keys/{id}/jobs                  ciphertexts -> job (Bearer token)",
      "  GET  /v1/jobs/{id}[/result]              progress; output ciphertexts",
      "",
      "Example (the client side: fhec client --help):",
      "  fhec serve --bundle head.fhec --data serve-data --port 8080",
      "  fhec serve --bundle head.fhec --data serve-data --spark spark://master:7077"
    })
final class ServeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "<bundle>",
      description = "A compiled bundle to host (repeatable); clients name it by its model name.")
  List<Path> bundles;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "<dir>",
      description = "Directory for uploaded key sets and results (created if missing).")
  Path data;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "<address>",
      description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes it).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      paramLabel = "<port>",
      description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--max-body-mib",
      defaultValue = "64",
      paramLabel = "<MiB>",
      description = "Largest run request (default: ${DEFAULT-VALUE}).")
  long maxBodyMib;

  @Option(
      names = "--max-key-mib",
      defaultValue = "2048",
      paramLabel = "<MiB>",
      description = "Largest evaluation-key upload (default: ${DEFAULT-VALUE}).")
  long maxKeyMib;

  @Option(
      names = "--max-key-sets",
      defaultValue = "64",
      paramLabel = "<n>",
      description = "Key sets held at once; more uploads get 503 (default: ${DEFAULT-VALUE}).")
  int maxKeySets;

  @Option(
      names = "--max-loaded-key-sets",
      defaultValue = "2",
      paramLabel = "<n>",
      description =
          "Key sets kept parsed in memory; others are reloaded from disk when used (a 128-bit key"
              + " set takes gigabytes in memory; default: ${DEFAULT-VALUE}).")
  int maxLoadedKeySets;

  @Option(
      names = "--max-queue",
      defaultValue = "64",
      paramLabel = "<n>",
      description = "Runs waiting for a worker; more get 503 (default: ${DEFAULT-VALUE}).")
  int maxQueue;

  @Option(
      names = "--concurrent-runs",
      defaultValue = "1",
      paramLabel = "<n>",
      description =
          "Runs executing at once (default: ${DEFAULT-VALUE}; each already uses every core).")
  int concurrentRuns;

  @Option(
      names = "--result-ttl-minutes",
      defaultValue = "60",
      paramLabel = "<minutes>",
      description = "How long an unfetched result is kept (default: ${DEFAULT-VALUE}).")
  long resultTtlMinutes;

  @Option(
      names = "--spark",
      paramLabel = "<master>",
      description =
          "Execute runs on an Apache Spark cluster: a master URL (spark://HOST:7077, yarn,"
              + " k8s://...) or local[N]. Clients see no difference; results are identical to"
              + " in-process runs.")
  String spark;

  @Override
  public Integer call() throws Exception {
    Map<String, Circuit> circuits = new LinkedHashMap<>();
    for (Path p : bundles) {
      Bundle b = Bundle.read(p);
      String name = b.manifest().name();
      if (circuits.put(name, b.circuit()) != null) {
        throw new UserException(
            "two bundles are named " + name, "host each model once, or rename one and recompile");
      }
      Io.requireHeapFor(b.circuit(), Io.KeyUse.COMPUTING, "serving " + name);
    }
    if (port < 0 || port > 65535) {
      throw new UserException("--port " + port + " is not a port", "use 0..65535");
    }
    ServerConfig config;
    try {
      config =
          new ServerConfig(
              host,
              port,
              data,
              maxBodyMib << 20,
              maxKeyMib << 20,
              maxKeySets,
              maxLoadedKeySets,
              maxQueue,
              concurrentRuns,
              Duration.ofMinutes(resultTtlMinutes));
    } catch (IllegalArgumentException e) {
      throw new UserException("bad limit: " + e.getMessage(), "see 'fhec serve --help'");
    }
    RunBackend backend = spark == null ? RunBackend.inProcess() : SparkRunner.serveBackend(spark);
    FhecServer server;
    try {
      server = FhecServer.start(config, circuits, backend);
    } catch (java.io.IOException e) {
      backend.close();
      throw new UserException(
          "cannot serve on " + host + ":" + port + ": " + e.getMessage(),
          "choose another --port, or stop the process using it");
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    // exiting anyway
                  }
                }));
    spec.commandLine()
        .getOut()
        .printf(
            "fhec serve: %s on http://%s:%d (data in %s, runs %s)%n",
            circuits.keySet(), host, server.port(), data, backend.describe());
    spec.commandLine().getOut().flush();
    server.join();
    return ExitCodes.OK;
  }
}
