package dev.fhec.runtime.circuit;

import dev.fhec.runtime.circuit.KeyswitchSpec.Kind;
import java.util.List;

/**
 * Checks that a circuit's values and instructions agree with its {@link ParameterPlan}: partitions
 * exist, leveled operations keep their operands' partition, each lookup and conversion has its
 * keyswitching key. Ids out of range are left to the executor, which names them.
 */
final class PlanCheck {
  private PlanCheck() {}

  static void check(ParameterPlan plan, List<ValueInfo> values, List<Instruction> instructions) {
    for (int v = 0; v < values.size(); v++) {
      if (values.get(v).partition() >= plan.size()) {
        throw new IllegalArgumentException(
            "value %"
                + v
                + " lives in partition "
                + values.get(v).partition()
                + " of a plan with "
                + plan.size());
      }
    }
    for (Instruction ins : instructions) {
      int out = ins.out();
      if (out < 0 || out >= values.size()) {
        continue;
      }
      int p = values.get(out).partition();
      switch (ins) {
        case Instruction.Tlu t -> requireLookup("tlu", out, t.a(), t.partition(), p, values, plan);
        case Instruction.ManyTlu t ->
            requireLookup("many_tlu", out, t.a(), t.partition(), p, values, plan);
        case Instruction.Keyswitch k -> {
          if (inRange(k.a(), values)) {
            ValueInfo a = values.get(k.a());
            if (!a.inPartition(p).equals(values.get(out))) {
              throw new IllegalArgumentException(
                  "keyswitch defining %" + out + " changes " + a + " into " + values.get(out));
            }
            if (plan.keyswitch(a.partition(), p, Kind.BIG_TO_BIG).isEmpty()) {
              throw new IllegalArgumentException(
                  "keyswitch defining %"
                      + out
                      + " needs a conversion key from partition "
                      + a.partition()
                      + " to "
                      + p);
            }
          }
        }
        case Instruction.Input in -> {}
        case Instruction.AddEE op -> same(values, out, p, op.a(), op.b());
        case Instruction.SubEE op -> same(values, out, p, op.a(), op.b());
        case Instruction.Neg op -> same(values, out, p, op.a());
        case Instruction.AddEC op -> same(values, out, p, op.a());
        case Instruction.SubCE op -> same(values, out, p, op.a());
        case Instruction.MulEC op -> same(values, out, p, op.a());
        case Instruction.MatMulEC op -> same(values, out, p, op.a());
        case Instruction.MatMulCE op -> same(values, out, p, op.a());
        case Instruction.Sum op -> same(values, out, p, op.a());
        case Instruction.Gather op -> same(values, out, p, op.sources());
        case Instruction.Reinterpret op -> {
          same(values, out, p, op.a());
          if (inRange(op.a(), values)) {
            ValueInfo a = values.get(op.a());
            ValueInfo o = values.get(out);
            if (!java.util.Arrays.equals(a.shape(), o.shape())
                || a.signed() != o.signed()
                || a.encrypted() != o.encrypted()
                || o.width() >= a.width()) {
              throw new IllegalArgumentException(
                  "reinterpret defining %"
                      + out
                      + " changes "
                      + a
                      + " into "
                      + o
                      + " (same shape and signedness, a smaller width)");
            }
          }
        }
      }
    }
  }

  private static boolean inRange(int id, List<ValueInfo> values) {
    return id >= 0 && id < values.size();
  }

  private static void same(List<ValueInfo> values, int out, int p, int... operands) {
    for (int a : operands) {
      if (inRange(a, values) && values.get(a).encrypted() && values.get(a).partition() != p) {
        throw new IllegalArgumentException(
            "%"
                + out
                + " in partition "
                + p
                + " reads %"
                + a
                + " of partition "
                + values.get(a).partition()
                + " without a keyswitch");
      }
    }
  }

  /**
   * A lookup bootstraps in its output's partition and reads its input through a keyswitch the plan
   * lists.
   */
  private static void requireLookup(
      String op, int out, int a, int partition, int p, List<ValueInfo> values, ParameterPlan plan) {
    if (partition != p) {
      throw new IllegalArgumentException(
          op
              + " defining %"
              + out
              + " bootstraps in partition "
              + partition
              + " but its value lives in partition "
              + p);
    }
    if (inRange(a, values)
        && plan.keyswitch(values.get(a).partition(), p, Kind.BIG_TO_SMALL).isEmpty()) {
      throw new IllegalArgumentException(
          op
              + " defining %"
              + out
              + " needs a keyswitch from partition "
              + values.get(a).partition()
              + " to the small key of "
              + p);
    }
  }
}
