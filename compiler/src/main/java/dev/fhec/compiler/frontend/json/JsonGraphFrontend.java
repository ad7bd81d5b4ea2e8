package dev.fhec.compiler.frontend.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.ir.Bounds;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.io.npy.Npy;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON graph frontend ({@code docs/json-graph.md}): inputs, constants (inline or from {@code
 * .npy}/{@code .npz} files next to the JSON file) and numpy-style nodes become a {@link Program}
 * through {@link ProgramBuilder}, so shapes and types are checked as the graph is read. Ops are
 * looked up in the {@link JsonOps} table.
 *
 * <p>Every error is a {@link CompileException} whose location is a {@link Location.Json} pointer to
 * the offending element ({@code /nodes/12/inputs/1}) and whose message says what was expected.
 */
public final class JsonGraphFrontend {
  /** The {@code .json} graph file format. */
  public static final dev.fhec.compiler.frontend.Frontend FILES =
      dev.fhec.compiler.frontend.Frontend.of("json", "graph", JsonGraphFrontend::load);

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final Set<String> TOP_KEYS =
      Set.of("version", "name", "inputs", "constants", "nodes", "outputs");

  private final String file;
  private final Optional<Path> baseDir;
  private final ProgramBuilder builder;
  private final Map<String, Integer> values = new LinkedHashMap<>();
  private final Map<String, String> definedAt = new HashMap<>();
  private final Map<Path, Map<String, NpyArray>> archives = new HashMap<>();

  private JsonGraphFrontend(String file, Optional<Path> baseDir, String name) {
    this.file = file;
    this.baseDir = baseDir;
    this.builder = new ProgramBuilder(name);
  }

  /** Reads {@code file}; {@code .npy}/{@code .npz} paths are relative to its directory. */
  public static Program load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new CompileException(
          Diagnostic.error("cannot read the graph: " + e, new Location.Json(file.toString(), "")));
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), Optional.ofNullable(dir));
  }

  /**
   * Parses JSON text.
   *
   * @param file the name used in locations (and, without extension, the default program name)
   * @param baseDir where constant files are looked up; empty forbids file constants
   */
  public static Program parse(String json, String file, Optional<Path> baseDir) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new CompileException(
          Diagnostic.error(
              "malformed JSON" + where + ": " + e.getOriginalMessage(),
              new Location.Json(file, "")));
    }
    String fileName =
        Path.of(file).getFileName() == null ? file : Path.of(file).getFileName().toString();
    String defaultName =
        fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
    if (root == null || !root.isObject()) {
      throw new CompileException(
          Diagnostic.error(
              "expected a JSON object {\"inputs\": ..., \"nodes\": ..., \"outputs\": ...}",
              new Location.Json(file, "")));
    }
    JsonNode nameNode = root.get("name");
    String name = defaultName;
    if (nameNode != null) {
      if (!nameNode.isTextual()) {
        throw new CompileException(
            Diagnostic.error("expected a string", new Location.Json(file, "/name")));
      }
      name = nameNode.asText();
    }
    return new JsonGraphFrontend(file, baseDir, name).program(root);
  }

  private Program program(JsonNode root) {
    checkKeys(root, "", TOP_KEYS);
    JsonNode version = root.get("version");
    if (version != null && !(version.isIntegralNumber() && version.asLong() == 1)) {
      throw error("/version", "expected version 1, found " + version);
    }
    JsonNode inputs = array(root, "", "inputs", true);
    for (int i = 0; i < inputs.size(); i++) {
      input(inputs.get(i), "/inputs/" + i);
    }
    JsonNode constants = array(root, "", "constants", false);
    for (int i = 0; constants != null && i < constants.size(); i++) {
      constant(constants.get(i), "/constants/" + i);
    }
    JsonNode nodes = array(root, "", "nodes", true);
    for (int i = 0; i < nodes.size(); i++) {
      String ptr = "/nodes/" + i;
      builder.at(new Location.Json(file, ptr));
      try {
        JsonOps.lower(new JsonOps.NodeContext(this, nodes.get(i), ptr));
      } catch (CompileException e) {
        throw e;
      } catch (RuntimeException e) {
        // Limits of the IR records (sizes overflowing int, ...) surface here.
        throw error(ptr, "cannot build this node: " + e.getMessage());
      }
    }
    JsonNode outputs = array(root, "", "outputs", true);
    if (outputs.isEmpty()) {
      throw error("/outputs", "expected at least one output name");
    }
    for (int i = 0; i < outputs.size(); i++) {
      builder.output(value(outputs.get(i), "/outputs/" + i));
    }
    return builder.build();
  }

  private void input(JsonNode in, String ptr) {
    object(in, ptr);
    checkKeys(in, ptr, Set.of("name", "shape", "dtype", "signed", "encrypted", "range"));
    String name = text(in, ptr, "name");
    int[] shape = shape(required(in, ptr, "shape"), ptr + "/shape");
    String dtype = text(in, ptr, "dtype");
    boolean encrypted = bool(in, ptr, "encrypted", null);
    boolean signed = bool(in, ptr, "signed", true);
    ElementType element =
        switch (dtype) {
          case "int" -> new ElementType.IntType(signed, ElementType.UNASSIGNED);
          case "float" -> {
            if (encrypted) {
              throw error(
                  ptr + "/dtype",
                  "encrypted inputs must be quantized integers (\"int\"), found \"float\"");
            }
            yield new ElementType.FloatType();
          }
          default ->
              throw error(ptr + "/dtype", "expected \"int\" or \"float\", found \"" + dtype + "\"");
        };
    Optional<Bounds> bounds = Optional.empty();
    JsonNode range = in.get("range");
    if (range != null) {
      if (!range.isArray() || range.size() != 2) {
        throw error(ptr + "/range", "expected [min, max]");
      }
      long lo = longValue(range.get(0), ptr + "/range/0");
      long hi = longValue(range.get(1), ptr + "/range/1");
      if (lo > hi) {
        throw error(ptr + "/range", "expected min <= max, found [" + lo + ", " + hi + "]");
      }
      bounds = Optional.of(new Bounds(lo, hi));
    }
    builder.at(new Location.Json(file, ptr));
    define(name, ptr + "/name", builder.input(name, shape, element, encrypted, bounds));
  }

  private void constant(JsonNode c, String ptr) {
    object(c, ptr);
    checkKeys(c, ptr, Set.of("name", "shape", "dtype", "data", "file", "npz", "key"));
    String name = text(c, ptr, "name");
    Optional<String> dtype =
        Optional.ofNullable(c.get("dtype"))
            .map(
                d -> {
                  if (!d.isTextual() || !(d.asText().equals("int") || d.asText().equals("float"))) {
                    throw error(ptr + "/dtype", "expected \"int\" or \"float\", found " + d);
                  }
                  return d.asText();
                });
    Optional<int[]> shape = Optional.ofNullable(c.get("shape")).map(s -> shape(s, ptr + "/shape"));
    int sources = (c.has("data") ? 1 : 0) + (c.has("file") ? 1 : 0) + (c.has("npz") ? 1 : 0);
    if (sources != 1) {
      throw error(ptr, "expected exactly one of \"data\", \"file\", \"npz\"+\"key\"");
    }
    if (c.has("key") != c.has("npz")) {
      throw error(ptr, "\"npz\" and \"key\" go together");
    }
    Tensor t;
    if (c.has("data")) {
      t = ConstantData.fromJson(c.get("data"), shape, dtype, ptr + "/data", this::error);
    } else {
      NpyArray a = c.has("file") ? npy(c, ptr) : npz(c, ptr);
      String from = ptr + (c.has("file") ? "/file" : "/npz");
      t = ConstantData.fromNpy(a, dtype, from, this::error);
      if (shape.isPresent() && !java.util.Arrays.equals(shape.get(), t.shape())) {
        throw error(
            ptr + "/shape",
            "expected the file's shape "
                + java.util.Arrays.toString(t.shape())
                + ", found "
                + java.util.Arrays.toString(shape.get()));
      }
    }
    builder.at(new Location.Json(file, ptr));
    define(name, ptr + "/name", builder.constant(t));
  }

  private NpyArray npy(JsonNode c, String ptr) {
    Path p = resolve(text(c, ptr, "file"), ptr + "/file");
    try {
      return Npy.read(p);
    } catch (IOException | RuntimeException e) {
      throw error(ptr + "/file", "cannot read " + p + ": " + e.getMessage());
    }
  }

  private NpyArray npz(JsonNode c, String ptr) {
    Path p = resolve(text(c, ptr, "npz"), ptr + "/npz");
    String key = text(c, ptr, "key");
    Map<String, NpyArray> archive = archives.get(p);
    if (archive == null) {
      try {
        archive = Npz.read(p);
      } catch (IOException | RuntimeException e) {
        throw error(ptr + "/npz", "cannot read " + p + ": " + e.getMessage());
      }
      archives.put(p, archive);
    }
    NpyArray a = archive.get(key);
    if (a == null) {
      throw error(ptr + "/key", "no array '" + key + "' in " + p + "; it has " + archive.keySet());
    }
    return a;
  }

  private Path resolve(String relative, String ptr) {
    if (baseDir.isEmpty()) {
      throw error(ptr, "file constants need the graph to be loaded from a file");
    }
    try {
      return dev.fhec.compiler.frontend.ModelFiles.resolveInside(baseDir.get(), relative);
    } catch (dev.fhec.compiler.frontend.ModelFiles.EscapeException e) {
      throw error(ptr, e.getMessage());
    }
  }

  // ---- shared with JsonOps -------------------------------------------------------------------

  ProgramBuilder builder() {
    return builder;
  }

  /** The node id of value {@code ref} (a name or a number literal, which becomes a constant). */
  int value(JsonNode ref, String ptr) {
    if (ref != null && ref.isNumber()) {
      if (ref.isIntegralNumber()) {
        return builder.constant(longValue(ref, ptr));
      }
      return builder.constant(ref.asDouble());
    }
    if (ref == null || !ref.isTextual()) {
      throw error(ptr, "expected a value name or a number, found " + ref);
    }
    Integer id = values.get(ref.asText());
    if (id == null) {
      throw error(ptr, "unknown value '" + ref.asText() + "'; defined so far: " + known());
    }
    return id;
  }

  void define(String name, String ptr, int id) {
    String previous = definedAt.putIfAbsent(name, ptr);
    if (previous != null) {
      throw error(ptr, "name '" + name + "' is already defined at " + previous);
    }
    values.put(name, id);
  }

  private String known() {
    List<String> names = new ArrayList<>(values.keySet());
    if (names.size() > 30) {
      return String.join(", ", names.subList(names.size() - 30, names.size()))
          + " (and "
          + (names.size() - 30)
          + " earlier)";
    }
    return names.isEmpty() ? "(nothing)" : String.join(", ", names);
  }

  CompileException error(String ptr, String message) {
    return new CompileException(Diagnostic.error(message, new Location.Json(file, ptr)));
  }

  void checkKeys(JsonNode obj, String ptr, Set<String> allowed) {
    Iterator<String> it = obj.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw error(
            ptr + "/" + escape(k),
            "unknown key '" + k + "'; expected one of " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  void object(JsonNode n, String ptr) {
    if (n == null || !n.isObject()) {
      throw error(ptr, "expected a JSON object, found " + kind(n));
    }
  }

  JsonNode required(JsonNode obj, String ptr, String key) {
    JsonNode v = obj.get(key);
    if (v == null) {
      throw error(ptr, "missing \"" + key + "\"");
    }
    return v;
  }

  String text(JsonNode obj, String ptr, String key) {
    JsonNode v = required(obj, ptr, key);
    if (!v.isTextual()) {
      throw error(ptr + "/" + key, "expected a string, found " + kind(v));
    }
    return v.asText();
  }

  boolean bool(JsonNode obj, String ptr, String key, Boolean dflt) {
    JsonNode v = obj.get(key);
    if (v == null) {
      if (dflt == null) {
        throw error(ptr, "missing \"" + key + "\" (true or false)");
      }
      return dflt;
    }
    if (!v.isBoolean()) {
      throw error(ptr + "/" + key, "expected true or false, found " + kind(v));
    }
    return v.asBoolean();
  }

  long longValue(JsonNode v, String ptr) {
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw error(ptr, "expected a 64-bit integer, found " + kind(v));
    }
    return v.asLong();
  }

  int intValue(JsonNode v, String ptr) {
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw error(ptr, "expected a 32-bit integer, found " + kind(v));
    }
    return v.asInt();
  }

  double doubleValue(JsonNode v, String ptr) {
    if (v == null || !v.isNumber()) {
      throw error(ptr, "expected a number, found " + kind(v));
    }
    return v.asDouble();
  }

  List<Integer> intList(JsonNode v, String ptr) {
    if (v == null || !v.isArray()) {
      throw error(ptr, "expected a list of integers, found " + kind(v));
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(intValue(v.get(i), ptr + "/" + i));
    }
    return out;
  }

  int[] shape(JsonNode v, String ptr) {
    List<Integer> dims = intList(v, ptr);
    int[] out = new int[dims.size()];
    for (int i = 0; i < out.length; i++) {
      if (dims.get(i) < 1) {
        throw error(ptr + "/" + i, "expected a dimension >= 1, found " + dims.get(i));
      }
      out[i] = dims.get(i);
    }
    return out;
  }

  JsonNode array(JsonNode obj, String ptr, String key, boolean isRequired) {
    JsonNode v = obj.get(key);
    if (v == null) {
      if (isRequired) {
        throw error(ptr, "missing \"" + key + "\" (a list)");
      }
      return null;
    }
    if (!v.isArray()) {
      throw error(ptr + "/" + key, "expected a list, found " + kind(v));
    }
    return v;
  }

  static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    String s = n.toString();
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + (s.length() > 40 ? s.substring(0, 40) + "..." : s);
  }

  /** RFC 6901 escaping of one reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
