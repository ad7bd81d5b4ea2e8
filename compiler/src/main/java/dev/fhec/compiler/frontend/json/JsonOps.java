package dev.fhec.compiler.frontend.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Op.BinaryKind;
import dev.fhec.compiler.ir.Op.ReduceKind;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.UnaryFn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON graph's op table: one entry per numpy-style op name, with its arity, its attributes and
 * how it becomes IR through {@link ProgramBuilder}. The table is the documentation's source of
 * truth ({@code docs/json-graph.md}); an unknown op name is reported with the list of known ones.
 */
final class JsonOps {
  private JsonOps() {}

  /** How one op becomes IR: returns the id of the node holding its result. */
  @FunctionalInterface
  interface Lowering {
    int lower(NodeContext c);
  }

  /**
   * A table entry.
   *
   * @param arity number of inputs, or -1 for "one or more"
   * @param attributes allowed attribute keys besides name, op, inputs
   * @param lowering how to build it
   */
  record Entry(int arity, Set<String> attributes, Lowering lowering) {}

  private static final Map<String, Entry> TABLE = table();

  private static Map<String, Entry> table() {
    Map<String, Entry> t = new TreeMap<>();
    for (BinaryKind k : BinaryKind.values()) {
      t.put(lower(k.name()), new Entry(2, Set.of(), c -> c.b().binary(k, c.in(0), c.in(1))));
    }
    for (UnaryFn.Simple f : UnaryFn.Simple.values()) {
      t.put(lower(f.name()), new Entry(1, Set.of(), c -> c.b().unary(f, c.in(0))));
    }
    t.put("neg", new Entry(1, Set.of(), c -> c.b().neg(c.in(0))));
    t.put(
        "clip",
        new Entry(
            1,
            Set.of("min", "max"),
            c -> c.b().unary(new UnaryFn.Clip(c.number("min"), c.number("max")), c.in(0))));
    t.put(
        "power",
        new Entry(
            1,
            Set.of("exponent"),
            c -> c.b().unary(new UnaryFn.Power(c.number("exponent")), c.in(0))));
    t.put("matmul", new Entry(2, Set.of(), c -> c.b().matmul(c.in(0), c.in(1))));
    t.put(
        "sum",
        new Entry(
            1,
            Set.of("axis", "keepdims"),
            c -> c.b().sum(c.in(0), c.axes(), c.flag("keepdims", false))));
    t.put("mean", new Entry(1, Set.of("axis", "keepdims"), JsonOps::mean));
    t.put("max", new Entry(1, Set.of("axis", "keepdims"), c -> reduce(c, ReduceKind.MAX)));
    t.put("min", new Entry(1, Set.of("axis", "keepdims"), c -> reduce(c, ReduceKind.MIN)));
    t.put("astype", new Entry(1, Set.of("dtype", "signed"), JsonOps::astype));
    t.put(
        "round_bits",
        new Entry(
            1,
            Set.of("lsbs", "exact"),
            c -> {
              int lsbs = c.integer("lsbs");
              if (lsbs < 0) {
                throw c.error("/lsbs", "expected lsbs >= 0, found " + lsbs);
              }
              return c.b().roundBits(c.in(0), lsbs, c.flag("exact", false));
            }));
    t.put(
        "reshape",
        new Entry(1, Set.of("shape"), c -> c.b().reshape(c.in(0), ints(c.list("shape")))));
    t.put(
        "transpose",
        new Entry(
            1,
            Set.of("axes"),
            c -> c.b().transpose(c.in(0), c.has("axes") ? ints(c.list("axes")) : new int[0])));
    t.put(
        "slice",
        new Entry(
            1,
            Set.of("starts", "stops", "steps"),
            c ->
                c.b()
                    .slice(
                        c.in(0),
                        c.nullableList("starts"),
                        c.nullableList("stops"),
                        c.nullableList("steps"))));
    t.put("split", new Entry(1, Set.of("outputs", "axis", "sections"), JsonOps::split));
    t.put(
        "concat",
        new Entry(
            -1,
            Set.of("axis"),
            c -> {
              List<Integer> xs = new ArrayList<>();
              for (int i = 0; i < c.arity(); i++) {
                xs.add(c.in(i));
              }
              return c.b().concat(xs, c.has("axis") ? c.integer("axis") : 0);
            }));
    t.put(
        "expand_dims",
        new Entry(1, Set.of("axis"), c -> c.b().expandDims(c.in(0), c.integer("axis"))));
    t.put("squeeze", new Entry(1, Set.of("axis"), JsonOps::squeeze));
    t.put(
        "broadcast_to",
        new Entry(1, Set.of("shape"), c -> c.b().broadcastTo(c.in(0), ints(c.list("shape")))));
    t.put(
        "take",
        new Entry(
            1,
            Set.of("indices", "axis"),
            c -> c.b().gather(c.in(0), c.list("indices"), c.has("axis") ? c.integer("axis") : 0)));
    t.put("where", new Entry(3, Set.of(), c -> c.b().where(c.in(0), c.in(1), c.in(2))));
    return Map.copyOf(t);
  }

  /** Supported op names, sorted. */
  static List<String> supported() {
    return TABLE.keySet().stream().sorted().toList();
  }

  /** Lowers one node object and defines its name(s). */
  static void lower(NodeContext c) {
    JsonGraphFrontend f = c.frontend;
    f.object(c.node, c.ptr);
    String op = f.text(c.node, c.ptr, "op");
    Entry e = TABLE.get(op);
    if (e == null) {
      throw f.error(
          c.ptr + "/op", "unknown op '" + op + "'; supported: " + String.join(", ", supported()));
    }
    Set<String> allowed = new HashSet<>(e.attributes());
    allowed.addAll(Set.of("op", "inputs"));
    if (!op.equals("split")) {
      allowed.add("name");
    }
    f.checkKeys(c.node, c.ptr, allowed);
    JsonNode inputs = f.array(c.node, c.ptr, "inputs", true);
    if (e.arity() >= 0 ? inputs.size() != e.arity() : inputs.isEmpty()) {
      throw f.error(
          c.ptr + "/inputs",
          "'"
              + op
              + "' takes "
              + (e.arity() >= 0 ? e.arity() : "one or more")
              + " input(s), found "
              + inputs.size());
    }
    c.inputs = new int[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      c.inputs[i] = f.value(inputs.get(i), c.ptr + "/inputs/" + i);
    }
    String name = op.equals("split") ? null : f.text(c.node, c.ptr, "name");
    int id = e.lowering().lower(c);
    if (name != null) {
      f.define(name, c.ptr + "/name", id);
    }
  }

  private static int mean(NodeContext c) {
    int x = c.in(0);
    int[] shape = c.b().type(x).shape();
    List<Integer> axes = c.axes();
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      int axis = i;
      if (axes.isEmpty() || axes.stream().anyMatch(a -> a == axis || a + shape.length == axis)) {
        count *= shape[i];
      }
    }
    int s = c.b().sum(x, axes, c.flag("keepdims", false));
    return c.b().div(s, c.b().constant((double) count));
  }

  private static int reduce(NodeContext c, ReduceKind kind) {
    if (!c.has("axis")) {
      throw c.error("", "missing \"axis\" (an integer)");
    }
    return c.b().reduce(kind, c.in(0), c.integer("axis"), c.flag("keepdims", false));
  }

  private static int astype(NodeContext c) {
    JsonNode d = c.node.get("dtype");
    String dtype = d == null || !d.isTextual() ? "" : d.asText();
    ElementType to =
        switch (dtype) {
          case "int" -> new ElementType.IntType(c.flag("signed", true), ElementType.UNASSIGNED);
          case "float" -> new ElementType.FloatType();
          default ->
              throw c.error(
                  "/dtype", "expected \"int\" or \"float\", found " + JsonGraphFrontend.kind(d));
        };
    return c.b().cast(c.in(0), to);
  }

  private static int squeeze(NodeContext c) {
    int x = c.in(0);
    int[] shape = c.b().type(x).shape();
    boolean[] drop = new boolean[shape.length];
    if (c.has("axis")) {
      JsonNode a = c.node.get("axis");
      List<Integer> axes = a.isArray() ? c.list("axis") : List.of(c.integer("axis"));
      for (int axis : axes) {
        int n = axis < 0 ? axis + shape.length : axis;
        if (n < 0 || n >= shape.length || shape[n] != 1) {
          throw c.error(
              "/axis",
              "expected an axis of size 1 of shape " + Arrays.toString(shape) + ", found " + axis);
        }
        drop[n] = true;
      }
    } else {
      for (int i = 0; i < shape.length; i++) {
        drop[i] = shape[i] == 1;
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < shape.length; i++) {
      if (!drop[i]) {
        out.add(shape[i]);
      }
    }
    return c.b().reshape(x, ints(out));
  }

  private static int split(NodeContext c) {
    JsonGraphFrontend f = c.frontend;
    JsonNode outs = f.array(c.node, c.ptr, "outputs", true);
    if (outs.isEmpty()) {
      throw c.error("/outputs", "expected at least one output name");
    }
    int x = c.in(0);
    int[] shape = c.b().type(x).shape();
    int axis = c.has("axis") ? c.integer("axis") : 0;
    int a = axis < 0 ? axis + shape.length : axis;
    if (a < 0 || a >= shape.length) {
      throw c.error(
          "/axis", "expected an axis of shape " + Arrays.toString(shape) + ", found " + axis);
    }
    List<Integer> sizes = new ArrayList<>();
    if (c.has("sections")) {
      sizes = c.list("sections");
      if (sizes.size() != outs.size()) {
        throw c.error(
            "/sections",
            "expected one size per output (" + outs.size() + "), found " + sizes.size());
      }
    } else {
      if (shape[a] % outs.size() != 0) {
        throw c.error(
            "/outputs",
            "axis "
                + axis
                + " of size "
                + shape[a]
                + " does not split into "
                + outs.size()
                + " equal parts");
      }
      for (int i = 0; i < outs.size(); i++) {
        sizes.add(shape[a] / outs.size());
      }
    }
    long total = 0;
    for (int s : sizes) {
      if (s < 1) {
        throw c.error("/sections", "expected sizes >= 1, found " + sizes);
      }
      total += s;
    }
    if (total != shape[a]) {
      throw c.error(
          "/sections",
          "sizes " + sizes + " add up to " + total + ", axis " + axis + " has " + shape[a]);
    }
    int start = 0;
    int last = -1;
    for (int i = 0; i < outs.size(); i++) {
      List<Integer> starts = new ArrayList<>();
      List<Integer> stops = new ArrayList<>();
      for (int d = 0; d <= a; d++) {
        starts.add(d == a ? start : 0);
        stops.add(d == a ? start + sizes.get(i) : shape[d]);
      }
      last = c.b().slice(x, starts, stops, List.of());
      JsonNode name = outs.get(i);
      if (!name.isTextual()) {
        throw c.error("/outputs/" + i, "expected a name, found " + JsonGraphFrontend.kind(name));
      }
      f.define(name.asText(), c.ptr + "/outputs/" + i, last);
      start += sizes.get(i);
    }
    return last;
  }

  private static int[] ints(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  /** One node being lowered: its JSON, pointer, resolved inputs and attribute accessors. */
  static final class NodeContext {
    final JsonGraphFrontend frontend;
    final JsonNode node;
    final String ptr;
    int[] inputs = new int[0];

    NodeContext(JsonGraphFrontend frontend, JsonNode node, String ptr) {
      this.frontend = frontend;
      this.node = node;
      this.ptr = ptr;
    }

    ProgramBuilder b() {
      return frontend.builder();
    }

    int in(int i) {
      return inputs[i];
    }

    int arity() {
      return inputs.length;
    }

    boolean has(String key) {
      return node.has(key) && !node.get(key).isNull();
    }

    CompileException error(String sub, String message) {
      return frontend.error(ptr + sub, message);
    }

    int integer(String key) {
      return frontend.intValue(frontend.required(node, ptr, key), ptr + "/" + key);
    }

    double number(String key) {
      return frontend.doubleValue(frontend.required(node, ptr, key), ptr + "/" + key);
    }

    boolean flag(String key, boolean dflt) {
      return frontend.bool(node, ptr, key, dflt);
    }

    List<Integer> list(String key) {
      return frontend.intList(frontend.required(node, ptr, key), ptr + "/" + key);
    }

    /** {@code axis}: an integer, a list, or absent (= all axes). */
    List<Integer> axes() {
      if (!has("axis")) {
        return List.of();
      }
      JsonNode a = node.get("axis");
      return a.isArray() ? list("axis") : List.of(integer("axis"));
    }

    /** A list whose elements may be null (Python's None); absent = empty. */
    List<Integer> nullableList(String key) {
      if (!has(key)) {
        return List.of();
      }
      JsonNode v = node.get(key);
      if (!v.isArray()) {
        throw error(
            "/" + key, "expected a list of integers or nulls, found " + JsonGraphFrontend.kind(v));
      }
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        out.add(v.get(i).isNull() ? null : frontend.intValue(v.get(i), ptr + "/" + key + "/" + i));
      }
      return out;
    }
  }
}
