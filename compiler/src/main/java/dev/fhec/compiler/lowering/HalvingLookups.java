package dev.fhec.compiler.lowering;

import dev.fhec.compiler.optimizer.NoParametersException;
import dev.fhec.compiler.optimizer.PartitionedParameters;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Refreshing halvings: every {@link Instruction.Reinterpret} (a value of width w read at w − s, its
 * elements multiples of 2^s: the ½ of a shared-squares product) becomes one identity lookup per
 * element reading the value's w − s most significant bits, the lowering before the reinterpret
 * instruction existed. Both are exact and give the same integers (the dropped bits are 0, so the
 * lookup's rounding never rounds); the lookup costs a bootstrap per element but leaves fresh noise,
 * the reinterpretation costs nothing but carries the accumulated noise of the sum into its
 * consumers (and the circuit's outputs). {@link #choose} lets the optimizer's complexity decide.
 */
public final class HalvingLookups {
  private HalvingLookups() {}

  /**
   * {@code lowered} with every reinterpretation replaced by an identity lookup, origins kept;
   * {@code lowered} itself when it has none.
   */
  public static LoweredCircuit refresh(LoweredCircuit lowered) {
    LoweredCircuit c = lowered;
    if (count(c)[0] == 0) {
      return lowered;
    }
    List<LookupTable> tables = new ArrayList<>(c.tables());
    List<Instruction> out = new ArrayList<>();
    for (Instruction ins : c.instructions()) {
      if (ins instanceof Instruction.Reinterpret r) {
        ValueInfo o = c.value(r.out());
        long[] e = new long[1 << o.width()];
        for (int i = 0; i < e.length; i++) {
          e[i] = o.signed() ? i - (1L << (o.width() - 1)) : i;
        }
        LookupTable t = new LookupTable(e);
        int id = tables.indexOf(t);
        if (id < 0) {
          tables.add(t);
          id = tables.size() - 1;
        }
        out.add(new Instruction.Tlu(r.out(), r.a(), new int[] {id}));
      } else {
        out.add(ins);
      }
    }
    return new LoweredCircuit(
        c.name(), c.values(), c.constants(), tables, out, c.inputs(), c.outputs(), c.origins());
  }

  /** The reinterpretations of {@code c}: how many instructions, how many elements. */
  static long[] count(LoweredCircuit c) {
    long n = 0;
    long elements = 0;
    for (Instruction ins : c.instructions()) {
      if (ins instanceof Instruction.Reinterpret r) {
        n++;
        elements += c.value(r.out()).size();
      }
    }
    return new long[] {n, elements};
  }

  /**
   * Keeps the reinterpretations, or refreshes all of them, whichever plan is preferable ({@link
   * PartitionedParameters#preferableTo}); one optimizer run when there is any, none otherwise.
   *
   * @param parameters the plan of {@code lowered}
   */
  public static LoweringChoice choose(
      LoweredCircuit lowered,
      PartitionedParameters parameters,
      Function<LoweredCircuit, PartitionedParameters> optimize) {
    long[] n = count(lowered);
    if (n[0] == 0) {
      return new LoweringChoice(lowered, parameters, "");
    }
    LoweredCircuit refreshed = refresh(lowered);
    PartitionedParameters q;
    try {
      q = optimize.apply(refreshed);
    } catch (NoParametersException e) {
      q = null;
    }
    boolean take = q != null && q.preferableTo(parameters);
    String account =
        String.format(
            Locale.ROOT,
            "%nhalving of shared-squares products (%d values, %,d elements): %s (reinterpreted"
                + " at the halved width, no PBS: whole circuit %.4e; one identity lookup each: %s)",
            n[0],
            n[1],
            take ? "identity lookups" : "reinterpreted",
            parameters.complexity(),
            q == null ? "no parameters" : String.format(Locale.ROOT, "%.4e", q.complexity()));
    return take
        ? new LoweringChoice(refreshed, q, account)
        : new LoweringChoice(lowered, parameters, account);
  }
}
