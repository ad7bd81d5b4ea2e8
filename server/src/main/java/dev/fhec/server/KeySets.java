package dev.fhec.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.api.RejectedInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploaded evaluation keys on disk, one {@code <id>.keys} file per key set (the id is the key set's
 * own id from its file header) next to {@code <id>.json} (circuit, hash of the access token). A key
 * set exists once its json exists: the keys file is renamed into place first, so a crash between
 * the two leaves an orphan that the next start removes, never a half key set.
 */
final class KeySets {
  record Meta(String id, String circuit, String tokenHash, long bytes, long created) {}

  /** What an upload answers; the token is shown once and stored only as a hash. */
  record Registration(String id, String token, String circuit) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(KeySets.class);

  private final Path dir;
  private final FheServer fhe;
  private final int max;
  private final Map<String, Meta> metas = new ConcurrentHashMap<>();
  private final int maxLoaded;

  /**
   * One parse at a time: a parse briefly holds the file and both forms of the bootstrapping keys
   * (gigabytes for a 128-bit key set), so concurrent uploads or reloads must not multiply that.
   * Parsing is CPU-bound, so serializing it costs no throughput.
   */
  private final Semaphore parsing = new Semaphore(1);

  /** Parsed key sets, least recently used first; guarded by itself. */
  private final LinkedHashMap<String, FheServer.Loaded> loaded =
      new LinkedHashMap<>(16, 0.75f, true);

  KeySets(Path dir, FheServer fhe, int max, int maxLoaded) throws IOException {
    this.dir = dir;
    this.fhe = fhe;
    this.max = max;
    this.maxLoaded = maxLoaded;
    Files.createDirectories(dir);
    Durable.sweepTemps(dir);
    Set<String> damaged = new HashSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".json")) {
          Meta m;
          try {
            m = JSON.readValue(p.toFile(), Meta.class);
          } catch (IOException e) {
            // Not written by a crash (the json is published whole): the disk or a person changed
            // it. Serve the others, and leave its files for the operator to look at.
            damaged.add(name.substring(0, name.length() - ".json".length()));
            LOG.warn("key set file {} is unreadable and is skipped: {}", p, e.toString());
            continue;
          }
          if (Files.exists(dir.resolve(m.id() + ".keys"))
              && fhe.circuits().containsKey(m.circuit())) {
            metas.put(m.id(), m);
          }
        }
      }
      try (Stream<Path> again = Files.list(dir)) {
        for (Path p : again.toList()) {
          String name = p.getFileName().toString();
          String id = name.substring(0, name.indexOf('.') < 0 ? name.length() : name.indexOf('.'));
          if (!metas.containsKey(id) && !damaged.contains(id)) {
            Files.deleteIfExists(p); // orphans of a crash mid-upload, or of a removed circuit
          }
        }
      }
    }
  }

  int count() {
    return metas.size();
  }

  /**
   * Streams an upload to a temp file (refusing a secret key by its header and anything over {@code
   * maxBytes}), verifies it against the circuit, then publishes it. Nothing remains on failure.
   */
  Registration upload(String circuit, InputStream body, long declared, long maxBytes)
      throws IOException {
    try {
      fhe.circuit(circuit);
    } catch (RejectedInputException e) {
      throw new ApiException(404, e.getMessage());
    }
    if (declared > maxBytes) {
      throw new ApiException(
          413, "evaluation keys of " + declared + " bytes; the limit is " + maxBytes);
    }
    if (metas.size() >= max) {
      throw new ApiException(503, "this server holds its maximum of " + max + " key sets");
    }
    Path tmp = Durable.tempIn(dir);
    try {
      long n = 0;
      try (OutputStream out =
          stored(() -> Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW))) {
        byte[] head = body.readNBytes(FheServer.KIND_PREFIX);
        try {
          FheServer.requireEvaluationKeysHeader(head);
        } catch (RejectedInputException e) {
          throw new ApiException(400, e.getMessage());
        }
        stored(
            () -> {
              out.write(head);
              return null;
            });
        n = head.length;
        byte[] buf = new byte[1 << 16];
        for (int r; (r = body.read(buf)) > 0; ) {
          n += r;
          if (n > maxBytes) {
            throw new ApiException(413, "evaluation keys over the limit of " + maxBytes + " bytes");
          }
          int len = r;
          stored(
              () -> {
                out.write(buf, 0, len);
                return null;
              });
        }
      }
      if (declared >= 0 && n != declared) {
        throw new ApiException(400, "upload ended after " + n + " of " + declared + " bytes");
      }
      FheServer.Loaded keys;
      try {
        keys = parse(circuit, tmp);
      } catch (RejectedInputException e) {
        throw new ApiException(400, e.getMessage());
      }
      String id = HexFormat.of().formatHex(keys.identity().keySetId());
      String token = Ids.random(32);
      Meta meta = new Meta(id, circuit, Ids.sha256(token), n, System.currentTimeMillis());
      synchronized (this) {
        if (metas.containsKey(id)) {
          throw new ApiException(409, "key set " + id + " is already uploaded");
        }
        if (metas.size() >= max) {
          throw new ApiException(503, "this server holds its maximum of " + max + " key sets");
        }
        try {
          Durable.publish(tmp, dir.resolve(id + ".keys"));
          Durable.write(dir.resolve(id + ".json"), JSON.writeValueAsBytes(meta));
        } catch (IOException e) {
          Files.deleteIfExists(dir.resolve(id + ".keys"));
          throw storageFailure(e);
        }
        metas.put(id, meta);
      }
      remember(id, keys);
      return new Registration(id, token, circuit);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // the directory itself is unusable; the answer says so, and a restart sweeps temps
        LOG.warn("cannot remove {}: {}", tmp, e.toString());
      }
    }
  }

  /** The key set {@code id} when {@code token} is its own: 404 unknown, 403 another's token. */
  Meta authorize(String id, String token) {
    Ids.requireId(id, "key set");
    Meta m = metas.get(id);
    if (m == null) {
      throw new ApiException(404, "no key set " + id + " on this server; upload the keys first");
    }
    if (!Ids.tokenMatches(token, m.tokenHash())) {
      throw new ApiException(403, "the access token does not belong to key set " + id);
    }
    return m;
  }

  /** The key set's file as uploaded. */
  Path file(Meta m) {
    return dir.resolve(m.id() + ".keys");
  }

  /** The parsed keys: from memory, else from disk (after a restart, or once evicted). */
  FheServer.Loaded loaded(Meta m) throws IOException {
    FheServer.Loaded k = cached(m.id());
    if (k != null) {
      return k;
    }
    parsing.acquireUninterruptibly();
    try {
      k = cached(m.id()); // another caller may have loaded it while this one waited
      if (k == null) {
        Path file = dir.resolve(m.id() + ".keys");
        try {
          k = fhe.loadEvaluationKeys(m.circuit(), file);
        } catch (IOException | RejectedInputException e) {
          LOG.warn("stored keys {} cannot be read: {}", file, e.toString());
          throw new UnreadableKeys(
              "the server cannot read the stored keys of key set "
                  + m.id()
                  + " ("
                  + (e instanceof RejectedInputException
                      ? e.getMessage()
                      : e.getClass().getSimpleName())
                  + "); delete the key set and upload the keys again");
        }
        remember(m.id(), k);
      }
      return k;
    } finally {
      parsing.release();
    }
  }

  /**
   * A stored key set that no longer reads back (damaged or unreadable file); the message is safe to
   * show.
   */
  static final class UnreadableKeys extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreadableKeys(String message) {
      super(message);
    }
  }

  interface Storage<T> {
    T run() throws IOException;
  }

  /** Runs a write to the server's disk, answering its failure as a 507 (full disk, read-only). */
  static <T> T stored(Storage<T> write) {
    try {
      return write.run();
    } catch (IOException e) {
      throw storageFailure(e);
    }
  }

  static ApiException storageFailure(IOException e) {
    LOG.warn("cannot write to the data directory: {}", e.toString());
    return new ApiException(
        507,
        "the server cannot store this now ("
            + e.getClass().getSimpleName()
            + (e.getMessage() != null && e.getMessage().contains("space") ? ": no space left" : "")
            + "); retry later");
  }

  private FheServer.Loaded cached(String id) {
    synchronized (loaded) {
      return loaded.get(id);
    }
  }

  private FheServer.Loaded parse(String circuit, Path file) throws IOException {
    parsing.acquireUninterruptibly();
    try {
      return fhe.loadEvaluationKeys(circuit, file);
    } finally {
      parsing.release();
    }
  }

  private void remember(String id, FheServer.Loaded keys) {
    synchronized (loaded) {
      loaded.put(id, keys);
      while (loaded.size() > maxLoaded) {
        loaded.remove(loaded.keySet().iterator().next());
      }
    }
  }

  synchronized void delete(String id) throws IOException {
    metas.remove(id);
    synchronized (loaded) {
      loaded.remove(id);
    }
    Files.deleteIfExists(dir.resolve(id + ".json"));
    Files.deleteIfExists(dir.resolve(id + ".keys"));
  }
}
