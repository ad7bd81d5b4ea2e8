package dev.fhec.compiler.frontend.json;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.Location;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bounded fuzzing of the JSON frontend: structural mutations (values replaced by other kinds, keys
 * dropped, numbers made huge or negative, names changed) and textual ones (bytes deleted, inserted,
 * truncated). Every input must give a program or a {@link CompileException} located by a JSON
 * pointer, never another exception, within the time limit.
 */
class JsonGraphFuzzTest {
  static final String SEED =
      """
      {"version": 1, "name": "fz",
       "inputs": [{"name": "x", "shape": [3, 4], "dtype": "int", "signed": true, "encrypted": true, "range": [-8, 7]},
                  {"name": "c", "shape": [4], "dtype": "int", "encrypted": false}],
       "constants": [{"name": "w", "shape": [4, 2], "dtype": "int", "data": [1, 2, 3, 4, 5, 6, 7, 8]},
                     {"name": "f", "data": [[0.5, 1.5]]}],
       "nodes": [{"name": "a", "op": "add", "inputs": ["x", "c"]},
                 {"name": "m", "op": "matmul", "inputs": ["a", "w"]},
                 {"name": "g", "op": "mul", "inputs": ["m", "f"]},
                 {"name": "e", "op": "exp", "inputs": ["g"]},
                 {"name": "s", "op": "sum", "inputs": ["e"], "axis": [-1], "keepdims": true},
                 {"name": "r", "op": "rint", "inputs": ["s"]},
                 {"name": "q", "op": "astype", "inputs": ["r"], "dtype": "int"},
                 {"name": "t", "op": "transpose", "inputs": ["m"], "axes": [1, 0]},
                 {"name": "sl", "op": "slice", "inputs": ["t"], "starts": [0, null], "stops": [1, -1], "steps": [1, 2]},
                 {"op": "split", "inputs": ["x"], "outputs": ["p0", "p1"], "axis": 1, "sections": [1, 3]},
                 {"name": "k", "op": "concat", "inputs": ["p0", "p1"], "axis": 1},
                 {"name": "b", "op": "broadcast_to", "inputs": ["q"], "shape": [2, 3, 1]},
                 {"name": "tk", "op": "take", "inputs": ["k"], "indices": [0, 2], "axis": 0},
                 {"name": "rs", "op": "reshape", "inputs": ["tk"], "shape": [-1]},
                 {"name": "mx", "op": "max", "inputs": ["k"], "axis": 0},
                 {"name": "cl", "op": "clip", "inputs": ["mx"], "min": -2, "max": 3},
                 {"name": "rb", "op": "round_bits", "inputs": ["cl"], "lsbs": 1, "exact": false},
                 {"name": "wh", "op": "where", "inputs": [1, "rb", 0]}],
       "outputs": ["b", "sl", "rs", "wh"]}
      """;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Inputs per run: 1000 in the default tiers; the soak profile sets fhec.fuzz.iterations. */
  private static final int ITERATIONS = Integer.getInteger("fhec.fuzz.iterations", 1000);

  /** The time limit grows with the iteration count (60 s per default-tier run). */
  private static final Duration LIMIT = Duration.ofSeconds(60L * Math.max(1, ITERATIONS / 1000));

  @Test
  void seedIsValid() {
    JsonGraphFrontend.parse(SEED, "fz.json", Optional.empty());
  }

  @Test
  void mutatedGraphsGiveLocatedErrors() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          Random r = new Random(20261122);
          JsonNode seed = MAPPER.readTree(SEED);
          int errors = 0;
          for (int i = 0; i < ITERATIONS; i++) {
            String input =
                i % 2 == 0 ? structural(seed.deepCopy(), r).toString() : textual(SEED, r);
            try {
              JsonGraphFrontend.parse(input, "fz.json", Optional.empty());
            } catch (CompileException e) {
              errors++;
              assertInstanceOf(Location.Json.class, e.first().location(), input);
              assertFalse(e.getMessage().isBlank(), input);
            } catch (RuntimeException | StackOverflowError e) {
              fail("unexpected " + e + " for input:\n" + input, e);
            }
          }
          assertTrue(errors > ITERATIONS / 3, "most mutations should be rejected, got " + errors);
        });
  }

  private static JsonNode structural(JsonNode root, Random r) {
    int edits = 1 + r.nextInt(3);
    for (int k = 0; k < edits; k++) {
      List<JsonNode> containers = new ArrayList<>();
      collect(root, containers);
      JsonNode c = containers.get(r.nextInt(containers.size()));
      if (c instanceof ObjectNode o && o.size() > 0) {
        List<String> keys = new ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        String key = keys.get(r.nextInt(keys.size()));
        if (r.nextInt(4) == 0) {
          o.remove(key);
        } else {
          o.set(key, randomValue(r, o.get(key)));
        }
      } else if (c instanceof ArrayNode a && a.size() > 0) {
        int i = r.nextInt(a.size());
        switch (r.nextInt(3)) {
          case 0 -> a.remove(i);
          case 1 -> a.set(i, randomValue(r, a.get(i)));
          default -> a.add(a.get(i).deepCopy());
        }
      }
    }
    return root;
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      Iterator<JsonNode> it = n.elements();
      while (it.hasNext()) {
        collect(it.next(), out);
      }
    }
  }

  private static JsonNode randomValue(Random r, JsonNode old) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (r.nextInt(12)) {
      case 0 -> f.nullNode();
      case 1 -> f.numberNode(r.nextInt(7) - 3);
      case 2 -> f.numberNode(Long.MAX_VALUE);
      case 3 -> f.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
      case 4 -> f.numberNode(r.nextDouble() * 10 - 5);
      case 5 ->
          f.textNode(List.of("x", "w", "m", "zz", "int", "float", "softmax", "").get(r.nextInt(8)));
      case 6 -> f.booleanNode(r.nextBoolean());
      case 7 -> f.arrayNode().add(r.nextInt(5) - 1).add(r.nextInt(70000));
      case 8 -> f.arrayNode();
      case 9 -> f.objectNode();
      case 10 -> f.arrayNode().add(1 << 20).add(1 << 20);
      default -> old.isNumber() ? f.numberNode(old.asLong() + 1) : f.textNode(old.asText() + "_");
    };
  }

  private static String textual(String s, Random r) {
    StringBuilder sb = new StringBuilder(s);
    int edits = 1 + r.nextInt(4);
    for (int k = 0; k < edits && !sb.isEmpty(); k++) {
      int at = r.nextInt(sb.length());
      switch (r.nextInt(4)) {
        case 0 -> sb.delete(at, Math.min(sb.length(), at + 1 + r.nextInt(8)));
        case 1 ->
            sb.insert(at, "{}[],:\"-0123456789.eE\\nulltrue \u0000\u2208".charAt(r.nextInt(30)));
        case 2 -> sb.setLength(at);
        default -> sb.insert(at, sb.substring(at, Math.min(sb.length(), at + r.nextInt(20))));
      }
    }
    return sb.toString();
  }
}
