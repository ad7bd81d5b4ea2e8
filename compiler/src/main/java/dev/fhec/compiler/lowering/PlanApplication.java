package dev.fhec.compiler.lowering;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.params.ParameterSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Attaches the parameter optimizer's plan to a {@link LoweredCircuit}, making the executable {@link
 * Circuit}: the one place parameters meet instructions. A single parameter set is the plan of one
 * partition. A multi-parameter plan tags every encrypted value with the partition the optimizer
 * chose for it, makes every lookup bootstrap in its output's partition, and inserts a conversion
 * {@link Instruction.Keyswitch} wherever a leveled instruction reads a value of another partition
 * than its output's (one conversion per value and target partition, reused by later readers).
 * Lookups need no conversion: their implicit keyswitch goes from the input's partition to the small
 * key of their own ({@link KeyswitchSpec.Kind#BIG_TO_SMALL}).
 *
 * <p>The plan's keyswitch list must hold every key the result uses; the {@link Circuit} constructor
 * checks it and names a missing one. Keys no instruction uses are dropped from a multi-partition
 * plan, so that only the keys actually used are generated.
 */
public final class PlanApplication {
  private PlanApplication() {}

  /**
   * An executable circuit and, per instruction, the IR node it implements (an inserted conversion
   * has the origin of the instruction that reads it).
   */
  public record Applied(Circuit circuit, List<Integer> origins) {
    public Applied {
      origins = List.copyOf(origins);
    }
  }

  /** The lowered circuit under one parameter set: every value and lookup in its partition. */
  public static Applied apply(LoweredCircuit lowered, ParameterSet parameters) {
    return apply(lowered, parameters, false);
  }

  /**
   * As {@link #apply(LoweredCircuit, ParameterSet)}, its keyswitch on 32 bits if {@code bits32}.
   */
  public static Applied apply(LoweredCircuit lowered, ParameterSet parameters, boolean bits32) {
    KeyswitchSpec own = ParameterPlan.single(parameters).keyswitches().get(0);
    return apply(
        lowered,
        List.of(parameters),
        new int[lowered.values().size()],
        List.of(bits32 ? new KeyswitchSpec(0, 0, own.kind(), own.decomposition(), true) : own));
  }

  /**
   * The lowered circuit under a multi-parameter plan.
   *
   * @param valuePartition partition of each value of {@code lowered} (ignored for clear values)
   */
  public static Applied apply(
      LoweredCircuit lowered,
      List<ParameterSet> partitions,
      int[] valuePartition,
      List<KeyswitchSpec> specs) {
    return apply(lowered, partitions, valuePartition, null, specs);
  }

  /**
   * As {@link #apply(LoweredCircuit, List, int[], List)}, where a lookup may bootstrap in another
   * partition than the one its output lives under: {@code bootstrapPartition[v]} (for a lookup's
   * output v, −1 or {@code valuePartition[v]} for "the same") names the partition it bootstraps in,
   * and its result is converted big → big into {@code valuePartition[v]} right after the bootstrap
   * (the multi-parameter optimizer does this when the consumers' partition is cheaper to compute in
   * than the lookup's own precision needs).
   *
   * @param bootstrapPartition per value id, or null when every lookup bootstraps where its output
   *     lives
   */
  public static Applied apply(
      LoweredCircuit c,
      List<ParameterSet> partitions,
      int[] valuePartition,
      int[] bootstrapPartition,
      List<KeyswitchSpec> specs) {
    if (valuePartition.length != c.values().size()) {
      throw new IllegalArgumentException(
          valuePartition.length + " partitions for " + c.values().size() + " values");
    }
    ParameterPlan plan = new ParameterPlan(partitions, specs);
    List<ValueInfo> values = new ArrayList<>();
    for (int v = 0; v < c.values().size(); v++) {
      ValueInfo info = c.values().get(v);
      int p = valuePartition[v];
      if (info.encrypted() && (p < 0 || p >= plan.size())) {
        throw new IllegalArgumentException(
            "value %" + v + " assigned partition " + p + " of " + plan.size());
      }
      values.add(info.encrypted() ? info.inPartition(p) : info);
    }
    List<Instruction> out = new ArrayList<>();
    List<Integer> origins = new ArrayList<>();
    // (value, target partition) → id of its converted copy.
    Map<Long, Integer> converted = new HashMap<>();
    for (int i = 0; i < c.instructions().size(); i++) {
      Instruction ins = c.instructions().get(i);
      int origin = c.origins().get(i);
      int target = values.get(ins.out()).partition();
      Instruction rewritten =
          switch (ins) {
            case Instruction.Tlu t -> {
              int bp = bootstrapPartition == null ? -1 : bootstrapPartition[t.out()];
              if (bp < 0 || bp == target) {
                yield new Instruction.Tlu(t.out(), t.a(), t.tables(), target);
              }
              int fresh = values.size();
              values.add(values.get(t.out()).inPartition(bp));
              out.add(new Instruction.Tlu(fresh, t.a(), t.tables(), bp));
              origins.add(origin);
              yield new Instruction.Keyswitch(t.out(), fresh);
            }
            case Instruction.ManyTlu t -> {
              int bp = bootstrapPartition == null ? -1 : bootstrapPartition[t.out()];
              if (bp < 0 || bp == target) {
                yield new Instruction.ManyTlu(t.out(), t.a(), t.tables(), target);
              }
              int fresh = values.size();
              values.add(values.get(t.out()).inPartition(bp));
              out.add(new Instruction.ManyTlu(fresh, t.a(), t.tables(), bp));
              origins.add(origin);
              yield new Instruction.Keyswitch(t.out(), fresh);
            }
            case Instruction.Input in -> in;
            case Instruction.Keyswitch k -> k;
            case Instruction.AddEE op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.SubEE op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.Neg op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.AddEC op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.SubCE op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.MulEC op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.MatMulEC op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.MatMulCE op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.Sum op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.Gather op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
            case Instruction.Reinterpret op ->
                rename(ins, convert(values, converted, out, origins, origin, target));
          };
      out.add(rewritten);
      origins.add(origin);
    }
    Circuit applied =
        new Circuit(
            Circuit.FORMAT_VERSION,
            c.name(),
            used(plan, values, out),
            values,
            c.constants(),
            c.tables(),
            out,
            c.inputs(),
            c.outputs());
    return new Applied(applied, origins);
  }

  /**
   * The plan without the keyswitches no instruction uses, so that key generation makes only the
   * keys the circuit needs. A single-partition plan is kept whole (it always has its own key).
   */
  private static ParameterPlan used(
      ParameterPlan plan, List<ValueInfo> values, List<Instruction> instructions) {
    if (plan.size() == 1) {
      return plan;
    }
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (Instruction ins : instructions) {
      int bp = Circuit.bootstrapPartition(ins);
      if (bp >= 0) {
        plan.keyswitch(
                values.get(ins.operands()[0]).partition(), bp, KeyswitchSpec.Kind.BIG_TO_SMALL)
            .ifPresent(used::add);
      } else if (ins instanceof Instruction.Keyswitch k) {
        plan.keyswitch(
                values.get(k.a()).partition(),
                values.get(k.out()).partition(),
                KeyswitchSpec.Kind.BIG_TO_BIG)
            .ifPresent(used::add);
      }
    }
    List<KeyswitchSpec> kept = new ArrayList<>();
    for (int i = 0; i < plan.keyswitches().size(); i++) {
      if (used.contains(i)) {
        kept.add(plan.keyswitches().get(i));
      }
    }
    return new ParameterPlan(plan.partitions(), kept);
  }

  /**
   * A renaming that sends each encrypted operand of another partition than {@code target} to its
   * conversion, emitting the conversion (into {@code out}) the first time it is needed.
   */
  private static IntUnaryOperator convert(
      List<ValueInfo> values,
      Map<Long, Integer> converted,
      List<Instruction> out,
      List<Integer> origins,
      int origin,
      int target) {
    return a -> {
      ValueInfo info = values.get(a);
      if (!info.encrypted() || info.partition() == target) {
        return a;
      }
      return converted.computeIfAbsent(
          ((long) a << 32) | target,
          key -> {
            int id = values.size();
            values.add(info.inPartition(target));
            out.add(new Instruction.Keyswitch(id, a));
            origins.add(origin);
            return id;
          });
    };
  }

  /** {@code ins} with every operand renamed by {@code r}. */
  static Instruction rename(Instruction ins, IntUnaryOperator r) {
    return switch (ins) {
      case Instruction.Input in -> in;
      case Instruction.AddEE op ->
          new Instruction.AddEE(op.out(), r.applyAsInt(op.a()), r.applyAsInt(op.b()));
      case Instruction.SubEE op ->
          new Instruction.SubEE(op.out(), r.applyAsInt(op.a()), r.applyAsInt(op.b()));
      case Instruction.Neg op -> new Instruction.Neg(op.out(), r.applyAsInt(op.a()));
      case Instruction.AddEC op ->
          new Instruction.AddEC(op.out(), r.applyAsInt(op.a()), op.constant());
      case Instruction.SubCE op ->
          new Instruction.SubCE(op.out(), op.constant(), r.applyAsInt(op.a()));
      case Instruction.MulEC op ->
          new Instruction.MulEC(op.out(), r.applyAsInt(op.a()), op.constant());
      case Instruction.MatMulEC op ->
          new Instruction.MatMulEC(op.out(), r.applyAsInt(op.a()), op.constant());
      case Instruction.MatMulCE op ->
          new Instruction.MatMulCE(op.out(), op.constant(), r.applyAsInt(op.a()));
      case Instruction.Sum op ->
          new Instruction.Sum(op.out(), r.applyAsInt(op.a()), op.axes(), op.keepDims());
      case Instruction.Gather op -> {
        int[] sources = op.sources().clone();
        for (int i = 0; i < sources.length; i++) {
          sources[i] = r.applyAsInt(sources[i]);
        }
        yield new Instruction.Gather(op.out(), sources, op.source(), op.element());
      }
      case Instruction.Tlu op ->
          new Instruction.Tlu(op.out(), r.applyAsInt(op.a()), op.tables(), op.partition());
      case Instruction.ManyTlu op ->
          new Instruction.ManyTlu(op.out(), r.applyAsInt(op.a()), op.tables(), op.partition());
      case Instruction.Keyswitch op -> new Instruction.Keyswitch(op.out(), r.applyAsInt(op.a()));
      case Instruction.Reinterpret op ->
          new Instruction.Reinterpret(op.out(), r.applyAsInt(op.a()));
    };
  }
}
