package dev.fhec.compiler.lowering;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A circuit before its parameters: what {@link Lowering} produces, what the parameter optimizers
 * read (each lookup's table, hence its precision; each value's shape and width; the constants that
 * scale the noise), and what {@link PlanApplication} turns into the executable {@link Circuit} once
 * the optimizer has chosen. The parameters are not known while lowering, so it takes none.
 *
 * <p>Partitions and conversions are the plan's: here every value and lookup is in partition 0 and
 * there is no {@link Instruction.Keyswitch}.
 *
 * @param name circuit name
 * @param values type of every SSA value
 * @param constants clear tensors referenced by leveled instructions
 * @param tables lookup tables referenced by {@link Instruction.Tlu} and {@link Instruction.ManyTlu}
 * @param instructions in execution order, as in {@link Circuit#instructions()}
 * @param inputs value ids of the inputs, in client order
 * @param outputs value ids of the outputs, in client order
 * @param origins origins.get(i) = id of the IR node whose lowering emitted instruction i (−1 for a
 *     circuit built by hand)
 */
public record LoweredCircuit(
    String name,
    List<ValueInfo> values,
    List<ClearTensor> constants,
    List<LookupTable> tables,
    List<Instruction> instructions,
    List<Integer> inputs,
    List<Integer> outputs,
    List<Integer> origins) {

  public LoweredCircuit {
    Objects.requireNonNull(name, "name");
    values = List.copyOf(values);
    constants = List.copyOf(constants);
    tables = List.copyOf(tables);
    instructions = List.copyOf(instructions);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    origins = List.copyOf(origins);
    if (origins.size() != instructions.size()) {
      throw new IllegalArgumentException(
          origins.size() + " origins for " + instructions.size() + " instructions");
    }
    for (int v = 0; v < values.size(); v++) {
      if (values.get(v).partition() != 0) {
        throw new IllegalArgumentException(
            "value %" + v + " is in partition " + values.get(v).partition() + " before any plan");
      }
    }
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i) instanceof Instruction.Keyswitch
          || (instructions.get(i) instanceof Instruction.Tlu t && t.partition() != 0)
          || (instructions.get(i) instanceof Instruction.ManyTlu t && t.partition() != 0)) {
        throw new IllegalArgumentException(
            "instruction " + i + " belongs to a parameter plan: " + instructions.get(i));
      }
    }
  }

  /** A circuit built by hand: no origins. */
  public LoweredCircuit(
      String name,
      List<ValueInfo> values,
      List<ClearTensor> constants,
      List<LookupTable> tables,
      List<Instruction> instructions,
      List<Integer> inputs,
      List<Integer> outputs) {
    this(
        name,
        values,
        constants,
        tables,
        instructions,
        inputs,
        outputs,
        Collections.nCopies(instructions.size(), -1));
  }

  /**
   * The circuit of a single-partition {@code c} without its plan, to plan it again (tests, and
   * circuits read back from a file); origins −1.
   *
   * @throws IllegalArgumentException if {@code c} has several partitions or a conversion
   */
  public static LoweredCircuit of(Circuit c) {
    return new LoweredCircuit(
        c.name(), c.values(), c.constants(), c.tables(), c.instructions(), c.inputs(), c.outputs());
  }

  public ValueInfo value(int id) {
    return values.get(id);
  }

  /** The input width of lookup {@code t}'s tables: the precision its bootstrap runs at. */
  public int precision(Instruction.Tlu t) {
    return tables.get(t.tables()[0]).inputWidth();
  }

  /**
   * The precision many-LUT {@code t} bootstraps at: its input's width plus log2 of its function
   * count (CLOT21: the F functions interleave in 2^w·F boxes).
   */
  public int precision(Instruction.ManyTlu t) {
    return tables.get(t.tables()[0]).inputWidth() + t.extraBits();
  }
}
