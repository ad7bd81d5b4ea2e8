package dev.fhec.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * A Java client of {@code fhec serve}: upload evaluation keys, submit ciphertexts, wait, fetch.
 * Encryption and decryption stay on the caller's side ({@link dev.fhec.runtime.api.FheClient});
 * this class only moves bytes. Every non-2xx answer is a {@link Failure} with the server's message.
 */
public final class FhecClient {
  /** A key set on the server and the token that lets its owner use it. */
  public record KeySet(String id, String token, String circuit) {}

  /** A job's state as the server reports it. */
  public record Status(String id, String state, long done, long total, String error) {
    public boolean finished() {
      return state.equals("DONE") || state.equals("FAILED");
    }
  }

  /** A refused request: the HTTP status and the server's one-line message. */
  public static final class Failure extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public Failure(int status, String message) {
      super("server answered " + status + ": " + message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final HttpClient http;

  public FhecClient(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  public JsonNode health() throws IOException, InterruptedException {
    return JSON.readTree(send(HttpRequest.newBuilder(uri("/health")).GET(), null));
  }

  public JsonNode circuits() throws IOException, InterruptedException {
    return JSON.readTree(send(HttpRequest.newBuilder(uri("/v1/circuits")).GET(), null));
  }

  /** Uploads evaluation keys (a file's bytes) for {@code circuit}. */
  public KeySet uploadKeys(String circuit, byte[] evaluationKeys)
      throws IOException, InterruptedException {
    return uploadKeys(circuit, HttpRequest.BodyPublishers.ofByteArray(evaluationKeys));
  }

  /**
   * Uploads the evaluation-key file {@code file} for {@code circuit}, streamed from disk: key files
   * of large circuits run to gigabytes, past what one array can hold.
   */
  public KeySet uploadKeys(String circuit, Path file) throws IOException, InterruptedException {
    return uploadKeys(circuit, HttpRequest.BodyPublishers.ofFile(file));
  }

  private KeySet uploadKeys(String circuit, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                uri("/v1/keys?circuit=" + URLEncoder.encode(circuit, StandardCharsets.UTF_8)))
            .header("Content-Type", "application/octet-stream")
            .expectContinue(true) // a refusal (413, 401, 403) comes before the body is sent
            .POST(body);
    JsonNode n = JSON.readTree(send(b, null));
    return new KeySet(n.get("id").asText(), n.get("token").asText(), n.get("circuit").asText());
  }

  /** Submits a run on input ciphertexts (a file's bytes); answers the job id. */
  public String submit(KeySet keys, byte[] ciphertexts) throws IOException, InterruptedException {
    return submit(keys, HttpRequest.BodyPublishers.ofByteArray(ciphertexts));
  }

  /** Submits a run on the input-ciphertext file {@code file}, streamed from disk. */
  public String submit(KeySet keys, Path file) throws IOException, InterruptedException {
    return submit(keys, HttpRequest.BodyPublishers.ofFile(file));
  }

  private String submit(KeySet keys, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri("/v1/keys/" + keys.id() + "/jobs"))
            .header("Content-Type", "application/octet-stream")
            .expectContinue(true) // a refusal (413, 401, 403) comes before the body is sent
            .POST(body);
    return JSON.readTree(send(b, keys.token())).get("id").asText();
  }

  public Status status(KeySet keys, String job) throws IOException, InterruptedException {
    JsonNode n =
        JSON.readTree(send(HttpRequest.newBuilder(uri("/v1/jobs/" + job)).GET(), keys.token()));
    return new Status(
        n.get("id").asText(),
        n.get("state").asText(),
        n.get("done").asLong(),
        n.get("total").asLong(),
        n.has("error") ? n.get("error").asText() : null);
  }

  /**
   * Polls until the job finishes or {@code timeout} passes; {@code progress} (may be null) sees
   * (done, total) bootstraps.
   */
  public Status await(KeySet keys, String job, Duration timeout, BiConsumer<Long, Long> progress)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleep = 20;
    while (true) {
      Status s = status(keys, job);
      if (progress != null) {
        progress.accept(s.done(), s.total());
      }
      if (s.finished()) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("job " + job + " still " + s.state() + " after " + timeout);
      }
      Thread.sleep(sleep);
      sleep = Math.min(500, sleep * 2);
    }
  }

  /** The result ciphertexts; the server removes them once fetched. */
  public byte[] result(KeySet keys, String job) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri("/v1/jobs/" + job + "/result")).GET(), keys.token());
  }

  /** Submit, wait, fetch: the output ciphertexts of one run. */
  public byte[] run(KeySet keys, byte[] ciphertexts, Duration timeout)
      throws IOException, InterruptedException {
    String job = submit(keys, ciphertexts);
    Status s = await(keys, job, timeout, null);
    if (!s.state().equals("DONE")) {
      throw new IOException("job " + job + " " + s.state() + ": " + s.error());
    }
    return result(keys, job);
  }

  public void deleteKeys(KeySet keys) throws IOException, InterruptedException {
    send(HttpRequest.newBuilder(uri("/v1/keys/" + keys.id())).DELETE(), keys.token());
  }

  private URI uri(String path) {
    return base.resolve(path);
  }

  private byte[] send(HttpRequest.Builder b, String token)
      throws IOException, InterruptedException {
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 != 2) {
      String message;
      try {
        message = JSON.readTree(r.body()).get("error").asText();
      } catch (IOException | RuntimeException e) {
        message = "(no message)";
      }
      throw new Failure(r.statusCode(), message);
    }
    return r.body();
  }
}
