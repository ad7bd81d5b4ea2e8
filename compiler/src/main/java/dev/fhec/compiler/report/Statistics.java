package dev.fhec.compiler.report;

import dev.fhec.compiler.stats.CircuitStatistics;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ValueInfo;
import java.util.List;

/**
 * Operation counts of one execution of a compiled circuit under Concrete's {@code statistics} names
 * (compiler.md §11). The counts are {@link CircuitStatistics#total}'s (the one place that counts
 * instructions); this record adds the ciphertext sizes, in memory and on disk.
 *
 * @param programmableBootstrapCount PBS per execution (one per element of every table lookup)
 * @param keySwitchCount keyswitches (one before every PBS, plus partition conversions)
 * @param encryptedAdditionCount element-wise encrypted additions and subtractions
 * @param clearAdditionCount additions of a clear constant (c − x counts one, and one negation)
 * @param clearMultiplicationCount multiplications by a clear constant (matmuls count every product)
 * @param encryptedNegationCount negations
 * @param sizeOfInputs bytes of the input ciphertexts expanded in memory ((k·N+1)·8 per element)
 * @param sizeOfOutputs bytes of the output ciphertexts in memory
 * @param sizeOfInputsFile bytes of the seeded input file {@code fhec encrypt} writes
 * @param sizeOfOutputsFile bytes of the output file {@code fhec run} writes (not seeded)
 */
public record Statistics(
    long programmableBootstrapCount,
    long keySwitchCount,
    long encryptedAdditionCount,
    long clearAdditionCount,
    long clearMultiplicationCount,
    long encryptedNegationCount,
    long sizeOfInputs,
    long sizeOfOutputs,
    long sizeOfInputsFile,
    long sizeOfOutputsFile) {

  /** The statistics of {@code circuit}. */
  public static Statistics of(Circuit circuit) {
    CircuitStatistics.Counts t = CircuitStatistics.total(circuit);
    List<ValueInfo> in = circuit.inputs().stream().map(circuit::value).toList();
    List<ValueInfo> out = circuit.outputs().stream().map(circuit::value).toList();
    return new Statistics(
        t.bootstraps(),
        t.keyswitches(),
        t.encryptedAdditions(),
        t.clearAdditions(),
        t.clearMultiplications(),
        t.encryptedNegations(),
        inMemory(circuit, in),
        inMemory(circuit, out),
        FileSizes.ciphertexts(circuit.plan(), in, true),
        FileSizes.ciphertexts(circuit.plan(), out, false));
  }

  private static long inMemory(Circuit c, List<ValueInfo> values) {
    long total = 0;
    for (ValueInfo v : values) {
      total += CircuitStatistics.valueBytes(c.plan(), v);
    }
    return total;
  }
}
