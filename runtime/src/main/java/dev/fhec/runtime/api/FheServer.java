package dev.fhec.runtime.api;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.CorruptFileException;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.io.FileKind;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.KeySetIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The server side: circuits by name, evaluation keys checked against them, runs on ciphertext
 * bytes. Holds no secret: a secret-key file is refused by its header before its payload is read
 * ({@link #kindOf}), and every refusal is a {@link RejectedInputException} whose message names what
 * is wrong, never the data.
 */
public final class FheServer {
  /** Bytes of a file's header that name its kind: magic, format version, kind. */
  public static final int KIND_PREFIX = 12;

  private final Map<String, Circuit> circuits;

  public FheServer(Map<String, Circuit> circuits) {
    if (circuits.isEmpty()) {
      throw new IllegalArgumentException("a server needs at least one circuit");
    }
    this.circuits = Collections.unmodifiableMap(new TreeMap<>(circuits));
  }

  /** The hosted circuits, by name in name order. */
  public Map<String, Circuit> circuits() {
    return circuits;
  }

  public Circuit circuit(String name) {
    Circuit c = circuits.get(name);
    if (c == null) {
      throw new RejectedInputException(
          "unknown circuit '" + name + "'; this server hosts " + circuits.keySet());
    }
    return c;
  }

  /**
   * The kind a file's first {@link #KIND_PREFIX} bytes announce, empty when they are not an fhec
   * header (a kind is checked again, with the checksum, when the whole file is read).
   */
  public static Optional<FileKind> kindOf(byte[] prefix) {
    if (prefix.length < KIND_PREFIX
        || prefix[0] != 'F'
        || prefix[1] != 'H'
        || prefix[2] != 'E'
        || prefix[3] != 'C') {
      return Optional.empty();
    }
    int code = ByteBuffer.wrap(prefix, 8, 4).getInt();
    for (FileKind k : FileKind.values()) {
      if (k.code() == code) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** Refuses anything but evaluation keys by the header, before the payload is read. */
  public static void requireEvaluationKeysHeader(byte[] prefix) {
    Optional<FileKind> kind = kindOf(prefix);
    if (kind.isEmpty()) {
      throw new RejectedInputException("not an fhec evaluation-key file (bad header)");
    }
    switch (kind.get()) {
      case EVALUATION_KEYS -> {}
      case CLIENT_KEY ->
          throw new RejectedInputException(
              "this is a secret client key: the server never accepts it; upload eval.keys only");
      case INPUT_CIPHERTEXTS, OUTPUT_CIPHERTEXTS ->
          throw new RejectedInputException("expected evaluation keys, got ciphertexts");
    }
  }

  /** Evaluation keys loaded for one hosted circuit, with their executor (its caches live here). */
  public record Loaded(
      String circuitName, Circuit circuit, EvaluationKeySet keys, CircuitExecutor executor) {
    public KeySetIdentity identity() {
      return keys.identity();
    }
  }

  /** Parses and checks evaluation keys for {@code circuitName}: kind, checksum, circuit, plan. */
  public Loaded loadEvaluationKeys(String circuitName, byte[] bytes) {
    Circuit c = circuit(circuitName);
    requireEvaluationKeysHeader(bytes);
    EvaluationKeySet keys;
    try {
      keys =
          FhecFiles.evaluationKeysFromBytesForComputing(
              bytes, "evaluation keys", FhecFiles.Expect.circuit(c));
    } catch (CorruptFileException e) {
      throw new RejectedInputException(e.getMessage(), e);
    }
    return load(circuitName, keys);
  }

  /**
   * {@link #loadEvaluationKeys(String, byte[])} from a file, streamed: a large circuit's key file
   * (gigabytes) is converted key by key into the Fourier form and never held whole.
   */
  public Loaded loadEvaluationKeys(String circuitName, Path file) throws IOException {
    Circuit c = circuit(circuitName);
    try (InputStream in = Files.newInputStream(file)) {
      requireEvaluationKeysHeader(in.readNBytes(KIND_PREFIX));
    }
    EvaluationKeySet keys;
    try {
      keys = FhecFiles.readEvaluationKeysForComputing(file, FhecFiles.Expect.circuit(c));
    } catch (CorruptFileException e) {
      throw new RejectedInputException(e.getMessage(), e);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    return load(circuitName, keys);
  }

  /**
   * Parsed evaluation keys checked against {@code circuitName}'s plan, kept in the Fourier form
   * only (runs read nothing else; it halves the bootstrapping keys' memory): the caller should drop
   * its reference to {@code keys} so that the coefficient form can be freed.
   */
  public Loaded load(String circuitName, EvaluationKeySet keys) {
    Circuit c = circuit(circuitName);
    Optional<String> why = CircuitExecutor.mismatch(c, keys);
    if (why.isPresent()) {
      throw new RejectedInputException(why.get());
    }
    EvaluationKeySet computing = keys.forComputing();
    return new Loaded(circuitName, c, computing, new CircuitExecutor(computing));
  }

  /**
   * Parses and checks a run's input ciphertexts: kind, checksum, key set, count, shapes, encodings
   * and LWE dimensions. Cheap next to the run, so a server calls it before queueing.
   */
  public static List<EncryptedTensor> checkInputs(Loaded keys, byte[] ciphertexts) {
    return checkInputs(keys.circuit(), keys.circuitName(), keys.identity(), ciphertexts);
  }

  /**
   * {@link #checkInputs(Loaded, byte[])} for the key set {@code identity} of a hosted circuit,
   * without its keys in memory (a server checks a request before it loads the keys to run it).
   */
  public List<EncryptedTensor> checkInputs(
      String circuitName, KeySetIdentity identity, byte[] ciphertexts) {
    return checkInputs(circuit(circuitName), circuitName, identity, ciphertexts);
  }

  private static List<EncryptedTensor> checkInputs(
      Circuit c, String circuitName, KeySetIdentity identity, byte[] ciphertexts) {
    List<EncryptedTensor> inputs;
    try {
      inputs =
          FhecFiles.ciphertextsFromBytes(
              ciphertexts, "ciphertexts", new FhecFiles.Expect(c, identity), FhecFiles.Role.INPUTS);
    } catch (CorruptFileException e) {
      throw new RejectedInputException(e.getMessage(), e);
    }
    if (inputs.size() != c.inputs().size()) {
      throw new RejectedInputException(
          "circuit "
              + circuitName
              + " takes "
              + c.inputs().size()
              + " inputs, got "
              + inputs.size());
    }
    for (int i = 0; i < inputs.size(); i++) {
      ValueInfo info = c.value(c.inputs().get(i));
      EncryptedTensor t = inputs.get(i);
      int dim = c.plan().partition(info.partition()).bigLweDimension();
      if (!t.matches(info) || t.lweDimension() != dim) {
        throw new RejectedInputException(
            "input "
                + i
                + " is "
                + t
                + " of LWE dimension "
                + t.lweDimension()
                + ", circuit "
                + circuitName
                + " expects "
                + info
                + " of dimension "
                + dim);
      }
    }
    return inputs;
  }

  /**
   * Runs on checked inputs and answers the outputs' ciphertext bytes; {@code progress} may be null.
   */
  public static byte[] run(
      Loaded keys, List<EncryptedTensor> inputs, CircuitExecutor.Progress progress) {
    return FhecFiles.ciphertextsBytes(
        FhecFiles.Role.OUTPUTS,
        keys.identity(),
        keys.circuit().plan(),
        execute(keys, inputs, progress),
        false);
  }

  /** Runs on checked inputs; answers the output ciphertexts. {@code progress} may be null. */
  public static List<EncryptedTensor> execute(
      Loaded keys, List<EncryptedTensor> inputs, CircuitExecutor.Progress progress) {
    return keys.executor().run(keys.circuit(), inputs, progress);
  }

  /** {@link #checkInputs} then {@link #run(Loaded, List, CircuitExecutor.Progress)}. */
  public static byte[] run(Loaded keys, byte[] ciphertexts, CircuitExecutor.Progress progress) {
    return run(keys, checkInputs(keys, ciphertexts), progress);
  }
}
