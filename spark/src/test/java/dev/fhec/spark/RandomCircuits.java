package dev.fhec.spark;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.ClientKeySet;
import dev.fhec.runtime.params.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random runtime circuits over 4-bit signed tensors: two inputs, then a random mix of lookups (one
 * table, or one table per element), sums and differences of earlier values and clear additions and
 * multiplications. What they compute does not matter here, only that every backend computes the
 * same ciphertexts.
 */
final class RandomCircuits {
  private static final int WIDTH = 4;

  private RandomCircuits() {}

  static Circuit generate(Random r, ParameterSet p) {
    int m = 5 + r.nextInt(30);
    int steps = 5 + r.nextInt(6);
    Builder b = new Builder(m);
    for (int s = 0; s < steps; s++) {
      int a = r.nextInt(b.values.size());
      int other = r.nextInt(b.values.size());
      switch (r.nextInt(5)) {
        case 0 -> b.tlu(a, new int[] {b.table(r)});
        case 1 -> {
          int[] tables = new int[m];
          int t0 = b.table(r);
          int t1 = b.table(r);
          for (int i = 0; i < m; i++) {
            tables[i] = r.nextBoolean() ? t0 : t1;
          }
          b.tlu(a, tables);
        }
        case 2 -> b.add(new Instruction.AddEE(b.next(), a, other));
        case 3 -> b.add(new Instruction.MulEC(b.next(), a, b.constant(r.nextInt(5) - 2)));
        default -> b.add(new Instruction.AddEC(b.next(), a, b.constant(r.nextInt(7) - 3)));
      }
    }
    // End with a lookup so that every circuit bootstraps at least once.
    b.tlu(b.values.size() - 1, new int[] {b.table(r)});
    return b.build("random", p, List.of(b.values.size() - 1, b.values.size() - 2));
  }

  /** A chain of {@code lookups} lookups over {@code m} elements: long enough to lose a worker. */
  static Circuit chain(Random r, ParameterSet p, int m, int lookups) {
    Builder b = new Builder(m);
    for (int s = 0; s < lookups; s++) {
      b.tlu(b.values.size() - 1, new int[] {b.table(r)});
    }
    return b.build("chain", p, List.of(b.values.size() - 1));
  }

  static List<EncryptedTensor> encryptRandom(Random r, Circuit c, ClientKeySet key) {
    List<EncryptedTensor> out = new ArrayList<>();
    for (int id : c.inputs()) {
      ValueInfo info = c.value(id);
      long[] x = new long[info.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextInt(1 << WIDTH) - (1 << (WIDTH - 1));
      }
      out.add(ClientTensors.encrypt(key, x, info));
    }
    return out;
  }

  private static final class Builder {
    final int m;
    final List<ValueInfo> values = new ArrayList<>();
    final List<Instruction> instructions = new ArrayList<>();
    final List<ClearTensor> constants = new ArrayList<>();
    final List<LookupTable> tables = new ArrayList<>();

    Builder(int m) {
      this.m = m;
      add(new Instruction.Input(next(), 0));
      add(new Instruction.Input(next(), 1));
    }

    int next() {
      values.add(new ValueInfo(new int[] {m}, WIDTH, true, true));
      return values.size() - 1;
    }

    void add(Instruction ins) {
      instructions.add(ins);
    }

    void tlu(int a, int[] t) {
      add(new Instruction.Tlu(next(), a, t));
    }

    int constant(long v) {
      constants.add(new ClearTensor(new int[] {1}, new long[] {v}));
      return constants.size() - 1;
    }

    int table(Random r) {
      long[] entries = new long[1 << WIDTH];
      for (int i = 0; i < entries.length; i++) {
        entries[i] = r.nextInt(1 << WIDTH) - (1 << (WIDTH - 1));
      }
      tables.add(new LookupTable(entries));
      return tables.size() - 1;
    }

    Circuit build(String name, ParameterSet p, List<Integer> outputs) {
      return new Circuit(
          Circuit.FORMAT_VERSION,
          name,
          p,
          values,
          constants,
          tables,
          instructions,
          List.of(0, 1),
          outputs);
    }
  }
}
