package dev.fhec.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Spark standalone cluster on 127.0.0.1 made of child JVMs of this one: a master and workers
 * started from this JVM's own classpath (no Spark installation), for tests and benchmarks. Each
 * worker launches its executors as further JVMs, with the same java and a {@code SPARK_HOME} whose
 * {@code jars/} links this JVM's jars; classes in folders (a reactor build's target/classes) reach
 * executors through {@link #executorClassPath()}.
 */
public final class LocalCluster implements AutoCloseable {
  /** What Spark's launcher passes to every Spark JVM on JDK 17+ (its JavaModuleOptions). */
  public static final List<String> JVM_OPTIONS =
      List.of(
          "--add-modules=jdk.incubator.vector",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private final Path dir;
  private final int port;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();
  private final Map<String, String> env;

  private LocalCluster(Path dir, int port, Process master, Map<String, String> env) {
    this.dir = dir;
    this.port = port;
    this.master = master;
    this.env = env;
  }

  /**
   * Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} (e.g.
   * "1g") for executors each; returns once every worker has registered with the master.
   */
  public static LocalCluster start(Path dir, int workers, int cores, String memory) {
    try {
      Files.createDirectories(dir);
      Path home = dir.resolve("spark-home");
      Path jars = home.resolve("jars");
      Files.createDirectories(jars);
      for (String entry : classPath()) {
        Path p = Path.of(entry);
        if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
          Path link = jars.resolve(p.getFileName());
          if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, p.toAbsolutePath());
          }
        }
      }
      int port = freePort();
      Map<String, String> env =
          Map.of(
              "SPARK_HOME",
              home.toString(),
              "SPARK_SCALA_VERSION",
              "2.13",
              "JAVA_HOME",
              System.getProperty("java.home"),
              // The web UIs bind to this address instead of every interface.
              "SPARK_LOCAL_IP",
              "127.0.0.1");
      Process master =
          launch(
              dir,
              env,
              "master",
              "org.apache.spark.deploy.master.Master",
              "--host",
              "127.0.0.1",
              "--port",
              Integer.toString(port),
              "--webui-port",
              "0");
      LocalCluster cluster = new LocalCluster(dir, port, master, env);
      try {
        cluster.awaitPort();
        for (int w = 0; w < workers; w++) {
          cluster.addWorker(cores, memory);
        }
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts one more worker and waits for its registration. */
  public void addWorker(int cores, String memory) {
    int index = workers.size();
    Path work = dir.resolve("worker-" + index);
    Process worker =
        launch(
            dir,
            env,
            "worker-" + index,
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--cores",
            Integer.toString(cores),
            "--memory",
            memory,
            "--webui-port",
            "0",
            "--work-dir",
            work.toString(),
            masterUrl());
    workers.add(worker);
    await(dir.resolve("worker-" + index + ".log"), "Successfully registered with master", worker);
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** Folders of this JVM's classpath, which executors cannot get from SPARK_HOME/jars. */
  public static String executorClassPath() {
    return classPath().stream()
        .filter(e -> Files.isDirectory(Path.of(e)))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** Kills worker {@code index} and its executors at once (SIGKILL): a machine lost mid-run. */
  public void killWorker(int index) {
    Process w = workers.get(index);
    List<ProcessHandle> tree = w.descendants().toList();
    w.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  /** Executor JVMs now running under the workers. */
  public long executorCount() {
    return workers.stream().filter(Process::isAlive).mapToLong(w -> w.descendants().count()).sum();
  }

  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>();
    for (Process w : workers) {
      all.addAll(w.descendants().toList());
      all.add(w.toHandle());
    }
    all.add(master.toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }

  private static List<String> classPath() {
    return List.of(System.getProperty("java.class.path").split(File.pathSeparator));
  }

  private static Process launch(
      Path dir, Map<String, String> env, String name, String main, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(JVM_OPTIONS);
    // The master's REST submission server is not needed (and would open one more port).
    cmd.add("-Dspark.master.rest.enabled=false");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve(name + ".log").toFile());
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitPort() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        if (!master.isAlive()) {
          throw new IllegalStateException("the Spark master exited; see " + dir + "/master.log");
        }
        sleep(200);
      }
    }
    throw new IllegalStateException("the Spark master did not open port " + port);
  }

  private static void await(Path log, String line, Process p) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      try {
        if (Files.exists(log) && Files.readString(log).contains(line)) {
          return;
        }
      } catch (IOException | UncheckedIOException e) {
        // Partly written: read again.
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("a Spark process exited; see " + log);
      }
      sleep(200);
    }
    throw new IllegalStateException("timed out waiting for '" + line + "' in " + log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
