package dev.fhec.runtime.circuit;

import dev.fhec.runtime.params.ParameterSet;
import java.util.List;
import java.util.Objects;

/**
 * An executable TFHE circuit: the compiler's output and the runtime's input. Self-contained
 * (parameters, constants and tables inline) and versioned.
 *
 * <p>Values are numbered 0..values.size()−1 in SSA form; each instruction defines its {@code out}
 * once, after its operands. Inputs are defined by {@link Instruction.Input}; {@link #outputs()}
 * lists the value ids returned to the client, in order.
 *
 * @param formatVersion {@link #FORMAT_VERSION} when written by this runtime
 * @param name circuit name (for reports and file headers)
 * @param plan the partitions (parameter sets) and keyswitches between them
 * @param values type of every SSA value
 * @param constants clear tensors referenced by leveled instructions
 * @param tables lookup tables referenced by {@link Instruction.Tlu}
 * @param instructions in execution order
 * @param inputs value ids of the inputs, in client order
 * @param outputs value ids of the outputs, in client order
 */
public record Circuit(
    int formatVersion,
    String name,
    ParameterPlan plan,
    List<ValueInfo> values,
    List<ClearTensor> constants,
    List<LookupTable> tables,
    List<Instruction> instructions,
    List<Integer> inputs,
    List<Integer> outputs) {

  /**
   * 2: parameter plans (partitions, keyswitches), value partitions, Keyswitch instructions. {@link
   * Instruction.ManyTlu} is an addition within 2: every file without it reads as before, and a
   * reader that predates it refuses it as an unknown instruction instead of misreading it; so is
   * {@link Instruction.Reinterpret}.
   */
  public static final int FORMAT_VERSION = 2;

  public Circuit {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(plan, "plan");
    values = List.copyOf(values);
    constants = List.copyOf(constants);
    tables = List.copyOf(tables);
    instructions = List.copyOf(instructions);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    PlanCheck.check(plan, values, instructions);
  }

  /** A single-partition circuit: every value and bootstrap under {@code parameters}. */
  public Circuit(
      int formatVersion,
      String name,
      ParameterSet parameters,
      List<ValueInfo> values,
      List<ClearTensor> constants,
      List<LookupTable> tables,
      List<Instruction> instructions,
      List<Integer> inputs,
      List<Integer> outputs) {
    this(
        formatVersion,
        name,
        ParameterPlan.single(parameters),
        values,
        constants,
        tables,
        instructions,
        inputs,
        outputs);
  }

  /**
   * The parameter set of partition 0: the only one of a single-partition circuit. Code that handles
   * several partitions reads {@link #plan()}.
   */
  public ParameterSet parameters() {
    return plan.partition(0);
  }

  /** The same circuit under another plan (same partition numbering). */
  public Circuit withPlan(ParameterPlan p) {
    return new Circuit(
        formatVersion, name, p, values, constants, tables, instructions, inputs, outputs);
  }

  /** SHA-256 of the circuit's content: what keys and ciphertexts name as their circuit. */
  public byte[] digest() {
    return CircuitDigest.of(this);
  }

  public ValueInfo value(int id) {
    return values.get(id);
  }

  /** Number of programmable bootstraps one execution performs in partition {@code p}. */
  public long pbsCount(int p) {
    long count = 0;
    for (Instruction i : instructions) {
      if (bootstrapPartition(i) == p) {
        count += pbsCount(i);
      }
    }
    return count;
  }

  /** Number of programmable bootstraps one execution performs. */
  public long pbsCount() {
    long count = 0;
    for (Instruction i : instructions) {
      count += pbsCount(i);
    }
    return count;
  }

  /**
   * Bootstraps instruction {@code i} performs: one per element of a lookup (of its output, the same
   * count as its input's), one per element of a many-LUT's input (all its functions from one), none
   * for the other instructions.
   */
  public long pbsCount(Instruction i) {
    if (i instanceof Instruction.Tlu t) {
      return values.get(t.out()).size();
    }
    if (i instanceof Instruction.ManyTlu t) {
      return values.get(t.a()).size();
    }
    return 0;
  }

  /** The partition whose bootstrapping key instruction {@code i} uses, or −1 if none. */
  public static int bootstrapPartition(Instruction i) {
    if (i instanceof Instruction.Tlu t) {
      return t.partition();
    }
    if (i instanceof Instruction.ManyTlu t) {
      return t.partition();
    }
    return -1;
  }
}
