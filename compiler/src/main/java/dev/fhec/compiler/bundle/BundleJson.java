package dev.fhec.compiler.bundle;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON mapper for bundle files: records by their components only (derived {@code isX()}
 * properties such as {@code ParameterSet.isToy()} are not written), unknown fields ignored on
 * reading so files from newer writers stay readable.
 */
public final class BundleJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);

  private BundleJson() {}

  /** The shared, configured mapper (thread-safe once configured). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
