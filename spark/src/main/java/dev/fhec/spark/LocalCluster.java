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

/**
 * A Spark standalone cluster on 127.0.0.1 made of child JVMs of this one, for tests and benchmarks:
 * a master and workers started from a folder of Spark's jars (no Spark installation: the build's
 * {@code spark/target/spark-jars}, or the jars of this JVM's classpath), with the same java. Each
 * worker launches its executors as further JVMs from a {@code SPARK_HOME} whose {@code jars/} links
 * those jars and nothing of fhec: like an existing cluster, executors get fhec's classes only from
 * the application ({@code spark.jars}, {@link #appJar()}).
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
    List<Path> jars =
        classPath().stream()
            .filter(e -> e.endsWith(".jar") && !isFhec(e))
            .map(Path::of)
            .filter(Files::isRegularFile)
            .toList();
    return start(dir, jars, workers, cores, memory);
  }

  /**
   * {@link #start(Path, int, int, String)} from {@code sparkJars}, a folder of Spark's jars (an
   * installation's {@code jars/}, or {@code spark/target/spark-jars}).
   */
  public static LocalCluster startFrom(
      Path dir, Path sparkJars, int workers, int cores, String memory) {
    try (var s = Files.list(sparkJars)) {
      List<Path> jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
      if (jars.isEmpty()) {
        throw new IllegalArgumentException("no jars in " + sparkJars);
      }
      return start(dir, jars, workers, cores, memory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static LocalCluster start(
      Path dir, List<Path> sparkJars, int workers, int cores, String memory) {
    try {
      Files.createDirectories(dir);
      Path home = dir.resolve("spark-home");
      Path jars = home.resolve("jars");
      Files.createDirectories(jars);
      for (Path p : sparkJars) {
        Path link = jars.resolve(p.getFileName());
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
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

  /** This cluster's Spark installation: its {@code jars/} holds Spark's jars and nothing else. */
  public Path sparkHome() {
    return dir.resolve("spark-home");
  }

  private static Path appJar;

  /**
   * fhec's code on this JVM's classpath (class folders and fhec's own jars) as one jar, made once
   * per JVM: what a driver gives {@code spark.jars} so that executors of a cluster without fhec can
   * load its classes.
   */
  public static synchronized Path appJar() {
    if (appJar == null) {
      try {
        Path jar = Files.createTempFile("fhec-app-", ".jar");
        jar.toFile().deleteOnExit();
        writeAppJar(jar);
        appJar = jar;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return appJar;
  }

  private static void writeAppJar(Path jar) throws IOException {
    java.util.Set<String> seen = new java.util.HashSet<>();
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
      for (String entry : classPath()) {
        Path p = Path.of(entry);
        if (Files.isDirectory(p)) {
          try (var files = Files.walk(p)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
              String name = p.relativize(f).toString().replace(File.separatorChar, '/');
              if (seen.add(name)) {
                out.putNextEntry(new java.util.jar.JarEntry(name));
                Files.copy(f, out);
                out.closeEntry();
              }
            }
          }
        } else if (isFhec(entry) && Files.isRegularFile(p)) {
          try (var in = new java.util.jar.JarFile(p.toFile())) {
            for (var e : java.util.Collections.list(in.entries())) {
              if (!e.isDirectory() && seen.add(e.getName())) {
                out.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                try (var data = in.getInputStream(e)) {
                  data.transferTo(out);
                }
                out.closeEntry();
              }
            }
          }
        }
      }
    }
  }

  /** One of fhec's own jars (a reactor module's, or one installed in a Maven repository). */
  private static boolean isFhec(String classPathEntry) {
    return Path.of(classPathEntry).getFileName().toString().startsWith("fhec-");
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
    cmd.add(dir.resolve("spark-home").resolve("jars") + File.separator + "*");
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
