package dev.fhec.compiler.ir;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one textual form of the IR, Concrete-like, used by golden tests, diagnostics, reports and
 * {@code --print-ir-after}:
 *
 * <pre>
 * program head {
 *   %0 = input(0, "x")  # EncryptedInt&lt;8&gt;[6,768] ∈ [-127, 127]
 *   %1 = constant(i64[2] {3, -1})  # ClearInt[2]
 *   %2 = add(%0, %1)  # EncryptedInt[6,768]
 *   %3 = tlu(%2, fn="f") {  # EncryptedInt&lt;4&gt;[6,768] ∈ [-7, 7]
 *     %0 = input(0, "e")  # ClearInt[]
 *     %1 = relu(%0)  # ClearInt[]
 *     return %1
 *   }
 *   return %3
 * }
 * </pre>
 *
 * <p>Constants with at most {@link Options#inlineLimit()} elements are printed in full, larger ones
 * as a summary {@code <768x64 values, min -8, max 7>} that {@link IrParser} refuses. With {@link
 * Options#ROUND_TRIP} (every constant inline, locations printed), {@code
 * IrParser.parse(print(p)).equals(p)}.
 */
public final class IrPrinter {
  /**
   * How to print.
   *
   * @param inlineLimit constants with more elements are summarized
   * @param locations whether to print each node's source location ({@code @json(...)})
   */
  public record Options(int inlineLimit, boolean locations) {
    /** For people: small constants inline, no locations. */
    public static final Options DEFAULT = new Options(64, false);

    /** Lossless: {@code IrParser.parse(print(p, ROUND_TRIP)).equals(p)}. */
    public static final Options ROUND_TRIP = new Options(Integer.MAX_VALUE, true);

    /** Golden files: everything inline, no locations. */
    public static final Options GOLDEN = new Options(Integer.MAX_VALUE, false);
  }

  private static final String INDENT = "  ";

  private IrPrinter() {}

  public static String print(Program p) {
    return print(p, Options.DEFAULT);
  }

  public static String print(Program p, Options options) {
    return print(p, options, Map.of());
  }

  /**
   * Prints {@code p} with, under the line of each node in {@code notes}, a {@code ^^^^ message}
   * marker per message (the form of diagnostics).
   */
  public static String print(Program p, Options options, Map<Integer, List<String>> notes) {
    StringBuilder sb = new StringBuilder();
    program(sb, p, options, notes, "");
    return sb.toString();
  }

  /** The text of one node line without the type comment, e.g. {@code %2 = add(%0, %1)}. */
  public static String nodeText(Node n) {
    return "%" + n.id() + " = " + opText(n.op(), Options.DEFAULT);
  }

  private static void program(
      StringBuilder sb, Program p, Options o, Map<Integer, List<String>> notes, String indent) {
    sb.append(indent).append("program ").append(quoteIfNeeded(p.name())).append(" {\n");
    body(sb, p, o, notes, indent + INDENT);
    sb.append(indent).append("}\n");
  }

  /** Node lines and the return line; nested table-lookup functions are indented once more. */
  private static void body(
      StringBuilder sb, Program p, Options o, Map<Integer, List<String>> notes, String indent) {
    for (Node n : p.nodes()) {
      String head = "%" + n.id() + " = " + opText(n.op(), o);
      sb.append(indent).append(head);
      if (n.op() instanceof Op.TableLookup) {
        sb.append(" {");
      }
      sb.append("  # ").append(typeComment(n, o)).append('\n');
      for (String note : notes.getOrDefault(n.id(), List.of())) {
        sb.append(indent).append("^".repeat(head.length())).append(' ').append(note).append('\n');
      }
      if (n.op() instanceof Op.TableLookup t) {
        body(sb, t.function(), o, Map.of(), indent + INDENT);
        sb.append(indent).append("}\n");
      }
    }
    sb.append(indent).append("return ").append(ids(p.outputs())).append('\n');
  }

  private static String typeComment(Node n, Options o) {
    StringBuilder sb = new StringBuilder(n.type().toString());
    n.bounds().ifPresent(b -> sb.append(" ∈ ").append(b));
    if (o.locations() && !(n.location() instanceof Location.Unknown)) {
      sb.append(' ').append(location(n.location()));
    }
    return sb.toString();
  }

  /**
   * {@code @json("g.json", "/nodes/3")}, {@code @src(...)}, {@code @onnx(...)}, {@code @via(...)}.
   */
  static String location(Location l) {
    return switch (l) {
      case Location.Source s ->
          "@src("
              + quote(s.file())
              + ", "
              + s.line()
              + ", "
              + s.column()
              + ", "
              + s.endLine()
              + ", "
              + s.endColumn()
              + ")";
      case Location.OnnxNode n ->
          "@onnx(" + quote(n.file()) + ", " + quote(n.nodeName()) + ", " + quote(n.opType()) + ")";
      case Location.Json j -> "@json(" + quote(j.file()) + ", " + quote(j.pointer()) + ")";
      case Location.Derived d -> "@via(" + quote(d.pass()) + ", " + location(d.from()) + ")";
      case Location.Unknown u -> "@unknown";
    };
  }

  /** The op and its operands and attributes, e.g. {@code sum(%2, axes=[1], keepdims=false)}. */
  static String opText(Op op, Options o) {
    return switch (op) {
      case Op.Input in -> "input(" + in.index() + ", " + quote(in.name()) + ")";
      case Op.Constant c -> "constant(" + tensor(c.value(), o) + ")";
      case Op.Binary b -> lower(b.kind().name()) + "(%" + b.lhs() + ", %" + b.rhs() + ")";
      case Op.Neg n -> "neg(%" + n.x() + ")";
      case Op.MatMul m -> "matmul(%" + m.lhs() + ", %" + m.rhs() + ")";
      case Op.Sum s -> "sum(%" + s.x() + ", axes=" + s.axes() + ", keepdims=" + s.keepDims() + ")";
      case Op.Reduce r ->
          lower(r.kind().name())
              + "(%"
              + r.x()
              + ", axis="
              + r.axis()
              + ", keepdims="
              + r.keepDims()
              + ")";
      case Op.Unary u ->
          switch (u.fn()) {
            case UnaryFn.Simple s -> lower(s.name()) + "(%" + u.x() + ")";
            case UnaryFn.Clip c ->
                "clip(%" + u.x() + ", min=" + number(c.min()) + ", max=" + number(c.max()) + ")";
            case UnaryFn.Power p -> "power(%" + u.x() + ", exponent=" + number(p.exponent()) + ")";
          };
      case Op.Cast c -> "cast(%" + c.x() + ", to=" + c.to() + ")";
      case Op.Where w -> "where(%" + w.cond() + ", %" + w.ifTrue() + ", %" + w.ifFalse() + ")";
      case Op.RoundBits r ->
          "round_bits(%" + r.x() + ", lsbs=" + r.lsbs() + ", exact=" + r.exact() + ")";
      case Op.Reshape r -> "reshape(%" + r.x() + ", shape=" + r.shape() + ")";
      case Op.Transpose t -> "transpose(%" + t.x() + ", permutation=" + t.permutation() + ")";
      case Op.Slice s ->
          "slice(%"
              + s.x()
              + ", starts="
              + s.starts()
              + ", stops="
              + s.stops()
              + ", steps="
              + s.steps()
              + ")";
      case Op.Concat c -> "concat(" + ids(c.xs()) + ", axis=" + c.axis() + ")";
      case Op.Broadcast b -> "broadcast(%" + b.x() + ", shape=" + b.shape() + ")";
      case Op.Gather g ->
          "gather(%" + g.x() + ", indices=" + g.indices() + ", axis=" + g.axis() + ")";
      case Op.TableLookup t -> "tlu(%" + t.x() + ", fn=" + quote(t.function().name()) + ")";
    };
  }

  private static String tensor(Tensor t, Options o) {
    StringBuilder sb = new StringBuilder();
    int[] shape = t.shape();
    sb.append(t instanceof Tensor.Ints ? "i64" : "f64").append(TypeRules.show(shape)).append(' ');
    if (t.size() > o.inlineLimit()) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < t.size(); i++) {
        min = Math.min(min, t.asDouble(i));
        max = Math.max(max, t.asDouble(i));
      }
      return sb.append('<')
          .append(t.size())
          .append(" values, min ")
          .append(elementText(t, min))
          .append(", max ")
          .append(elementText(t, max))
          .append(">")
          .toString();
    }
    sb.append('{');
    for (int i = 0; i < t.size(); i++) {
      sb.append(i == 0 ? "" : ", ");
      switch (t) {
        case Tensor.Ints in -> sb.append(in.at(i));
        case Tensor.Floats f -> sb.append(number(f.at(i)));
      }
    }
    return sb.append('}').toString();
  }

  private static String elementText(Tensor t, double v) {
    return t instanceof Tensor.Ints ? Long.toString((long) v) : number(v);
  }

  /** A double that parses back to the same bits ({@code nan}, {@code inf}, {@code -inf}). */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return Double.toString(v);
  }

  private static String ids(List<Integer> ids) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append(sb.isEmpty() ? "" : ", ").append('%').append(id);
    }
    return sb.toString();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String quoteIfNeeded(String s) {
    return s.matches("[A-Za-z_][A-Za-z0-9_.]*") ? s : quote(s);
  }

  /** A JSON-style string literal. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
