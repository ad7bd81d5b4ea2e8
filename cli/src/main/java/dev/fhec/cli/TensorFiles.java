package dev.fhec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fhec.compiler.ir.NpyTensors;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.io.npy.Npy;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.NpyFormatException;
import dev.fhec.runtime.io.npy.Npz;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Named tensors in and out of the files users exchange with numpy: {@code .npy} (one array, named
 * after the file), {@code .npz} (a zip of {@code .npy}, stored or deflated) and {@code .json} (an
 * object of name → nested lists, or a bare nested list). Supported npy dtypes: little-endian {@code
 * i1 i2 i4 i8 u1 u2 u4 f4 f8} and {@code b1}, C order (NumPy format 1.0/2.0/3.0, NEP 1).
 */
public final class TensorFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TensorFiles() {}

  /** Reads every tensor of the file, in file order. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    String name = file.getFileName().toString();
    try {
      if (name.endsWith(".npy")) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(stem(name), readNpy(file));
        return m;
      }
      if (name.endsWith(".npz")) {
        return readNpz(file);
      }
      if (name.endsWith(".json")) {
        return readJson(file);
      }
    } catch (NoSuchFileException e) {
      throw new UserException(
          "no such file: " + file, "check the path; inputs are .npy, .npz or .json files");
    }
    throw new UserException(
        "unsupported tensor file " + file + ": expected .npy, .npz or .json",
        "save arrays with numpy.save / numpy.savez, or write a JSON object of nested lists");
  }

  /** Writes tensors to a {@code .npy} (exactly one tensor), {@code .npz} or {@code .json} file. */
  public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
    String name = file.getFileName().toString();
    if (name.endsWith(".npy")) {
      if (tensors.size() != 1) {
        throw new UserException(
            file + ": a .npy file holds one array, there are " + tensors.size() + " outputs",
            "write to a .npz or .json file instead");
      }
      Npy.write(NpyTensors.array(tensors.values().iterator().next()), file);
    } else if (name.endsWith(".npz")) {
      Map<String, NpyArray> arrays = new LinkedHashMap<>();
      tensors.forEach((k, v) -> arrays.put(k, NpyTensors.array(v)));
      Npz.write(arrays, false, file);
    } else if (name.endsWith(".json")) {
      ObjectNode root = JSON.createObjectNode();
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        root.set(e.getKey(), nested(e.getValue(), 0, 0));
      }
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    } else {
      throw new UserException(
          "unsupported output file " + file + ": expected .npy, .npz or .json",
          "name the output file with one of these extensions");
    }
  }

  private static String stem(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  private static Map<String, Tensor> readNpz(Path file) throws IOException {
    Map<String, Tensor> m = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, NpyArray> e : Npz.read(file).entrySet()) {
        m.put(e.getKey(), NpyTensors.tensor(e.getValue()));
      }
    } catch (NpyFormatException e) {
      throw new UserException(e.getMessage(), "save arrays with numpy.savez");
    }
    if (m.isEmpty()) {
      throw new UserException(file + " holds no .npy arrays", "is it really a numpy .npz archive?");
    }
    return m;
  }

  private static Tensor readNpy(Path file) throws IOException {
    try {
      return NpyTensors.tensor(Npy.read(file));
    } catch (NpyFormatException e) {
      throw new UserException(e.getMessage(), "save the array with numpy.save");
    }
  }

  private static Map<String, Tensor> readJson(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserException(
          file
              + ":"
              + e.getLocation().getLineNr()
              + ":"
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage(),
          "tensor JSON is an object of name -> nested lists of numbers");
    }
    Map<String, Tensor> m = new LinkedHashMap<>();
    if (root.isArray() || root.isNumber()) {
      m.put(stem(file.getFileName().toString()), fromJson(root, file + "#"));
      return m;
    }
    if (!root.isObject()) {
      throw new UserException(
          file + ": expected an object or an array", "write {\"x\": [[1, 2], [3, 4]]}");
    }
    var it = root.fields();
    while (it.hasNext()) {
      var e = it.next();
      m.put(e.getKey(), fromJson(e.getValue(), file + "#/" + e.getKey()));
    }
    return m;
  }

  private static Tensor fromJson(JsonNode n, String where) {
    List<Integer> shape = new ArrayList<>();
    JsonNode cur = n;
    while (cur.isArray()) {
      shape.add(cur.size());
      if (cur.isEmpty()) {
        throw new UserException(where + ": empty list", "every dimension must be at least 1");
      }
      cur = cur.get(0);
    }
    List<JsonNode> leaves = new ArrayList<>();
    flatten(n, 0, shape, leaves, where);
    boolean ints =
        leaves.stream().allMatch(JsonNode::canConvertToLong)
            && leaves.stream().allMatch(JsonNode::isIntegralNumber);
    int[] s = shape.stream().mapToInt(Integer::intValue).toArray();
    if (ints) {
      return new Tensor.Ints(s, leaves.stream().mapToLong(JsonNode::longValue).toArray());
    }
    return new Tensor.Floats(s, leaves.stream().mapToDouble(JsonNode::doubleValue).toArray());
  }

  private static void flatten(
      JsonNode n, int depth, List<Integer> shape, List<JsonNode> out, String where) {
    if (depth == shape.size()) {
      if (!n.isNumber()) {
        throw new UserException(
            where + ": expected a number, found " + n.getNodeType().name().toLowerCase(Locale.ROOT),
            "tensors hold numbers only");
      }
      out.add(n);
      return;
    }
    if (!n.isArray() || n.size() != shape.get(depth)) {
      throw new UserException(
          where
              + ": ragged nested list at depth "
              + depth
              + " (expected "
              + shape.get(depth)
              + " elements)",
          "every row must have the same length");
    }
    for (JsonNode c : n) {
      flatten(c, depth + 1, shape, out, where);
    }
  }

  private static JsonNode nested(Tensor t, int axis, int offset) {
    int[] shape = t.shape();
    if (shape.length == 0) {
      return t instanceof Tensor.Ints i
          ? JSON.getNodeFactory().numberNode(i.at(0))
          : JSON.getNodeFactory().numberNode(t.asDouble(0));
    }
    ArrayNode a = JSON.createArrayNode();
    int stride = 1;
    for (int i = axis + 1; i < shape.length; i++) {
      stride *= shape[i];
    }
    for (int j = 0; j < shape[axis]; j++) {
      int o = offset + j * stride;
      if (axis == shape.length - 1) {
        switch (t) {
          case Tensor.Ints x -> a.add(x.at(o));
          case Tensor.Floats x -> a.add(x.at(o));
        }
      } else {
        a.add(nested(t, axis + 1, o));
      }
    }
    return a;
  }
}
