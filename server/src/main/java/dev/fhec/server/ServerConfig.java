package dev.fhec.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a server listens on, where it keeps key sets and results, and its limits.
 *
 * @param host the address to bind (127.0.0.1 unless exposed on purpose)
 * @param port the port; 0 picks a free one
 * @param dataDir key sets and results live here and survive restarts
 * @param maxBodyBytes largest run request (input ciphertexts)
 * @param maxKeyBytes largest evaluation-key upload
 * @param maxKeySets key sets held at once (on disk)
 * @param maxLoadedKeySets key sets kept parsed in memory (least recently used beyond are reloaded
 *     from disk; a 128-bit key set in the Fourier domain takes gigabytes)
 * @param maxQueue runs waiting for a worker
 * @param maxConcurrentRuns runs executing at once
 * @param resultTtl how long a finished job (result or error) is kept when nobody fetches it
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    long maxBodyBytes,
    long maxKeyBytes,
    int maxKeySets,
    int maxLoadedKeySets,
    int maxQueue,
    int maxConcurrentRuns,
    Duration resultTtl) {
  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(resultTtl, "resultTtl");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
    if (maxBodyBytes < 1
        || maxKeyBytes < 1
        || maxKeySets < 1
        || maxLoadedKeySets < 1
        || maxQueue < 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (maxConcurrentRuns < 1) {
      throw new IllegalArgumentException("maxConcurrentRuns must be at least 1");
    }
  }

  /**
   * Loopback, a free port, 64 MiB runs, 2 GiB keys, 64 key sets (2 in memory), 64 queued, 1 run, 1
   * hour.
   */
  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig(
        "127.0.0.1", 0, dataDir, 64L << 20, 2L << 30, 64, 2, 64, 1, Duration.ofHours(1));
  }

  public ServerConfig withPort(int p) {
    return new ServerConfig(
        host,
        p,
        dataDir,
        maxBodyBytes,
        maxKeyBytes,
        maxKeySets,
        maxLoadedKeySets,
        maxQueue,
        maxConcurrentRuns,
        resultTtl);
  }

  public ServerConfig withLimits(long body, long keys, int keySets, int queue, int concurrent) {
    return new ServerConfig(
        host, port, dataDir, body, keys, keySets, maxLoadedKeySets, queue, concurrent, resultTtl);
  }

  public ServerConfig withMaxLoadedKeySets(int n) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        maxBodyBytes,
        maxKeyBytes,
        maxKeySets,
        n,
        maxQueue,
        maxConcurrentRuns,
        resultTtl);
  }

  public ServerConfig withResultTtl(Duration ttl) {
    return new ServerConfig(
        host,
        port,
        dataDir,
        maxBodyBytes,
        maxKeyBytes,
        maxKeySets,
        maxLoadedKeySets,
        maxQueue,
        maxConcurrentRuns,
        ttl);
  }
}
