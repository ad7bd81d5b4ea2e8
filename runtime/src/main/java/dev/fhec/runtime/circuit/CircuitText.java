package dev.fhec.runtime.circuit;

import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The printable, parseable text form of a {@link Circuit} (the TFHE-level circuit: plan,
 * partitions, keyswitches, values, instructions). One item per line; {@code parse(print(c))} has
 * {@code c}'s digest. Noise deviations print as Java's shortest round-tripping decimal, so the text
 * is exact.
 *
 * <pre>
 * circuit "sq" format 2
 * partition 0 "P" n=781 k=1 N=2048 pbs=23x1 ks=3x5 lwe_std=... glwe_std=...
 * keyswitch 0 -&gt; 0 small 3x5        (big_to_small; "big" for a conversion)
 * keyswitch 0 -&gt; 1 small 4x5 32bit  (a 32-bit keyswitch; absent: 64-bit)
 * constant c0 [3] 1 -1 2
 * table t0 0 1 4 9
 * value %0 enc i3 [3] @0           (u for unsigned, clear for clear values, @partition)
 * %0 = input 0
 * %1 = tlu %0 tables=[t0] @0
 * %3 = many_tlu %0 tables=[t0,t1] @0   (out [2,3]: both tables of %0 from one bootstrap)
 * %4 = reinterpret %2                    (the same ciphertexts at a smaller width)
 * %2 = keyswitch %1
 * inputs %0
 * outputs %1
 * </pre>
 */
public final class CircuitText {
  private CircuitText() {}

  public static String print(Circuit c) {
    StringBuilder b = new StringBuilder();
    b.append("circuit ").append(quote(c.name())).append(" format ").append(c.formatVersion());
    b.append('\n');
    for (int p = 0; p < c.plan().size(); p++) {
      ParameterSet s = c.plan().partition(p);
      b.append("partition ").append(p).append(' ').append(quote(s.name()));
      b.append(" n=").append(s.n()).append(" k=").append(s.k()).append(" N=").append(s.bigN());
      b.append(" pbs=").append(dec(s.pbs())).append(" ks=").append(dec(s.ks()));
      b.append(" lwe_std=").append(s.lweNoiseStd());
      b.append(" glwe_std=").append(s.glweNoiseStd()).append('\n');
    }
    for (KeyswitchSpec k : c.plan().keyswitches()) {
      b.append("keyswitch ").append(k.from()).append(" -> ").append(k.to());
      b.append(k.kind() == KeyswitchSpec.Kind.BIG_TO_SMALL ? " small " : " big ");
      b.append(dec(k.decomposition())).append(k.bits32() ? " 32bit\n" : "\n");
    }
    for (int i = 0; i < c.constants().size(); i++) {
      ClearTensor t = c.constants().get(i);
      b.append("constant c").append(i).append(' ').append(ints(t.shape()));
      for (int e = 0; e < t.size(); e++) {
        b.append(' ').append(t.at(e));
      }
      b.append('\n');
    }
    for (int i = 0; i < c.tables().size(); i++) {
      LookupTable t = c.tables().get(i);
      b.append("table t").append(i);
      for (int e = 0; e < 1 << t.inputWidth(); e++) {
        b.append(' ').append(t.at(e));
      }
      b.append('\n');
    }
    for (int v = 0; v < c.values().size(); v++) {
      ValueInfo info = c.values().get(v);
      b.append("value %").append(v).append(info.encrypted() ? " enc " : " clear ");
      b.append(info.signed() ? 'i' : 'u').append(info.width()).append(' ');
      b.append(ints(info.shape()));
      if (info.encrypted()) {
        b.append(" @").append(info.partition());
      }
      b.append('\n');
    }
    for (Instruction ins : c.instructions()) {
      b.append(instruction(ins)).append('\n');
    }
    b.append("inputs").append(ids(c.inputs())).append('\n');
    b.append("outputs").append(ids(c.outputs())).append('\n');
    return b.toString();
  }

  /** One instruction as its text line. */
  public static String instruction(Instruction ins) {
    String out = "%" + ins.out() + " = ";
    return out
        + switch (ins) {
          case Instruction.Input in -> "input " + in.index();
          case Instruction.AddEE op -> "add %" + op.a() + " %" + op.b();
          case Instruction.SubEE op -> "sub %" + op.a() + " %" + op.b();
          case Instruction.Neg op -> "neg %" + op.a();
          case Instruction.AddEC op -> "add_clear %" + op.a() + " c" + op.constant();
          case Instruction.SubCE op -> "sub_from_clear c" + op.constant() + " %" + op.a();
          case Instruction.MulEC op -> "mul_clear %" + op.a() + " c" + op.constant();
          case Instruction.MatMulEC op -> "matmul_clear_right %" + op.a() + " c" + op.constant();
          case Instruction.MatMulCE op -> "matmul_clear_left c" + op.constant() + " %" + op.a();
          case Instruction.Sum op ->
              "sum %" + op.a() + " axes=" + ints(op.axes()) + (op.keepDims() ? " keepdims" : "");
          case Instruction.Gather op -> {
            StringBuilder s = new StringBuilder("gather [");
            int[] src = op.sources();
            for (int i = 0; i < src.length; i++) {
              s.append(i == 0 ? "%" : ",%").append(src[i]);
            }
            yield s.append("] source=")
                .append(ints(op.source()))
                .append(" element=")
                .append(ints(op.element()))
                .toString();
          }
          case Instruction.Tlu op -> {
            StringBuilder s = new StringBuilder("tlu %" + op.a() + " tables=[");
            int[] t = op.tables();
            for (int i = 0; i < t.length; i++) {
              s.append(i == 0 ? "t" : ",t").append(t[i]);
            }
            yield s.append("] @").append(op.partition()).toString();
          }
          case Instruction.ManyTlu op -> {
            StringBuilder s = new StringBuilder("many_tlu %" + op.a() + " tables=[");
            int[] t = op.tables();
            for (int i = 0; i < t.length; i++) {
              s.append(i == 0 ? "t" : ",t").append(t[i]);
            }
            yield s.append("] @").append(op.partition()).toString();
          }
          case Instruction.Keyswitch op -> "keyswitch %" + op.a();
          case Instruction.Reinterpret op -> "reinterpret %" + op.a();
        };
  }

  /** Parses the text form; errors name the line. */
  public static Circuit parse(String text) {
    String name = null;
    int format = -1;
    Map<Integer, ParameterSet> partitions = new TreeMap<>();
    List<KeyswitchSpec> specs = new ArrayList<>();
    Map<Integer, ClearTensor> constants = new TreeMap<>();
    Map<Integer, LookupTable> tables = new TreeMap<>();
    Map<Integer, ValueInfo> values = new TreeMap<>();
    List<Instruction> instructions = new ArrayList<>();
    List<Integer> inputs = null;
    List<Integer> outputs = null;
    String[] lines = text.split("\n", -1);
    for (int ln = 0; ln < lines.length; ln++) {
      String line = lines[ln].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        String[] w = line.split("\\s+");
        switch (w[0]) {
          case "circuit" -> {
            int close = line.lastIndexOf('"');
            name = unquote(line.substring(line.indexOf('"'), close + 1));
            String[] rest = line.substring(close + 1).strip().split("\\s+");
            expect(rest[0], "format");
            format = Integer.parseInt(rest[1]);
          }
          case "partition" -> {
            int close = line.lastIndexOf('"');
            String setName = unquote(line.substring(line.indexOf('"'), close + 1));
            Map<String, String> kv = keyValues(line.substring(close + 1).strip().split("\\s+"));
            partitions.put(
                Integer.parseInt(w[1]),
                new ParameterSet(
                    setName,
                    new LweDimension(Integer.parseInt(kv.get("n"))),
                    new GlweDimension(Integer.parseInt(kv.get("k"))),
                    new PolynomialSize(Integer.parseInt(kv.get("N"))),
                    decomposition(kv.get("pbs")),
                    decomposition(kv.get("ks")),
                    Double.parseDouble(kv.get("lwe_std")),
                    Double.parseDouble(kv.get("glwe_std"))));
          }
          case "keyswitch" -> {
            expect(w[2], "->");
            KeyswitchSpec.Kind kind =
                switch (w[4]) {
                  case "small" -> KeyswitchSpec.Kind.BIG_TO_SMALL;
                  case "big" -> KeyswitchSpec.Kind.BIG_TO_BIG;
                  default -> throw new IllegalArgumentException("keyswitch kind " + w[4]);
                };
            if (w.length > 7 || (w.length == 7 && !w[6].equals("32bit"))) {
              throw new IllegalArgumentException("keyswitch width " + w[6] + " (expected 32bit)");
            }
            specs.add(
                new KeyswitchSpec(
                    Integer.parseInt(w[1]),
                    Integer.parseInt(w[3]),
                    kind,
                    decomposition(w[5]),
                    w.length == 7));
          }
          case "constant" -> {
            long[] data = new long[w.length - 3];
            for (int i = 0; i < data.length; i++) {
              data[i] = Long.parseLong(w[3 + i]);
            }
            constants.put(ref(w[1], "c"), new ClearTensor(intList(w[2]), data));
          }
          case "table" -> {
            long[] data = new long[w.length - 2];
            for (int i = 0; i < data.length; i++) {
              data[i] = Long.parseLong(w[2 + i]);
            }
            tables.put(ref(w[1], "t"), new LookupTable(data));
          }
          case "value" -> {
            boolean enc =
                switch (w[2]) {
                  case "enc" -> true;
                  case "clear" -> false;
                  default -> throw new IllegalArgumentException("expected enc or clear: " + w[2]);
                };
            char sign = w[3].charAt(0);
            if (sign != 'i' && sign != 'u') {
              throw new IllegalArgumentException("expected i<width> or u<width>: " + w[3]);
            }
            int partition = enc ? ref(w[5], "@") : 0;
            values.put(
                ref(w[1], "%"),
                new ValueInfo(
                    intList(w[4]),
                    Integer.parseInt(w[3].substring(1)),
                    sign == 'i',
                    enc,
                    partition));
          }
          case "inputs" -> inputs = idList(w);
          case "outputs" -> outputs = idList(w);
          default -> instructions.add(instruction(w));
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "line " + (ln + 1) + ": " + e.getMessage() + ": " + line, e);
      }
    }
    if (name == null || inputs == null || outputs == null) {
      throw new IllegalArgumentException(
          "a circuit needs a 'circuit' line, an 'inputs' line and an 'outputs' line");
    }
    return new Circuit(
        format,
        name,
        new ParameterPlan(dense(partitions, "partition"), specs),
        dense(values, "value %"),
        dense(constants, "constant c"),
        dense(tables, "table t"),
        instructions,
        inputs,
        outputs);
  }

  private static Instruction instruction(String[] w) {
    int out = ref(w[0], "%");
    expect(w[1], "=");
    return switch (w[2]) {
      case "input" -> new Instruction.Input(out, Integer.parseInt(w[3]));
      case "add" -> new Instruction.AddEE(out, ref(w[3], "%"), ref(w[4], "%"));
      case "sub" -> new Instruction.SubEE(out, ref(w[3], "%"), ref(w[4], "%"));
      case "neg" -> new Instruction.Neg(out, ref(w[3], "%"));
      case "add_clear" -> new Instruction.AddEC(out, ref(w[3], "%"), ref(w[4], "c"));
      case "sub_from_clear" -> new Instruction.SubCE(out, ref(w[3], "c"), ref(w[4], "%"));
      case "mul_clear" -> new Instruction.MulEC(out, ref(w[3], "%"), ref(w[4], "c"));
      case "matmul_clear_right" -> new Instruction.MatMulEC(out, ref(w[3], "%"), ref(w[4], "c"));
      case "matmul_clear_left" -> new Instruction.MatMulCE(out, ref(w[3], "c"), ref(w[4], "%"));
      case "sum" ->
          new Instruction.Sum(
              out,
              ref(w[3], "%"),
              intList(field(w[4], "axes")),
              w.length > 5 && w[5].equals("keepdims"));
      case "gather" ->
          new Instruction.Gather(
              out,
              refList(w[3], "%"),
              intList(field(w[4], "source")),
              intList(field(w[5], "element")));
      case "tlu" ->
          new Instruction.Tlu(
              out, ref(w[3], "%"), refList(field(w[4], "tables"), "t"), ref(w[5], "@"));
      case "many_tlu" ->
          new Instruction.ManyTlu(
              out, ref(w[3], "%"), refList(field(w[4], "tables"), "t"), ref(w[5], "@"));
      case "keyswitch" -> new Instruction.Keyswitch(out, ref(w[3], "%"));
      case "reinterpret" -> new Instruction.Reinterpret(out, ref(w[3], "%"));
      default -> throw new IllegalArgumentException("unknown instruction " + w[2]);
    };
  }

  private static <T> List<T> dense(Map<Integer, T> m, String what) {
    List<T> out = new ArrayList<>();
    for (Map.Entry<Integer, T> e : m.entrySet()) {
      if (e.getKey() != out.size()) {
        throw new IllegalArgumentException(what + out.size() + " is missing");
      }
      out.add(e.getValue());
    }
    return out;
  }

  private static void expect(String got, String want) {
    if (!got.equals(want)) {
      throw new IllegalArgumentException("expected '" + want + "', got '" + got + "'");
    }
  }

  private static String field(String token, String key) {
    if (!token.startsWith(key + "=")) {
      throw new IllegalArgumentException("expected " + key + "=..., got " + token);
    }
    return token.substring(key.length() + 1);
  }

  private static Map<String, String> keyValues(String[] tokens) {
    Map<String, String> kv = new TreeMap<>();
    for (String t : tokens) {
      int eq = t.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected key=value, got " + t);
      }
      kv.put(t.substring(0, eq), t.substring(eq + 1));
    }
    for (String k : List.of("n", "k", "N", "pbs", "ks", "lwe_std", "glwe_std")) {
      if (!kv.containsKey(k)) {
        throw new IllegalArgumentException("partition needs " + k + "=");
      }
    }
    return kv;
  }

  private static int ref(String token, String prefix) {
    if (!token.startsWith(prefix)) {
      throw new IllegalArgumentException("expected " + prefix + "<number>, got " + token);
    }
    return Integer.parseInt(token.substring(prefix.length()));
  }

  private static int[] refList(String token, String prefix) {
    String inner = brackets(token);
    if (inner.isEmpty()) {
      return new int[0];
    }
    return Arrays.stream(inner.split(",")).mapToInt(s -> ref(s, prefix)).toArray();
  }

  private static int[] intList(String token) {
    String inner = brackets(token);
    if (inner.isEmpty()) {
      return new int[0];
    }
    return Arrays.stream(inner.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static String brackets(String token) {
    if (!token.startsWith("[") || !token.endsWith("]")) {
      throw new IllegalArgumentException("expected [...], got " + token);
    }
    return token.substring(1, token.length() - 1);
  }

  private static List<Integer> idList(String[] w) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 1; i < w.length; i++) {
      ids.add(ref(w[i], "%"));
    }
    return ids;
  }

  private static Decomposition decomposition(String s) {
    int x = s.indexOf('x');
    if (x < 0) {
      throw new IllegalArgumentException("expected <baseLog>x<levels>, got " + s);
    }
    return new Decomposition(
        Integer.parseInt(s.substring(0, x)), Integer.parseInt(s.substring(x + 1)));
  }

  private static String dec(Decomposition d) {
    return d.baseLog() + "x" + d.levels();
  }

  private static String ints(int[] v) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ",").append(v[i]);
    }
    return b.append(']').toString();
  }

  private static String ids(List<Integer> ids) {
    StringBuilder b = new StringBuilder();
    for (int id : ids) {
      b.append(" %").append(id);
    }
    return b.toString();
  }

  /** A name in double quotes, with quote, backslash and line breaks escaped. */
  static String quote(String s) {
    return "\""
        + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
        + "\"";
  }

  static String unquote(String s) {
    if (s.length() < 2 || !s.startsWith("\"") || !s.endsWith("\"")) {
      throw new IllegalArgumentException("expected a quoted name, got " + s);
    }
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < s.length() - 1; i++) {
      char ch = s.charAt(i);
      if (ch == '\\' && i + 1 < s.length() - 1) {
        char n = s.charAt(++i);
        b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
