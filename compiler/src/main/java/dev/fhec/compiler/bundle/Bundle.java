package dev.fhec.compiler.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fhec.compiler.report.InspectionReport;
import dev.fhec.compiler.report.ReportJson;
import dev.fhec.runtime.circuit.Circuit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A compiled model as files: what {@code fhec compile} writes and every later step reads. A
 * directory or a {@code .zip} holding {@code manifest.json} (names of inputs and outputs, source,
 * format version), {@code circuit.json} (the runtime circuit, self-contained), {@code program.ir}
 * (the final IR, printed) and {@code report.json} (the inspection data).
 *
 * @param manifest names and provenance
 * @param circuit the executable circuit
 * @param printedIr the final IR
 * @param report the inspection report
 */
public record Bundle(
    Manifest manifest, Circuit circuit, String printedIr, InspectionReport report) {
  public static final String MANIFEST = "manifest.json";
  public static final String CIRCUIT = "circuit.json";
  public static final String IR = "program.ir";
  public static final String REPORT = "report.json";
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = BundleJson.mapper();

  public Bundle {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(circuit, "circuit");
    Objects.requireNonNull(printedIr, "printedIr");
    Objects.requireNonNull(report, "report");
  }

  /**
   * What a bundle is about.
   *
   * @param formatVersion {@link #FORMAT_VERSION}
   * @param name model name
   * @param source the model file compiled
   * @param inputs input names, in circuit order
   * @param outputs output names, in circuit order
   * @param options the compile options, as the user gave them
   * @param bounds what the bundle guarantees about values (null in bundles from older versions)
   */
  public record Manifest(
      int formatVersion,
      String name,
      String source,
      List<String> inputs,
      List<String> outputs,
      Map<String, String> options,
      BoundsManifest bounds) {
    public Manifest {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
      options = Map.copyOf(options);
    }

    /** A manifest without bounds information. */
    public Manifest(
        int formatVersion,
        String name,
        String source,
        List<String> inputs,
        List<String> outputs,
        Map<String, String> options) {
      this(formatVersion, name, source, inputs, outputs, options, null);
    }
  }

  /** The same bundle with another manifest (e.g. with the options the user gave). */
  public Bundle withManifest(Manifest m) {
    return new Bundle(m, circuit, printedIr, report);
  }

  /** Writes to a directory, or to a zip when {@code target} ends with {@code .zip}. */
  public void write(Path target) throws IOException {
    Map<String, byte[]> files =
        Map.of(
            MANIFEST, JSON.writeValueAsBytes(manifest),
            CIRCUIT, JSON.writeValueAsBytes(circuit),
            IR, printedIr.getBytes(StandardCharsets.UTF_8),
            REPORT, ReportJson.write(report).getBytes(StandardCharsets.UTF_8));
    if (isZip(target)) {
      if (target.getParent() != null) {
        Files.createDirectories(target.getParent());
      }
      try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(target))) {
        for (String name : List.of(MANIFEST, CIRCUIT, IR, REPORT)) {
          z.putNextEntry(new ZipEntry(name));
          z.write(files.get(name));
          z.closeEntry();
        }
      }
    } else {
      Files.createDirectories(target);
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Files.write(target.resolve(e.getKey()), e.getValue());
      }
    }
  }

  /** Whether {@code p} names a zip bundle (by its extension). */
  public static boolean isZip(Path p) {
    return p.getFileName().toString().endsWith(".zip");
  }

  /** Reads a bundle directory or zip, naming the missing or damaged part on failure. */
  public static Bundle read(Path source) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    if (!Files.exists(source)) {
      throw new BundleException(
          "no bundle at " + source, "create one with 'fhec compile MODEL -o " + source + "'");
    }
    if (Files.isDirectory(source)) {
      for (String name : List.of(MANIFEST, CIRCUIT, IR, REPORT)) {
        try {
          files.put(name, Files.readAllBytes(source.resolve(name)));
        } catch (NoSuchFileException e) {
          // reported below
        }
      }
    } else {
      try (InputStream in = Files.newInputStream(source);
          ZipInputStream z = new ZipInputStream(in)) {
        ZipEntry e;
        while ((e = z.getNextEntry()) != null) {
          files.put(e.getName(), z.readAllBytes());
        }
      }
    }
    for (String name : List.of(MANIFEST, CIRCUIT, IR, REPORT)) {
      if (!files.containsKey(name)) {
        throw new BundleException(
            source + " is not a complete fhec bundle: " + name + " is missing",
            "recompile the model with 'fhec compile'");
      }
    }
    try {
      Manifest m = JSON.readValue(files.get(MANIFEST), Manifest.class);
      if (m.formatVersion() > FORMAT_VERSION) {
        throw new BundleException(
            source
                + ": bundle format "
                + m.formatVersion()
                + " is newer than this fhec ("
                + FORMAT_VERSION
                + ")",
            "upgrade fhec or recompile the model with this version");
      }
      Circuit c = JSON.readValue(files.get(CIRCUIT), Circuit.class);
      if (c.formatVersion() > Circuit.FORMAT_VERSION) {
        throw new BundleException(
            source
                + ": circuit format "
                + c.formatVersion()
                + " is newer than this runtime ("
                + Circuit.FORMAT_VERSION
                + ")",
            "upgrade fhec or recompile the model with this version");
      }
      return new Bundle(
          m,
          c,
          new String(files.get(IR), StandardCharsets.UTF_8),
          ReportJson.read(new String(files.get(REPORT), StandardCharsets.UTF_8)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BundleException(
          source + ": damaged bundle: " + e.getOriginalMessage(),
          "recompile the model with 'fhec compile'");
    }
  }
}
