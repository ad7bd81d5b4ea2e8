package dev.fhec.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.api.RejectedInputException;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.KeySetIdentity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fhec serve}: hosts circuits over HTTP with {@link FheServer}. Clients upload evaluation
 * keys once ({@code POST /v1/keys}, answered with a key-set id and an access token), then submit
 * runs as jobs, poll their progress and fetch their results. Jetty 12's core handler API serves the
 * requests on virtual threads (uploads and downloads block only their own thread); runs execute on
 * a fixed pool of platform workers, whose thread-local bootstrap scratch is reused across runs.
 * Logs name ids and sizes, never tokens or ciphertexts.
 */
public final class FhecServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FhecServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServerConfig config;
  private final FheServer fhe;
  private final RunBackend backend;
  private final KeySets keySets;
  private final Jobs jobs;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService sweeper;
  private final Server jetty;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger running = new AtomicInteger();
  private volatile boolean halted;

  /** Test hook: called on the worker thread as a run starts. */
  volatile Consumer<String> beforeRun = id -> {};

  private FhecServer(ServerConfig config, Map<String, Circuit> circuits, RunBackend backend)
      throws IOException {
    this.config = config;
    this.fhe = new FheServer(circuits);
    this.backend = backend;
    Files.createDirectories(config.dataDir());
    this.keySets =
        new KeySets(
            config.dataDir().resolve("keys"), fhe, config.maxKeySets(), config.maxLoadedKeySets());
    this.jobs = new Jobs(config.dataDir().resolve("jobs"));
    this.workers =
        new ThreadPoolExecutor(
            config.maxConcurrentRuns(),
            config.maxConcurrentRuns(),
            0,
            TimeUnit.SECONDS,
            config.maxQueue() == 0
                ? new java.util.concurrent.SynchronousQueue<>()
                : new ArrayBlockingQueue<>(config.maxQueue()),
            Thread.ofPlatform().name("fhec-run-", 0).daemon().factory());
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("fhec-sweep").daemon().factory());
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("fhec-http");
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    this.jetty = new Server(pool);
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(config.host());
    connector.setPort(config.port());
    jetty.addConnector(connector);
    jetty.setHandler(new Dispatcher());
    Gauge.builder("fhec_key_sets", keySets::count).register(metrics);
    Gauge.builder("fhec_runs_queued", () -> workers.getQueue().size()).register(metrics);
    Gauge.builder("fhec_runs_running", running::get).register(metrics);
  }

  /** Starts a server on {@code circuits} (by name); {@link #port()} tells the bound port. */
  public static FhecServer start(ServerConfig config, Map<String, Circuit> circuits)
      throws Exception {
    return start(config, circuits, RunBackend.inProcess());
  }

  /**
   * Starts a server whose runs execute on {@code backend}; the server closes the backend when it
   * stops.
   */
  public static FhecServer start(
      ServerConfig config, Map<String, Circuit> circuits, RunBackend backend) throws Exception {
    FhecServer s = new FhecServer(config, circuits, backend);
    s.jetty.start();
    long ttlMillis = Math.max(1000, config.resultTtl().toMillis());
    long every = Math.max(250, Math.min(30_000, ttlMillis / 4));
    s.sweeper.scheduleWithFixedDelay(s::expire, every, every, TimeUnit.MILLISECONDS);
    LOG.info(
        "serving {} on http://{}:{} (data in {}, runs {})",
        circuits.keySet(),
        config.host(),
        s.port(),
        config.dataDir(),
        backend.describe());
    return s;
  }

  public int port() {
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  public ServerConfig config() {
    return config;
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  /** Stops accepting requests, lets running jobs finish, stops. */
  @Override
  public void close() throws Exception {
    workers.shutdown();
    workers.awaitTermination(10, TimeUnit.MINUTES);
    sweeper.shutdownNow();
    jetty.stop();
    backend.close();
  }

  /**
   * Stops as a killed process would: no job state is written from now on, so the next start finds
   * the in-flight runs as the crash left them (tests).
   */
  void halt() throws Exception {
    halted = true;
    workers.shutdownNow();
    sweeper.shutdownNow();
    jetty.stop();
    backend.close();
  }

  /** Removes finished jobs (results and errors) older than the configured time. */
  private void expire() {
    long cutoff = System.currentTimeMillis() - config.resultTtl().toMillis();
    for (Jobs.Job j : jobs.all()) {
      Jobs.Record r = j.record;
      if ((r.state() == Jobs.State.DONE || r.state() == Jobs.State.FAILED)
          && r.finished() < cutoff) {
        try {
          jobs.remove(r.id());
          LOG.info("job {} expired unfetched", r.id());
        } catch (IOException e) {
          LOG.warn("cannot remove expired job {}: {}", r.id(), e.getMessage());
        }
      }
    }
  }

  // ---- endpoints ------------------------------------------------------------------------------

  private Object health() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ok");
    m.put("circuits", new ArrayList<>(fhe.circuits().keySet()));
    m.put("keySets", keySets.count());
    m.put("queued", workers.getQueue().size());
    m.put("running", running.get());
    return m;
  }

  private Object circuits() {
    List<Object> out = new ArrayList<>();
    fhe.circuits()
        .forEach(
            (name, c) -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("name", name);
              m.put("inputs", c.inputs().stream().map(i -> type(c.value(i))).toList());
              m.put("outputs", c.outputs().stream().map(i -> type(c.value(i))).toList());
              m.put("pbs", c.pbsCount());
              m.put("parameters", c.plan().describe());
              out.add(m);
            });
    return out;
  }

  private static Map<String, Object> type(ValueInfo v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("shape", v.shape());
    m.put("width", v.width());
    m.put("signed", v.signed());
    return m;
  }

  private Object submit(KeySets.Meta meta, byte[] body) throws IOException {
    // Checked against the circuit and key set now, run with the keys loaded by the worker: a queued
    // job holds its inputs, not a key set of gigabytes.
    Circuit circuit = fhe.circuit(meta.circuit());
    KeySetIdentity identity =
        new KeySetIdentity(HexFormat.of().parseHex(meta.id()), circuit.digest());
    List<EncryptedTensor> inputs;
    try {
      inputs = fhe.checkInputs(meta.circuit(), identity, body);
    } catch (RejectedInputException e) {
      throw new ApiException(400, e.getMessage());
    }
    if (workers.getQueue().remainingCapacity() == 0
        && running.get() >= config.maxConcurrentRuns()) {
      throw new ApiException(503, "the run queue is full (" + config.maxQueue() + "); retry later");
    }
    Jobs.Job job = KeySets.stored(() -> jobs.create(meta.id(), meta.circuit(), circuit.pbsCount()));
    try {
      workers.execute(() -> execute(job, meta, inputs));
    } catch (RejectedExecutionException e) {
      jobs.remove(job.record.id());
      throw new ApiException(503, "the run queue is full (" + config.maxQueue() + "); retry later");
    }
    Counter.builder("fhec_runs_submitted_total")
        .tag("circuit", meta.circuit())
        .register(metrics)
        .increment();
    return status(job);
  }

  private void execute(Jobs.Job job, KeySets.Meta meta, List<EncryptedTensor> inputs) {
    running.incrementAndGet();
    try {
      jobs.update(job, job.record.with(Jobs.State.RUNNING, null, 0));
      beforeRun.accept(job.record.id());
      FheServer.Loaded keys = keySets.loaded(meta);
      long t0 = System.nanoTime();
      List<EncryptedTensor> outputs =
          backend.execute(keys, keySets.file(meta), inputs, (done, total) -> job.done.set(done));
      byte[] out =
          FhecFiles.ciphertextsBytes(
              FhecFiles.Role.OUTPUTS, keys.identity(), keys.circuit().plan(), outputs, false);
      if (halted) {
        return;
      }
      try {
        jobs.finish(job, out);
      } catch (IOException e) {
        LOG.warn("job {}: cannot store the result: {}", job.record.id(), e.toString());
        fail(
            job,
            "the server could not store the result ("
                + e.getClass().getSimpleName()
                + "); submit the ciphertexts again later");
        return;
      }
      Timer.builder("fhec_run_seconds")
          .tag("circuit", job.record.circuit())
          .publishPercentileHistogram()
          .register(metrics)
          .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      LOG.info("job {} done ({} result bytes)", job.record.id(), out.length);
    } catch (Throwable t) {
      if (halted) {
        return;
      }
      LOG.warn("job {} failed: {}", job.record.id(), t.getClass().getSimpleName());
      fail(
          job,
          t instanceof KeySets.UnreadableKeys u
              ? u.getMessage()
              : "the run failed: " + t.getClass().getSimpleName());
    } finally {
      running.decrementAndGet();
    }
  }

  /**
   * Marks a job FAILED; when even that cannot be written, the job still reads FAILED until a
   * restart.
   */
  private void fail(Jobs.Job job, String why) {
    Jobs.Record r = job.record.with(Jobs.State.FAILED, why, System.currentTimeMillis());
    try {
      jobs.update(job, r);
    } catch (IOException e) {
      LOG.warn("cannot record the failure of job {}: {}", r.id(), e.toString());
      job.record = r;
    }
    Counter.builder("fhec_runs_failed_total").register(metrics).increment();
  }

  private static Map<String, Object> status(Jobs.Job job) {
    Jobs.Record r = job.record;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("keySetId", r.keySetId());
    m.put("circuit", r.circuit());
    m.put("state", r.state().name());
    m.put("done", r.state() == Jobs.State.DONE ? r.total() : job.done.get());
    m.put("total", r.total());
    if (r.error() != null) {
      m.put("error", r.error());
    }
    return m;
  }

  private Jobs.Job job(String id, String token) {
    Ids.requireId(id, "job");
    Jobs.Job j = jobs.get(id);
    if (j == null) {
      throw new ApiException(404, "no job " + id + " (fetched, expired or never submitted)");
    }
    keySets.authorize(j.record.keySetId(), token);
    return j;
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private static String bearer(Request request) {
    String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (h == null || !h.startsWith("Bearer ")) {
      throw new ApiException(401, "missing 'Authorization: Bearer <token>' (the upload's token)");
    }
    return h.substring("Bearer ".length()).trim();
  }

  /** Reads a body of at most {@code max} bytes, refusing a larger declared length unread. */
  private static byte[] body(Request request, long max) throws IOException {
    long declared = request.getLength();
    if (declared > max) {
      throw new ApiException(413, "request body of " + declared + " bytes; the limit is " + max);
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] b = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
      if (b.length > max) {
        throw new ApiException(413, "request body over the limit of " + max + " bytes");
      }
      return b;
    }
  }

  private final class Dispatcher extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      String[] segments = path.length() <= 1 ? new String[] {""} : path.substring(1).split("/", -1);
      Routes.Route route = null;
      String[] params = null;
      boolean pathKnown = false;
      for (Routes.Route r : Routes.ALL) {
        String[] p = r.match(request.getMethod(), segments);
        if (p != null) {
          route = r;
          params = p;
          break;
        }
        pathKnown |= r.match(r.method(), segments) != null;
      }
      int status;
      try {
        if (route == null) {
          throw pathKnown
              ? new ApiException(405, request.getMethod() + " is not allowed on " + path)
              : new ApiException(404, "no endpoint " + path + "; see /openapi.json");
        }
        status = serve(route, params, request, response, callback);
      } catch (ApiException e) {
        status = e.status;
        error(response, callback, e.status, e.getMessage());
      } catch (RejectedInputException e) {
        status = 400;
        error(response, callback, 400, e.getMessage());
      } catch (EofException e) {
        // The client closed the connection mid-request; whatever it sent is already discarded.
        status = 400;
        LOG.info("{} {}: the client aborted the request", request.getMethod(), route.template());
        error(response, callback, 400, "the request body ended early");
      } catch (Exception | Error e) {
        status = 500;
        LOG.warn(
            "internal error on {} {}: {}",
            request.getMethod(),
            route == null ? "?" : route.template(),
            e.toString());
        error(response, callback, 500, "internal error: " + e.getClass().getSimpleName());
      }
      Counter.builder("fhec_http_requests_total")
          .tag(
              "route",
              route == null ? "unknown" : route.name().name().toLowerCase(java.util.Locale.ROOT))
          .tag("status", Integer.toString(status))
          .register(metrics)
          .increment();
      return true;
    }

    private int serve(
        Routes.Route route, String[] params, Request request, Response response, Callback callback)
        throws Exception {
      switch (route.name()) {
        case HEALTH -> json(response, callback, 200, health());
        case METRICS -> {
          byte[] text = metrics.scrape().getBytes(StandardCharsets.UTF_8);
          send(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", text);
        }
        case OPENAPI -> {
          try (InputStream in = FhecServer.class.getResourceAsStream("openapi.json")) {
            send(response, callback, 200, "application/json", in.readAllBytes());
          }
        }
        case CIRCUITS -> json(response, callback, 200, circuits());
        case UPLOAD_KEYS -> {
          String circuit = Request.extractQueryParameters(request).getValue("circuit");
          if (circuit == null) {
            throw new ApiException(400, "name the circuit: POST /v1/keys?circuit=<name>");
          }
          KeySets.Registration r;
          try (InputStream in = Content.Source.asInputStream(request)) {
            r = keySets.upload(circuit, in, request.getLength(), config.maxKeyBytes());
          }
          LOG.info("key set {} uploaded for circuit {}", r.id(), r.circuit());
          json(response, callback, 201, r);
          return 201;
        }
        case DELETE_KEYS -> {
          KeySets.Meta m = keySets.authorize(params[0], bearer(request));
          keySets.delete(m.id());
          send(response, callback, 204, null, new byte[0]);
          return 204;
        }
        case SUBMIT -> {
          KeySets.Meta m = keySets.authorize(params[0], bearer(request));
          byte[] body = body(request, config.maxBodyBytes());
          json(response, callback, 202, submit(m, body));
          return 202;
        }
        case JOB -> json(response, callback, 200, status(job(params[0], bearer(request))));
        case RESULT -> {
          Jobs.Job j = job(params[0], bearer(request));
          Jobs.Record r = j.record;
          switch (r.state()) {
            case QUEUED, RUNNING ->
                throw new ApiException(
                    409, "job " + r.id() + " is " + r.state() + "; poll it first");
            case FAILED -> throw new ApiException(410, "job " + r.id() + " failed: " + r.error());
            case DONE -> {}
          }
          byte[] bytes = Files.readAllBytes(jobs.result(r.id()));
          // Kept until fetched: removed once the whole answer is written.
          Callback removeAfter =
              Callback.from(
                  () -> {
                    try {
                      jobs.remove(r.id());
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    } finally {
                      callback.succeeded();
                    }
                  },
                  callback::failed);
          send(response, removeAfter, 200, "application/octet-stream", bytes);
        }
      }
      return 200;
    }
  }

  private static void json(Response response, Callback callback, int status, Object body)
      throws IOException {
    send(response, callback, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void error(Response response, Callback callback, int status, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    m.put("error", message);
    try {
      if (status == 503) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
      }
      json(response, callback, status, m);
    } catch (IOException e) {
      callback.failed(e);
    }
  }

  private static void send(
      Response response, Callback callback, int status, String type, byte[] bytes) {
    response.setStatus(status);
    if (type != null) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    }
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
