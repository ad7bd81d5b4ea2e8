package dev.fhec.compiler.stats;

import dev.fhec.compiler.optimizer.CircuitProfile;
import dev.fhec.compiler.optimizer.LookupGroup;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.circuit.ValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts Concrete reports for a circuit (reference/compiler.md §11), per instruction and in total,
 * walking the instructions once: bootstraps and keyswitches (one each per looked-up element),
 * encrypted additions (add/sub of two ciphertexts and every addition inside a sum or an enc×clear
 * matmul), clear additions, clear multiplications, negations; plus the lookup profile the parameter
 * optimizer takes (precision and ν² per lookup, grouped).
 */
public final class CircuitStatistics {
  private CircuitStatistics() {}

  /**
   * Counters of one instruction or of a whole circuit.
   *
   * @param bootstraps programmable bootstraps
   * @param keyswitches keyswitches (one per bootstrap in the KS → PBS pattern)
   * @param encryptedAdditions additions/subtractions of two ciphertexts
   * @param clearAdditions additions of a clear value to a ciphertext
   * @param clearMultiplications multiplications of a ciphertext by a clear integer
   * @param encryptedNegations negations
   */
  public record Counts(
      long bootstraps,
      long keyswitches,
      long encryptedAdditions,
      long clearAdditions,
      long clearMultiplications,
      long encryptedNegations) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0);

    public Counts plus(Counts o) {
      return new Counts(
          bootstraps + o.bootstraps,
          keyswitches + o.keyswitches,
          encryptedAdditions + o.encryptedAdditions,
          clearAdditions + o.clearAdditions,
          clearMultiplications + o.clearMultiplications,
          encryptedNegations + o.encryptedNegations);
    }
  }

  /** The counters of one instruction. */
  public static Counts of(Circuit c, Instruction ins) {
    return of(c.values(), ins);
  }

  /** The counters of one instruction of a circuit whose values are {@code values}. */
  public static Counts of(List<ValueInfo> values, Instruction ins) {
    long out = values.get(ins.out()).size();
    return switch (ins) {
      case Instruction.Input in -> Counts.ZERO;
      case Instruction.Gather g -> Counts.ZERO;
      case Instruction.Reinterpret r -> Counts.ZERO;
      case Instruction.AddEE a -> new Counts(0, 0, out, 0, 0, 0);
      case Instruction.SubEE s -> new Counts(0, 0, out, 0, 0, 0);
      case Instruction.Neg n -> new Counts(0, 0, 0, 0, 0, out);
      case Instruction.AddEC a -> new Counts(0, 0, 0, out, 0, 0);
      case Instruction.SubCE s -> new Counts(0, 0, 0, out, 0, out);
      case Instruction.MulEC m -> new Counts(0, 0, 0, 0, out, 0);
      case Instruction.MatMulEC m -> {
        int[] s = values.get(m.a()).shape();
        long k = s[s.length - 1];
        yield new Counts(0, 0, out * (k - 1), 0, out * k, 0);
      }
      case Instruction.MatMulCE m -> {
        int[] s = values.get(m.a()).shape();
        long k = s[s.length - 2];
        yield new Counts(0, 0, out * (k - 1), 0, out * k, 0);
      }
      case Instruction.Sum s -> {
        long in = values.get(s.a()).size();
        yield new Counts(0, 0, in - out, 0, 0, 0);
      }
      case Instruction.Tlu t -> new Counts(out, out, 0, 0, 0, 0);
      case Instruction.ManyTlu t -> {
        long in = values.get(t.a()).size(); // one KS + PBS per input element for all functions
        yield new Counts(in, in, 0, 0, 0, 0);
      }
      case Instruction.Keyswitch k -> new Counts(0, out, 0, 0, 0, 0);
    };
  }

  /** The counters of the whole circuit. */
  public static Counts total(Circuit c) {
    Counts t = Counts.ZERO;
    for (Instruction i : c.instructions()) {
      t = t.plus(of(c, i));
    }
    return t;
  }

  /** Precision a lookup reads: its table's input width. */
  public static int precision(Circuit c, Instruction.Tlu t) {
    return c.tables().get(t.tables()[0]).inputWidth();
  }

  /**
   * Precision a many-LUT reads: its input's width plus log2 of its function count (CLOT21: the F
   * functions interleave in 2^w·F boxes, so the input needs the margin of a (w + log2 F)-bit
   * lookup).
   */
  public static int precision(Circuit c, Instruction.ManyTlu t) {
    return c.tables().get(t.tables()[0]).inputWidth() + t.extraBits();
  }

  /**
   * The optimizer's view: lookups grouped by (precision, ν²), and the leveled dot-product terms.
   */
  public static CircuitProfile profile(Circuit c) {
    double[] nu = Norm2Analysis.analyze(c);
    Map<List<Double>, Long> groups = new LinkedHashMap<>();
    long leveled = 0;
    for (Instruction i : c.instructions()) {
      if (i instanceof Instruction.Tlu t) {
        List<Double> key = List.of((double) precision(c, t), Math.max(1, nu[t.a()]));
        groups.merge(key, (long) c.value(t.out()).size(), Long::sum);
      } else if (i instanceof Instruction.ManyTlu t) {
        List<Double> key = List.of((double) precision(c, t), Math.max(1, nu[t.a()]));
        groups.merge(key, (long) c.value(t.a()).size(), Long::sum);
      } else {
        Counts k = of(c, i);
        leveled += k.encryptedAdditions() + k.clearAdditions() + k.clearMultiplications();
      }
    }
    List<LookupGroup> list = new ArrayList<>();
    for (Map.Entry<List<Double>, Long> e : groups.entrySet()) {
      list.add(new LookupGroup(e.getKey().get(0).intValue(), e.getKey().get(1), e.getValue()));
    }
    return new CircuitProfile(list, leveled);
  }

  /**
   * Bytes of value {@code v} in memory: (k·N + 1)·8 per element under its partition's big key when
   * encrypted, 8 per element when clear.
   */
  public static long valueBytes(ParameterPlan plan, ValueInfo v) {
    return v.encrypted()
        ? ((long) plan.partition(v.partition()).bigLweDimension() + 1) * 8 * v.size()
        : 8L * v.size();
  }
}
