package dev.fhec.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs as jobs: {@code <id>.json} holds the state, {@code <id>.result} the output ciphertexts once
 * done (written before the state says DONE). Inputs are never stored: a run the server was killed
 * in is FAILED on the next start, and its client submits it again.
 */
final class Jobs {
  enum State {
    QUEUED,
    RUNNING,
    DONE,
    FAILED
  }

  /** What is persisted of a job. */
  record Record(
      String id,
      String keySetId,
      String circuit,
      State state,
      long total,
      String error,
      long created,
      long finished) {
    Record with(State s, String err, long fin) {
      return new Record(id, keySetId, circuit, s, total, err, created, fin);
    }
  }

  static final class Job {
    volatile Record record;
    final AtomicLong done = new AtomicLong();

    Job(Record r) {
      this.record = r;
    }
  }

  static final String RESTARTED =
      "the server stopped during this run; submit the ciphertexts again";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
  private final Path dir;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  Jobs(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    Durable.sweepTemps(dir);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (!p.getFileName().toString().endsWith(".json")) {
          continue;
        }
        Record r;
        try {
          r = JSON.readValue(p.toFile(), Record.class);
        } catch (IOException e) {
          // Published whole, so not a crash's leftover: skip it and leave it for the operator.
          LOG.warn("job file {} is unreadable and is skipped: {}", p, e.toString());
          continue;
        }
        if (r.state() == State.QUEUED || r.state() == State.RUNNING) {
          r = r.with(State.FAILED, RESTARTED, System.currentTimeMillis());
          save(r);
        }
        if (r.state() == State.DONE && !Files.exists(result(r.id()))) {
          r = r.with(State.FAILED, "the result was lost", System.currentTimeMillis());
          save(r);
        }
        Job j = new Job(r);
        if (r.state() == State.DONE) {
          j.done.set(r.total());
        }
        jobs.put(r.id(), j);
      }
    }
  }

  Job get(String id) {
    return jobs.get(id);
  }

  Iterable<Job> all() {
    return jobs.values();
  }

  long count(State s) {
    return jobs.values().stream().filter(j -> j.record.state() == s).count();
  }

  Job create(String keySetId, String circuit, long total) throws IOException {
    Record r =
        new Record(
            Ids.random(16),
            keySetId,
            circuit,
            State.QUEUED,
            total,
            null,
            System.currentTimeMillis(),
            0);
    Job j = new Job(r);
    save(r);
    jobs.put(r.id(), j);
    return j;
  }

  void update(Job j, Record r) throws IOException {
    save(r);
    j.record = r;
  }

  void finish(Job j, byte[] result) throws IOException {
    Durable.write(result(j.record.id()), result);
    update(j, j.record.with(State.DONE, null, System.currentTimeMillis()));
  }

  Path result(String id) {
    return dir.resolve(id + ".result");
  }

  void remove(String id) throws IOException {
    jobs.remove(id);
    Files.deleteIfExists(dir.resolve(id + ".json"));
    Files.deleteIfExists(result(id));
  }

  private void save(Record r) throws IOException {
    Durable.write(dir.resolve(r.id() + ".json"), JSON.writeValueAsBytes(r));
  }
}
