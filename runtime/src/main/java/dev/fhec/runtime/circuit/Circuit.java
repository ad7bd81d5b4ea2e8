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
 * @param parameters the single parameter set used by every bootstrap
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
    ParameterSet parameters,
    List<ValueInfo> values,
    List<ClearTensor> constants,
    List<LookupTable> tables,
    List<Instruction> instructions,
    List<Integer> inputs,
    List<Integer> outputs) {

  public static final int FORMAT_VERSION = 1;

  public Circuit {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parameters, "parameters");
    values = List.copyOf(values);
    constants = List.copyOf(constants);
    tables = List.copyOf(tables);
    instructions = List.copyOf(instructions);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  public ValueInfo value(int id) {
    return values.get(id);
  }

  /** Number of programmable bootstraps one execution performs. */
  public long pbsCount() {
    long count = 0;
    for (Instruction i : instructions) {
      if (i instanceof Instruction.Tlu t) {
        count += values.get(t.out()).size();
      }
    }
    return count;
  }
}
