package dev.fhec.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server in its own JVM for {@link KillNineTest}: hosts {@link TestCircuits#SQUARES} on an
 * ephemeral port over {@code args[0]} and prints {@code port N}. From run number {@code args[1]} on
 * (1-based; 0 never), a run prints {@code running ID} once its job is RUNNING and then never
 * finishes, so that a kill lands while the job is in flight.
 */
public final class ServerProcess {
  private ServerProcess() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int holdFrom = Integer.parseInt(args[1]);
    FhecServer server =
        FhecServer.start(
            ServerConfig.defaults(data).withLimits(1 << 20, 64L << 20, 4, 4, 1),
            Map.of("squares", TestCircuits.SQUARES));
    AtomicInteger runs = new AtomicInteger();
    server.beforeRun =
        id -> {
          if (holdFrom > 0 && runs.incrementAndGet() >= holdFrom) {
            System.out.println("running " + id);
            System.out.flush();
            try {
              Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    System.out.println("port " + server.port());
    System.out.flush();
    server.join();
  }
}
