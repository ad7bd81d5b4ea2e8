package dev.fhec.compiler.ir;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.ir.ElementType.FloatType;
import dev.fhec.compiler.ir.ElementType.IntType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses the text {@link IrPrinter} writes, so golden tests and bug reports can start from IR text.
 * The {@code # type} comment of a node may be omitted (except on inputs): the type is then inferred
 * by {@link TypeRules}. Lines starting with {@code //} are comments. Nodes without an {@code @...}
 * location get {@link Location#UNKNOWN}, so {@code parse(print(p, ROUND_TRIP)).equals(p)}.
 *
 * <p>Every error is a {@link CompileException} located at the offending token ({@link
 * Location.Source} with the given file name), saying what was expected.
 */
public final class IrParser {
  private static final int MAX_NESTING = 32;

  private final String file;
  private final List<Token> tokens;
  private int pos;
  private int depth;

  private IrParser(String file, String text) {
    this.file = file;
    this.tokens = new Lexer(file, text).run();
  }

  /** Parses one {@code program name { ... }}. */
  public static Program parse(String text) {
    return parse("<ir>", text);
  }

  /** Parses one program; {@code file} names the text in diagnostics. */
  public static Program parse(String file, String text) {
    IrParser p = new IrParser(file, text);
    Program program = p.program();
    p.expect(Kind.EOF, "end of input after the program's closing '}'");
    return program;
  }

  // ---- grammar -------------------------------------------------------------------------------

  private Program program() {
    expectWord("program");
    Token nameTok = next();
    if (nameTok.kind != Kind.IDENT && nameTok.kind != Kind.STRING) {
      throw error(nameTok, "a program name");
    }
    expectPunct("{");
    Program p = body(nameTok.text);
    expectPunct("}");
    return p;
  }

  /** Node lines then {@code return %a, %b}; ids restart at 0 in each body. */
  private Program body(String name) {
    if (++depth > MAX_NESTING) {
      throw error(peek(), "at most " + MAX_NESTING + " nested table-lookup functions");
    }
    List<Node> nodes = new ArrayList<>();
    while (peek().kind == Kind.ID) {
      nodes.add(node(nodes));
    }
    Token ret = peek();
    expectWord("return");
    List<Integer> outs = new ArrayList<>();
    do {
      outs.add(operand(nodes.size()));
    } while (acceptPunct(","));
    depth--;
    try {
      return new Program(name, nodes, outs);
    } catch (IllegalArgumentException e) {
      throw error(ret, e.getMessage());
    }
  }

  private Node node(List<Node> nodes) {
    Token idTok = next();
    int id = nodes.size();
    if (idTok.number() != id) {
      throw error(idTok, "%" + id + " (nodes are numbered in order), found " + idTok.text, false);
    }
    expectPunct("=");
    Token opTok = peek();
    Op op = op(id);
    Program fn = null;
    if (op instanceof Op.TableLookup) {
      expectPunct("{");
    }
    TensorType type = null;
    Optional<Bounds> bounds = Optional.empty();
    Location location = Location.UNKNOWN;
    if (acceptPunct("#")) {
      type = tensorType();
      if (acceptPunct("∈") || acceptWord("in")) {
        Token b = peek();
        expectPunct("[");
        long lo = integer();
        expectPunct(",");
        long hi = integer();
        expectPunct("]");
        if (lo > hi) {
          throw error(b, "bounds with min <= max, got [" + lo + ", " + hi + "]", false);
        }
        bounds = Optional.of(new Bounds(lo, hi));
      }
      if (peek().isPunct("@")) {
        location = location();
      }
    }
    if (op instanceof Op.TableLookup t) {
      fn = body(t.function().name());
      expectPunct("}");
      op = new Op.TableLookup(t.x(), fn);
    }
    if (type == null) {
      if (op instanceof Op.Input) {
        throw error(peek(), "'# <type>' after an input (inputs have a declared type)");
      }
      try {
        type = TypeRules.infer(op, i -> nodes.get(i).type());
      } catch (TypeRules.TypeError e) {
        throw error(opTok, e.getMessage(), false);
      }
    }
    try {
      return new Node(id, op, type, bounds, location);
    } catch (IllegalArgumentException e) {
      throw error(opTok, e.getMessage(), false);
    }
  }

  private Op op(int id) {
    Token nameTok = next();
    if (nameTok.kind != Kind.IDENT) {
      throw error(nameTok, "an op name");
    }
    String name = nameTok.text;
    expectPunct("(");
    Op op =
        switch (name) {
          case "input" -> {
            int index = (int) integer();
            expectPunct(",");
            yield new Op.Input(index, string());
          }
          case "constant" -> new Op.Constant(tensor());
          case "neg" -> new Op.Neg(operand(id));
          case "matmul" -> {
            int l = operand(id);
            expectPunct(",");
            yield new Op.MatMul(l, operand(id));
          }
          case "sum" -> {
            int x = operand(id);
            List<Integer> axes = intList(keyword("axes"));
            yield new Op.Sum(x, axes, bool(keyword("keepdims")));
          }
          case "max", "min" -> {
            int x = operand(id);
            int axis = (int) integer(keyword("axis"));
            boolean keep = bool(keyword("keepdims"));
            yield new Op.Reduce(Op.ReduceKind.valueOf(upper(name)), x, axis, keep);
          }
          case "clip" -> {
            int x = operand(id);
            double lo = number(keyword("min"));
            yield new Op.Unary(new UnaryFn.Clip(lo, number(keyword("max"))), x);
          }
          case "power" -> {
            int x = operand(id);
            yield new Op.Unary(new UnaryFn.Power(number(keyword("exponent"))), x);
          }
          case "cast" -> {
            int x = operand(id);
            keyword("to");
            yield new Op.Cast(x, elementType(next()));
          }
          case "where" -> {
            int c = operand(id);
            expectPunct(",");
            int a = operand(id);
            expectPunct(",");
            yield new Op.Where(c, a, operand(id));
          }
          case "round_bits" -> {
            int x = operand(id);
            int lsbs = (int) integer(keyword("lsbs"));
            yield new Op.RoundBits(x, lsbs, bool(keyword("exact")));
          }
          case "reshape" -> new Op.Reshape(operand(id), intList(keyword("shape")));
          case "transpose" -> new Op.Transpose(operand(id), intList(keyword("permutation")));
          case "slice" -> {
            int x = operand(id);
            List<Integer> starts = intList(keyword("starts"));
            List<Integer> stops = intList(keyword("stops"));
            yield new Op.Slice(x, starts, stops, intList(keyword("steps")));
          }
          case "concat" -> {
            List<Integer> xs = new ArrayList<>();
            xs.add(operand(id));
            while (acceptPunct(",")) {
              if (peek().kind != Kind.ID) {
                pos--; // give the comma back to keyword()
                break;
              }
              xs.add(operand(id));
            }
            yield new Op.Concat(xs, (int) integer(keyword("axis")));
          }
          case "broadcast" -> new Op.Broadcast(operand(id), intList(keyword("shape")));
          case "gather" -> {
            int x = operand(id);
            List<Integer> idx = intList(keyword("indices"));
            yield new Op.Gather(x, idx, (int) integer(keyword("axis")));
          }
          case "tlu" -> {
            int x = operand(id);
            String fnName = string(keyword("fn"));
            // The body follows the closing parenthesis; a placeholder carries the name until then.
            yield new Op.TableLookup(x, placeholder(fnName));
          }
          default -> simple(name, nameTok, id);
        };
    expectPunct(")");
    return op;
  }

  /** Binary ops and parameterless unary functions, by their lower-case enum names. */
  private Op simple(String name, Token nameTok, int id) {
    for (Op.BinaryKind k : Op.BinaryKind.values()) {
      if (k.name().equals(upper(name))) {
        int l = operand(id);
        expectPunct(",");
        return new Op.Binary(k, l, operand(id));
      }
    }
    for (UnaryFn.Simple f : UnaryFn.Simple.values()) {
      if (f.name().equals(upper(name))) {
        return new Op.Unary(f, operand(id));
      }
    }
    throw error(nameTok, "a known op (input, constant, add, matmul, sum, tlu, ...)");
  }

  private static Program placeholder(String name) {
    return new Program(
        name,
        List.of(
            new Node(
                0,
                new Op.Constant(Tensor.Ints.scalar(0)),
                new TensorType(new int[0], new IntType(false, 0), false),
                Optional.empty(),
                Location.UNKNOWN)),
        List.of(0));
  }

  private Tensor tensor() {
    Token kindTok = next();
    boolean ints = kindTok.isWord("i64");
    if (!ints && !kindTok.isWord("f64")) {
      throw error(kindTok, "'i64' or 'f64' (constant element kind)");
    }
    int[] shape = shape();
    Token open = peek();
    if (open.isPunct("<")) {
      throw error(
          open,
          "inline constant data '{...}'; this constant was summarized when printed"
              + " (print with IrPrinter.Options.ROUND_TRIP to keep it)",
          false);
    }
    expectPunct("{");
    List<Long> longs = new ArrayList<>();
    List<Double> doubles = new ArrayList<>();
    if (!peek().isPunct("}")) {
      do {
        if (ints) {
          longs.add(integer());
        } else {
          doubles.add(number(peek()));
        }
      } while (acceptPunct(","));
    }
    expectPunct("}");
    try {
      if (ints) {
        return new Tensor.Ints(shape, longs.stream().mapToLong(Long::longValue).toArray());
      }
      return new Tensor.Floats(shape, doubles.stream().mapToDouble(Double::doubleValue).toArray());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw error(open, "constant data matching its shape: " + e.getMessage(), false);
    }
  }

  private TensorType tensorType() {
    Token t = next();
    if (t.kind != Kind.IDENT) {
      throw error(t, "a type such as EncryptedInt<4>[6,64]");
    }
    boolean encrypted;
    String rest;
    if (t.text.startsWith("Encrypted")) {
      encrypted = true;
      rest = t.text.substring("Encrypted".length());
    } else if (t.text.startsWith("Clear")) {
      encrypted = false;
      rest = t.text.substring("Clear".length());
    } else {
      throw error(t, "a type starting with 'Encrypted' or 'Clear'");
    }
    ElementType e = elementType(new Token(Kind.IDENT, rest, t.line, t.column, t.endColumn));
    int[] shape = shape();
    try {
      return new TensorType(shape, e, encrypted);
    } catch (IllegalArgumentException ex) {
      throw error(t, ex.getMessage(), false);
    }
  }

  /** {@code Int<4>}, {@code UInt}, {@code Float}; the width token follows the name. */
  private ElementType elementType(Token t) {
    boolean signed;
    switch (t.text) {
      case "Float" -> {
        return new FloatType();
      }
      case "Int" -> signed = true;
      case "UInt" -> signed = false;
      default -> throw error(t, "an element type: Int, UInt or Float (with <width> for integers)");
    }
    int width = ElementType.UNASSIGNED;
    if (acceptPunct("<")) {
      Token w = peek();
      width = (int) integer();
      if (width < 1 || width > 64) {
        throw error(w, "a width in 1..64, got " + width, false);
      }
      expectPunct(">");
    }
    return new IntType(signed, width);
  }

  private int[] shape() {
    List<Integer> dims = new ArrayList<>();
    Token open = peek();
    expectPunct("[");
    if (!peek().isPunct("]")) {
      do {
        Token d = peek();
        long v = integer();
        if (v < 1 || v > Integer.MAX_VALUE) {
          throw error(d, "a dimension >= 1, got " + v, false);
        }
        dims.add((int) v);
      } while (acceptPunct(","));
    }
    expectPunct("]");
    if (dims.size() > 32) {
      throw error(open, "at most 32 dimensions", false);
    }
    return TypeRules.toArray(dims);
  }

  private Location location() {
    expectPunct("@");
    Token kind = next();
    if (kind.isWord("unknown")) {
      return Location.UNKNOWN;
    }
    if (kind.kind != Kind.IDENT) {
      throw error(kind, "a location kind: src, onnx, json, via, unknown");
    }
    expectPunct("(");
    Location l =
        switch (kind.text) {
          case "src" -> {
            String f = string();
            int line = (int) integer(comma());
            int col = (int) integer(comma());
            int endLine = (int) integer(comma());
            yield new Location.Source(f, line, col, endLine, (int) integer(comma()));
          }
          case "onnx" -> {
            String f = string();
            String node = string(comma());
            yield new Location.OnnxNode(f, node, string(comma()));
          }
          case "json" -> {
            String f = string();
            yield new Location.Json(f, string(comma()));
          }
          case "via" -> {
            String pass = string();
            comma();
            if (++depth > MAX_NESTING) {
              throw error(peek(), "at most " + MAX_NESTING + " nested locations");
            }
            Location from = location();
            depth--;
            yield new Location.Derived(pass, from);
          }
          default -> throw error(kind, "a location kind: src, onnx, json, via, unknown");
        };
    expectPunct(")");
    return l;
  }

  // ---- small pieces --------------------------------------------------------------------------

  private int operand(int defined) {
    Token t = next();
    if (t.kind != Kind.ID) {
      throw error(t, "an operand %N");
    }
    int v = t.number();
    if (v >= defined) {
      throw error(
          t,
          "an operand defined before this node (%0..%" + (defined - 1) + "), found " + t.text,
          false);
    }
    return v;
  }

  /** Expects {@code , name =} and returns the token after it (the value's first token). */
  private Token keyword(String name) {
    expectPunct(",");
    expectWord(name);
    expectPunct("=");
    return peek();
  }

  private Token comma() {
    expectPunct(",");
    return peek();
  }

  private List<Integer> intList(Token unused) {
    List<Integer> out = new ArrayList<>();
    expectPunct("[");
    if (!peek().isPunct("]")) {
      do {
        Token t = peek();
        long v = integer();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw error(t, "a 32-bit integer, got " + v, false);
        }
        out.add((int) v);
      } while (acceptPunct(","));
    }
    expectPunct("]");
    return out;
  }

  private boolean bool(Token unused) {
    Token t = next();
    if (t.isWord("true")) {
      return true;
    }
    if (t.isWord("false")) {
      return false;
    }
    throw error(t, "true or false");
  }

  private long integer(Token unused) {
    return integer();
  }

  private long integer() {
    Token t = next();
    if (t.kind != Kind.INT) {
      throw error(t, "an integer");
    }
    try {
      return Long.parseLong(t.text);
    } catch (NumberFormatException e) {
      throw error(t, "an integer that fits in 64 bits, got " + t.text, false);
    }
  }

  private double number(Token unused) {
    Token t = next();
    boolean negative = false;
    if (t.isPunct("-")) {
      negative = true;
      t = next();
    }
    double v;
    if (t.kind == Kind.INT || t.kind == Kind.FLOAT) {
      try {
        v = Double.parseDouble(t.text);
      } catch (NumberFormatException e) {
        throw error(t, "a number, got " + t.text, false);
      }
    } else if (t.isWord("inf")) {
      v = Double.POSITIVE_INFINITY;
    } else if (t.isWord("nan") && !negative) {
      v = Double.NaN;
    } else {
      throw error(t, "a number (or inf, -inf, nan)");
    }
    return negative ? -v : v;
  }

  private String string(Token unused) {
    return string();
  }

  private String string() {
    Token t = next();
    if (t.kind != Kind.STRING) {
      throw error(t, "a string literal \"...\"");
    }
    return t.text;
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind != Kind.EOF) {
      pos++;
    }
    return t;
  }

  private void expect(Kind kind, String what) {
    Token t = next();
    if (t.kind != kind) {
      throw error(t, what);
    }
  }

  private void expectPunct(String p) {
    Token t = next();
    if (!t.isPunct(p)) {
      throw error(t, "'" + p + "'");
    }
  }

  private boolean acceptPunct(String p) {
    if (peek().isPunct(p)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expectWord(String w) {
    Token t = next();
    if (!t.isWord(w)) {
      throw error(t, "'" + w + "'");
    }
  }

  private boolean acceptWord(String w) {
    if (peek().isWord(w)) {
      pos++;
      return true;
    }
    return false;
  }

  private CompileException error(Token at, String expected) {
    return error(at, expected, true);
  }

  /** With {@code found}, the message is "expected X, found Y"; otherwise the text as given. */
  private CompileException error(Token at, String message, boolean found) {
    String text =
        found
            ? "expected "
                + message
                + ", found "
                + (at.kind == Kind.EOF ? "end of input" : "'" + at.text + "'")
            : message;
    return new CompileException(
        Diagnostic.error(
            text, new Location.Source(file, at.line, at.column, at.line, at.endColumn)));
  }

  private static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  // ---- lexer ---------------------------------------------------------------------------------

  private enum Kind {
    ID,
    IDENT,
    INT,
    FLOAT,
    STRING,
    PUNCT,
    EOF
  }

  private record Token(Kind kind, String text, int line, int column, int endColumn) {
    boolean isPunct(String p) {
      return kind == Kind.PUNCT && text.equals(p);
    }

    boolean isWord(String w) {
      return kind == Kind.IDENT && text.equals(w);
    }

    /** The number of a {@code %N} token. */
    int number() {
      try {
        return Integer.parseInt(text.substring(1));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  /** Splits IR text into tokens; {@code //} comments and whitespace are skipped. */
  private static final class Lexer {
    private final String file;
    private final String s;
    private int i;
    private int line = 1;
    private int lineStart;

    Lexer(String file, String s) {
      this.file = file;
      this.s = s;
    }

    List<Token> run() {
      List<Token> out = new ArrayList<>();
      while (true) {
        skipSpaceAndComments();
        if (i >= s.length()) {
          out.add(new Token(Kind.EOF, "", line, col(i), col(i)));
          return out;
        }
        out.add(token());
      }
    }

    private void skipSpaceAndComments() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\n') {
          line++;
          lineStart = ++i;
        } else if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
          while (i < s.length() && s.charAt(i) != '\n') {
            i++;
          }
        } else {
          return;
        }
      }
    }

    private int col(int at) {
      return at - lineStart + 1;
    }

    private Token token() {
      int start = i;
      char c = s.charAt(i);
      if (c == '%') {
        i++;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        if (i == start + 1 || i - start > 10) {
          throw fail(start, "expected a node id %N after '%'");
        }
        return make(Kind.ID, start);
      }
      if (Character.isLetter(c) || c == '_') {
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
          i++;
        }
        return make(Kind.IDENT, start);
      }
      if (Character.isDigit(c)
          || (c == '-' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        return numberToken(start);
      }
      if (c == '"') {
        return stringToken(start);
      }
      if ("()[]{},=<>#@-∈".indexOf(c) >= 0) {
        i++;
        return make(Kind.PUNCT, start);
      }
      throw fail(start, "unexpected character '" + printable(c) + "'");
    }

    private Token numberToken(int start) {
      boolean isFloat = false;
      if (s.charAt(i) == '-') {
        i++;
      }
      while (i < s.length()) {
        char c = s.charAt(i);
        if (Character.isDigit(c)) {
          i++;
        } else if (c == '.' || c == 'e' || c == 'E') {
          isFloat = true;
          i++;
          if ((c == 'e' || c == 'E')
              && i < s.length()
              && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
          }
        } else {
          break;
        }
      }
      return make(isFloat ? Kind.FLOAT : Kind.INT, start);
    }

    private Token stringToken(int start) {
      StringBuilder sb = new StringBuilder();
      i++;
      while (true) {
        if (i >= s.length() || s.charAt(i) == '\n') {
          throw fail(start, "unterminated string literal");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          break;
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (i >= s.length()) {
          throw fail(start, "unterminated string literal");
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw fail(i, "expected 4 hex digits after \\u");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw fail(i, "expected 4 hex digits after \\u");
            }
            i += 4;
          }
          default -> throw fail(i - 1, "unknown escape '\\" + printable(e) + "'");
        }
      }
      return new Token(Kind.STRING, sb.toString(), line, col(start), col(i));
    }

    private Token make(Kind kind, int start) {
      return new Token(kind, s.substring(start, i), line, col(start), col(i));
    }

    private CompileException fail(int at, String message) {
      return new CompileException(
          Diagnostic.error(message, new Location.Source(file, line, col(at), line, col(at) + 1)));
    }

    private static String printable(char c) {
      return c < 0x20 || c == 0x7f ? String.format(Locale.ROOT, "\\u%04x", (int) c) : "" + c;
    }
  }
}
