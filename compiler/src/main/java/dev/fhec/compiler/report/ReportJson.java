package dev.fhec.compiler.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON form of an {@link InspectionReport} ({@code report.json} in a bundle, {@code fhec
 * inspect --json}). Unknown fields are ignored on reading so newer writers stay readable.
 */
public final class ReportJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ReportJson() {}

  public static String write(InspectionReport report) {
    try {
      return MAPPER.writeValueAsString(report);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static InspectionReport read(String json) throws IOException {
    InspectionReport r = MAPPER.readValue(json, InspectionReport.class);
    if (r.formatVersion() > InspectionReport.FORMAT_VERSION) {
      throw new IOException(
          "report format version "
              + r.formatVersion()
              + " is newer than this fhec understands ("
              + InspectionReport.FORMAT_VERSION
              + ")");
    }
    return r;
  }

  public static InspectionReport read(Path file) throws IOException {
    return read(Files.readString(file));
  }
}
