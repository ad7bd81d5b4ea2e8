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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
 * (the final IR, printed), {@code report.json} (the inspection data) and {@code checksums.json}
 * (the SHA-256 of each other file: an edited circuit or manifest is refused, not silently used).
 * Bundles of another format version are refused with a hint to recompile.
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
  public static final String CHECKSUMS = "checksums.json";

  /** 2: circuits with parameter plans, checksummed files. */
  public static final int FORMAT_VERSION = 2;

  /** The files every bundle holds and nothing else, in the order written. */
  private static final List<String> ENTRIES = List.of(MANIFEST, CIRCUIT, IR, REPORT, CHECKSUMS);

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
      // Sorted: Map.copyOf iterates in a per-JVM random order, so identical compiles wrote
      // different manifest.json (and checksums.json) bytes.
      options = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(options));
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
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(MANIFEST, JSON.writeValueAsBytes(manifest));
    files.put(CIRCUIT, JSON.writeValueAsBytes(circuit));
    files.put(IR, printedIr.getBytes(StandardCharsets.UTF_8));
    files.put(REPORT, ReportJson.write(report).getBytes(StandardCharsets.UTF_8));
    Map<String, String> sums = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      sums.put(e.getKey(), sha256(e.getValue()));
    }
    files.put(CHECKSUMS, JSON.writeValueAsBytes(sums));
    if (isZip(target)) {
      if (target.getParent() != null) {
        Files.createDirectories(target.getParent());
      }
      try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(target))) {
        for (String name : ENTRIES) {
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

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  /** Reads a bundle directory or zip, naming the missing or damaged part on failure. */
  public static Bundle read(Path source) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    if (!Files.exists(source)) {
      throw new BundleException(
          "no bundle at " + source, "create one with 'fhec compile MODEL -o " + source + "'");
    }
    if (Files.isDirectory(source)) {
      for (String name : ENTRIES) {
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
          if (!ENTRIES.contains(e.getName())) {
            throw new BundleException(
                source + " is not an fhec bundle: unexpected entry " + e.getName(),
                "recompile the model with 'fhec compile'");
          }
          if (files.put(e.getName(), z.readAllBytes()) != null) {
            throw new BundleException(
                source + " is not an fhec bundle: entry " + e.getName() + " appears twice",
                "recompile the model with 'fhec compile'");
          }
        }
      }
    }
    requireVersion(source, files.get(MANIFEST));
    for (String name : ENTRIES) {
      if (!files.containsKey(name)) {
        throw new BundleException(
            source + " is not a complete fhec bundle: " + name + " is missing",
            "recompile the model with 'fhec compile'");
      }
    }
    try {
      Map<String, String> sums =
          JSON.readValue(
              files.get(CHECKSUMS),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
      for (String name : ENTRIES) {
        if (!name.equals(CHECKSUMS) && !sha256(files.get(name)).equals(sums.get(name))) {
          throw new BundleException(
              source + ": " + name + " does not match its checksum (edited or damaged)",
              "recompile the model with 'fhec compile'");
        }
      }
      Manifest m = JSON.readValue(files.get(MANIFEST), Manifest.class);
      Circuit c = JSON.readValue(files.get(CIRCUIT), Circuit.class);
      if (c.formatVersion() != Circuit.FORMAT_VERSION) {
        throw new BundleException(
            source
                + ": circuit format "
                + c.formatVersion()
                + ", this fhec reads "
                + Circuit.FORMAT_VERSION,
            "recompile the model with 'fhec compile'");
      }
      return new Bundle(
          m,
          c,
          new String(files.get(IR), StandardCharsets.UTF_8),
          ReportJson.read(new String(files.get(REPORT), StandardCharsets.UTF_8)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new BundleException(
          source
              + ": damaged bundle: "
              + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                  ? j.getOriginalMessage()
                  : e.getMessage()),
          "recompile the model with 'fhec compile'");
    }
  }

  /** Refuses a bundle of another format version before parsing anything else of it. */
  private static void requireVersion(Path source, byte[] manifest) throws IOException {
    if (manifest == null) {
      return;
    }
    int version;
    try {
      version = JSON.readTree(manifest).path("formatVersion").asInt(-1);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BundleException(
          source + ": damaged bundle: " + e.getOriginalMessage(),
          "recompile the model with 'fhec compile'");
    }
    if (version != FORMAT_VERSION) {
      throw new BundleException(
          source + ": bundle format " + version + ", this fhec reads format " + FORMAT_VERSION,
          "recompile the model with this fhec ('fhec compile'), then regenerate keys with"
              + " 'fhec keygen'");
    }
  }
}
