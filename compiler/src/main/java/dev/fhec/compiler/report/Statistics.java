package dev.fhec.compiler.report;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.ValueInfo;

/**
 * Operation counts of one execution of a compiled circuit, the numbers Concrete's {@code
 * statistics} reports (compiler.md §11), counted over the runtime instructions element by element.
 *
 * @param programmableBootstrapCount PBS per execution (one per element of every table lookup)
 * @param keySwitchCount keyswitches (one before every PBS in the KS → PBS atomic pattern)
 * @param encryptedAdditionCount element-wise encrypted additions and subtractions
 * @param clearAdditionCount additions of a clear constant
 * @param clearMultiplicationCount multiplications by a clear constant (matmuls count every product)
 * @param encryptedNegationCount negations
 * @param sizeOfInputs bytes of the fresh input ciphertexts (big-key LWE, (k·N+1)·8 each)
 * @param sizeOfOutputs bytes of the output ciphertexts
 */
public record Statistics(
    long programmableBootstrapCount,
    long keySwitchCount,
    long encryptedAdditionCount,
    long clearAdditionCount,
    long clearMultiplicationCount,
    long encryptedNegationCount,
    long sizeOfInputs,
    long sizeOfOutputs) {

  /** Counts {@code circuit}'s instructions. */
  public static Statistics of(Circuit circuit) {
    long pbs = 0;
    long encAdd = 0;
    long clearAdd = 0;
    long clearMul = 0;
    long neg = 0;
    for (Instruction ins : circuit.instructions()) {
      long outSize = circuit.value(ins.out()).size();
      switch (ins) {
        case Instruction.Input in -> {}
        case Instruction.AddEE a -> encAdd += outSize;
        case Instruction.SubEE s -> encAdd += outSize;
        case Instruction.Neg n -> neg += outSize;
        case Instruction.AddEC a -> clearAdd += outSize;
        case Instruction.SubCE s -> clearAdd += outSize;
        case Instruction.MulEC m -> clearMul += outSize;
        case Instruction.MatMulEC m -> {
          int[] a = circuit.value(m.a()).shape();
          long inner = a.length == 0 ? 1 : a[a.length - 1];
          clearMul += outSize * inner;
          encAdd += outSize * Math.max(0, inner - 1);
        }
        case Instruction.MatMulCE m -> {
          int[] a = circuit.value(m.a()).shape();
          long inner = a.length < 2 ? (a.length == 0 ? 1 : a[0]) : a[a.length - 2];
          clearMul += outSize * inner;
          encAdd += outSize * Math.max(0, inner - 1);
        }
        case Instruction.Sum s -> {
          long inSize = circuit.value(s.a()).size();
          encAdd += Math.max(0, inSize - outSize);
        }
        case Instruction.Gather g -> {}
        case Instruction.Tlu t -> pbs += outSize;
        case Instruction.Keyswitch k -> {}
      }
    }
    long ct = (long) circuit.parameters().bigLweDimension() + 1;
    return new Statistics(
        pbs,
        pbs,
        encAdd,
        clearAdd,
        clearMul,
        neg,
        bytes(circuit, circuit.inputs(), ct),
        bytes(circuit, circuit.outputs(), ct));
  }

  private static long bytes(Circuit c, java.util.List<Integer> ids, long ctElements) {
    long total = 0;
    for (int id : ids) {
      ValueInfo v = c.value(id);
      total += v.encrypted() ? v.size() * ctElements * 8 : v.size() * 8L;
    }
    return total;
  }
}
