package dev.fhec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.report.KeySizes;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.ValueInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** File and tensor plumbing shared by the subcommands. */
final class Io {
  /** The mapper for bundle and key-directory files. */
  static final ObjectMapper JSON = dev.fhec.compiler.bundle.BundleJson.mapper();

  static final String CLIENT_KEY = "client.key";
  static final String EVAL_KEYS = "eval.keys";
  static final String KEY_CIRCUIT = "circuit.json";
  static final String KEY_MANIFEST = "manifest.json";

  private Io() {}

  static void printJson(PrintWriter out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void requireFile(Path p, String what, String hint) {
    if (!Files.isRegularFile(p)) {
      throw new UserException("no " + what + " at " + p, hint);
    }
  }

  static void createParent(Path p) throws IOException {
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  /**
   * The circuit's inputs from a tensor file: by name when the file names them all, by position when
   * it holds exactly as many arrays; each checked against shape and range of its input.
   */
  static List<ClearTensor> inputsFor(
      Circuit circuit, List<String> names, Map<String, Tensor> tensors, Path file) {
    List<Tensor> ordered = new ArrayList<>();
    if (tensors.keySet().containsAll(names)) {
      for (String n : names) {
        ordered.add(tensors.get(n));
      }
    } else if (tensors.size() == names.size()) {
      ordered.addAll(tensors.values());
    } else {
      throw new UserException(
          file + " holds " + tensors.keySet() + ", the circuit needs inputs " + names,
          "name the arrays after the inputs, e.g. numpy.savez(f, "
              + String.join("=..., ", names)
              + "=...)");
    }
    List<ClearTensor> out = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      ValueInfo v = circuit.value(circuit.inputs().get(i));
      String name = names.get(i);
      Tensor t = ordered.get(i);
      if (!Arrays.equals(t.shape(), v.shape())) {
        throw new UserException(
            "input '"
                + name
                + "' has shape "
                + Arrays.toString(t.shape())
                + ", the circuit expects "
                + Arrays.toString(v.shape()),
            "reshape the array to " + Arrays.toString(v.shape()));
      }
      long[] data = new long[t.size()];
      for (int j = 0; j < data.length; j++) {
        data[j] =
            switch (t) {
              case Tensor.Ints x -> x.at(j);
              case Tensor.Floats x -> {
                double d = x.at(j);
                if (d != Math.rint(d)) {
                  throw new UserException(
                      "input '" + name + "' element " + j + " is " + d + ", not an integer",
                      "encrypted inputs are quantized integers; quantize the floats first");
                }
                yield (long) d;
              }
            };
        if (data[j] < v.min() || data[j] > v.max()) {
          throw new UserException(
              "input '"
                  + name
                  + "' element "
                  + j
                  + " = "
                  + data[j]
                  + " is outside the "
                  + v.width()
                  + "-bit "
                  + (v.signed() ? "signed" : "unsigned")
                  + " range ["
                  + v.min()
                  + ", "
                  + v.max()
                  + "]",
              "the circuit was compiled for this range; recompile with an inputset that covers it");
        }
      }
      out.add(new ClearTensor(v.shape(), data));
    }
    return out;
  }

  /** Every array's slice {@code sample} along its leading axis; all arrays when null. */
  static Map<String, Tensor> sampled(Map<String, Tensor> arrays, Integer sample, Path file) {
    if (sample == null) {
      return arrays;
    }
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (String name : arrays.keySet()) {
      m.put(name, DemoCommand.pick(arrays, name, sample, file, "--sample"));
    }
    return m;
  }

  static Map<String, Tensor> named(List<String> names, List<ClearTensor> tensors) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < tensors.size(); i++) {
      m.put(names.get(i), new Tensor.Ints(tensors.get(i).shape(), tensors.get(i).data()));
    }
    return m;
  }

  /** What a command holds of a circuit's keys, for {@link #requireHeapFor}. */
  enum KeyUse {
    /**
     * Running: every partition's bootstrapping key in the Fourier domain and every keyswitching
     * key. Keys are read for computing: each bootstrapping key's coefficient form lives only while
     * it is turned into the Fourier form, so the largest one is the transient extra.
     */
    COMPUTING(" of evaluation keys and ", " for the largest bootstrapping key while it is read"),
    /**
     * Key generation, which writes the evaluation keys as it makes them: the secret keys and one
     * batch of key rows are all it holds.
     */
    KEYGEN(" of secret keys and ", " of key rows in flight");

    private final String held;
    private final String transientPart;

    KeyUse(String held, String transientPart) {
      this.held = held;
      this.transientPart = transientPart;
    }
  }

  /**
   * Fails early, with the numbers, when what {@code use} holds of the keys of {@code circuit}
   * cannot fit in this JVM's heap, instead of an OutOfMemoryError minutes into a run.
   */
  static void requireHeapFor(Circuit circuit, KeyUse use, String what) {
    var plan = circuit.plan();
    KeySizes k = KeySizes.of(plan);
    long held =
        switch (use) {
          case COMPUTING -> k.evaluationKeys();
          case KEYGEN -> k.secretKeys();
        };
    long extra = 0;
    switch (use) {
      case COMPUTING -> {
        for (var p : plan.partitions()) {
          extra = Math.max(extra, KeySizes.partition(p).bootstrapKey());
        }
      }
      case KEYGEN -> extra = dev.fhec.runtime.key.KeyGenerator.streamingBytes(plan);
    }
    requireHeap(
        held + extra,
        what,
        KeySizes.human(held) + use.held + KeySizes.human(extra) + use.transientPart);
  }

  /** Refuses {@code what} when {@code need} bytes exceed 90% of the heap, with what to do. */
  static void requireHeap(long need, String what, String detail) {
    long max = Runtime.getRuntime().maxMemory();
    if (need <= max * 0.9) {
      return;
    }
    long machine =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    // Heap for the keys plus a tenth for everything else, in whole GiB.
    long gib = (long) Math.ceil(need / 0.9 / (1L << 30));
    String smaller = "recompile with fewer bits (--n-bits, --round-to) for smaller parameters";
    throw new UserException(
        what
            + " needs about "
            + KeySizes.human(need)
            + " of memory ("
            + detail
            + "); this JVM may use "
            + KeySizes.human(max)
            + ", this machine has "
            + KeySizes.human(machine),
        gib << 30 < machine
            ? "give the JVM more memory: FHEC_JAVA_OPTS=-Xmx" + gib + "g ./fhec ...; or " + smaller
            : "run it on a machine with more than "
                + gib
                + " GiB of memory (FHEC_JAVA_OPTS=-Xmx"
                + gib
                + "g), or "
                + smaller);
  }

  static long sizeOf(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (var s = Files.walk(p)) {
        return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      }
    }
    return Files.size(p);
  }
}
