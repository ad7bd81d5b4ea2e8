package dev.fhec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fhec.compiler.ir.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Named tensors in and out of the files users exchange with numpy: {@code .npy} (one array, named
 * after the file), {@code .npz} (a zip of {@code .npy}, stored or deflated) and {@code .json} (an
 * object of name → nested lists, or a bare nested list). Supported npy dtypes: little-endian {@code
 * i1 i2 i4 i8 u1 u2 u4 f4 f8} and {@code b1}, C order (NumPy format 1.0/2.0/3.0, NEP 1).
 */
public final class TensorFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private TensorFiles() {}

  /** Reads every tensor of the file, in file order. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    String name = file.getFileName().toString();
    try {
      if (name.endsWith(".npy")) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(stem(name), readNpy(Files.readAllBytes(file), file.toString()));
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
      Files.write(file, npy(tensors.values().iterator().next()));
    } else if (name.endsWith(".npz")) {
      try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
          z.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
          z.write(npy(e.getValue()));
          z.closeEntry();
        }
      }
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
    try (InputStream in = Files.newInputStream(file);
        ZipInputStream z = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = z.getNextEntry()) != null) {
        if (e.getName().endsWith(".npy")) {
          m.put(stem(e.getName()), readNpy(z.readAllBytes(), file + ":" + e.getName()));
        }
      }
    }
    if (m.isEmpty()) {
      throw new UserException(file + " holds no .npy arrays", "is it really a numpy .npz archive?");
    }
    return m;
  }

  static Tensor readNpy(byte[] b, String where) {
    if (b.length < 10 || (b[0] & 0xff) != 0x93 || b[1] != 'N' || b[2] != 'U' || b[3] != 'M') {
      throw new UserException(where + " is not a .npy file (bad magic)", "save it with numpy.save");
    }
    int major = b[6];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen;
    int offset;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(bb.getShort(8));
      offset = 10;
    } else {
      headerLen = bb.getInt(8);
      offset = 12;
    }
    String header = new String(b, offset, headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw new UserException(
          where + ": unreadable .npy header " + header.strip(), "re-save it with numpy.save");
    }
    if (f.group(1).equals("True")) {
      throw new UserException(
          where + ": Fortran-order arrays are not supported", "save np.ascontiguousarray(a)");
    }
    List<Integer> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      if (!part.isBlank()) {
        dims.add(Integer.parseInt(part.strip()));
      }
    }
    int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
    int size = 1;
    for (int x : shape) {
      size = Math.multiplyExact(size, x);
    }
    String descr = d.group(1);
    int data = offset + headerLen;
    bb.position(data);
    int width = descr.length() > 2 ? Integer.parseInt(descr.substring(2)) : 0;
    if ((long) size * width > b.length - data) {
      throw new UserException(where + ": truncated .npy data", "the file is damaged");
    }
    switch (descr) {
      case "<f8", "<f4" -> {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
          v[i] = descr.equals("<f8") ? bb.getDouble() : bb.getFloat();
        }
        return new Tensor.Floats(shape, v);
      }
      case "<i8", "<i4", "<i2", "|i1", "<u4", "<u2", "|u1", "|b1" -> {
        long[] v = new long[size];
        for (int i = 0; i < size; i++) {
          v[i] =
              switch (descr) {
                case "<i8" -> bb.getLong();
                case "<i4" -> bb.getInt();
                case "<i2" -> bb.getShort();
                case "|i1" -> bb.get();
                case "<u4" -> Integer.toUnsignedLong(bb.getInt());
                case "<u2" -> Short.toUnsignedInt(bb.getShort());
                default -> Byte.toUnsignedInt(bb.get());
              };
        }
        return new Tensor.Ints(shape, v);
      }
      default ->
          throw new UserException(
              where + ": unsupported dtype '" + descr + "'",
              "use little-endian int8..int64, uint8..uint32, float32/64 or bool");
    }
  }

  static byte[] npy(Tensor t) {
    boolean ints = t instanceof Tensor.Ints;
    StringBuilder shape = new StringBuilder("(");
    for (int d : t.shape()) {
      shape.append(d).append(", ");
    }
    if (t.shape().length > 1) {
      shape.setLength(shape.length() - 2);
    } else if (t.shape().length == 1) {
      shape.setLength(shape.length() - 1);
    }
    shape.append(')');
    String dict =
        "{'descr': '"
            + (ints ? "<i8" : "<f8")
            + "', 'fortran_order': False, 'shape': "
            + shape
            + ", }";
    int pad = 64 - (10 + dict.length() + 1) % 64;
    String header = dict + " ".repeat(pad % 64) + "\n";
    ByteBuffer bb =
        ByteBuffer.allocate(10 + header.length() + 8 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
    bb.put((byte) 0x93)
        .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
        .put((byte) 1)
        .put((byte) 0);
    bb.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < t.size(); i++) {
      switch (t) {
        case Tensor.Ints x -> bb.putLong(x.at(i));
        case Tensor.Floats x -> bb.putDouble(x.at(i));
      }
    }
    return bb.array();
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
