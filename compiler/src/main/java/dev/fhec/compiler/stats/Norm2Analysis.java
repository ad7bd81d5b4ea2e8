package dev.fhec.compiler.stats;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.Shapes;

/**
 * Squared 2-norms ν² (Concrete's MANP, reference/compiler.md §7) of every circuit value: the factor
 * by which the noise of fresh or bootstrapped ciphertexts grows through the leveled instructions
 * before a bootstrap reads the value.
 *
 * <p>Rules: an input or lookup output has ν² = 1; add/sub add the operands' ν²; neg and clear
 * additions keep it; a clear multiplication scales it by c²; a clear matmul gives Σ c²·ν² per
 * output; a sum adds the ν² of its terms; data movement keeps it. A value holds the largest ν² over
 * its elements (the constraint binds at the worst element). The two-squares product thus enters
 * each of its bootstraps with ν² = 2, as in Concrete.
 */
public final class Norm2Analysis {
  private Norm2Analysis() {}

  /** ν² of every value of {@code circuit}, indexed by value id (0 for values never defined). */
  public static double[] analyze(Circuit circuit) {
    double[] nu = new double[circuit.values().size()];
    for (Instruction ins : circuit.instructions()) {
      nu[ins.out()] =
          switch (ins) {
            case Instruction.Input in -> 1;
            case Instruction.Tlu t -> 1;
            case Instruction.ManyTlu t -> 1;
            // A conversion adds keyswitch noise (the optimizer's business), not variance weight.
            case Instruction.Keyswitch k -> nu[k.a()];
            // The same ciphertexts: the same noise, now against a box 2^s times larger.
            case Instruction.Reinterpret r -> nu[r.a()];
            case Instruction.AddEE a -> nu[a.a()] + nu[a.b()];
            case Instruction.SubEE s -> nu[s.a()] + nu[s.b()];
            case Instruction.Neg n -> nu[n.a()];
            case Instruction.AddEC a -> nu[a.a()];
            case Instruction.SubCE s -> nu[s.a()];
            case Instruction.MulEC m ->
                maxSquare(circuit.constants().get(m.constant())) * nu[m.a()];
            case Instruction.MatMulEC m ->
                contractedSquareSum(circuit.constants().get(m.constant()), true) * nu[m.a()];
            case Instruction.MatMulCE m ->
                contractedSquareSum(circuit.constants().get(m.constant()), false) * nu[m.a()];
            case Instruction.Sum s -> {
              ValueInfo in = circuit.value(s.a());
              ValueInfo out = circuit.value(s.out());
              yield nu[s.a()] * (in.size() / Math.max(1, out.size()));
            }
            case Instruction.Gather g -> {
              double m = 0;
              for (int src : g.sources()) {
                m = Math.max(m, nu[src]);
              }
              yield m;
            }
          };
    }
    return nu;
  }

  /** max c² over the elements of a clear constant multiplied into an encrypted value. */
  public static double maxSquare(ClearTensor c) {
    double m = 0;
    for (int i = 0; i < c.size(); i++) {
      m = Math.max(m, (double) c.at(i) * c.at(i));
    }
    return m;
  }

  /**
   * max over outputs of Σ c² along the contracted axis (rows of C for a @ C, columns for C @ a).
   */
  public static double contractedSquareSum(ClearTensor c, boolean clearOnRight) {
    int[] s = c.shape();
    int rows = s[s.length - 2];
    int cols = s[s.length - 1];
    int batches = Shapes.size(s) / (rows * cols);
    double best = 0;
    for (int b = 0; b < batches; b++) {
      int outer = clearOnRight ? cols : rows;
      int inner = clearOnRight ? rows : cols;
      for (int o = 0; o < outer; o++) {
        double sum = 0;
        for (int i = 0; i < inner; i++) {
          long v =
              clearOnRight
                  ? c.at(b * rows * cols + i * cols + o)
                  : c.at(b * rows * cols + o * cols + i);
          sum += (double) v * v;
        }
        best = Math.max(best, sum);
      }
    }
    return best;
  }
}
