package dev.fhec.compiler.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An inputset with NaN, infinities or only zeros used to calibrate a scale on which every real
 * input rounds to 0; it is refused, naming the input.
 */
class CalibrationInputsetTest {
  private static Program program() {
    ProgramBuilder b = new ProgramBuilder("p");
    int x = b.input("x", new int[] {2}, new ElementType.FloatType(), true);
    b.output(b.unary(dev.fhec.compiler.ir.UnaryFn.Simple.TANH, b.mul(x, b.constant(2.0))));
    return b.build();
  }

  private static CompileException fails(double... values) {
    List<List<Tensor>> set = List.of(List.of(new Tensor.Floats(new int[] {2}, values)));
    return assertThrows(
        CompileException.class,
        () ->
            PostTrainingQuantizer.quantize(
                program(), set, Map.of(), QuantizationOptions.ofBits(6)));
  }

  @Test
  void nanAndInfinityAreRefusedWithTheirPlace() {
    CompileException nan = fails(0.5, Double.NaN);
    assertTrue(nan.getMessage().contains("input 'x'"), nan.getMessage());
    assertTrue(nan.getMessage().contains("NaN at element 1"), nan.getMessage());
    CompileException inf = fails(Double.NEGATIVE_INFINITY, 1);
    assertTrue(inf.getMessage().contains("-Infinity at element 0"), inf.getMessage());
    assertEquals(0, inf.first().node().getAsInt());
  }

  @Test
  void anAllZeroInputsetIsRefused() {
    CompileException zeros = fails(0, 0);
    assertTrue(zeros.getMessage().contains("every value is 0"), zeros.getMessage());
    // one non-zero sample is enough
    QuantizedProgram q =
        PostTrainingQuantizer.quantize(
            program(),
            List.of(
                List.of(new Tensor.Floats(new int[] {2}, new double[] {0, 0})),
                List.of(new Tensor.Floats(new int[] {2}, new double[] {0, 1.5}))),
            Map.of(),
            QuantizationOptions.ofBits(6));
    assertEquals(1.5 / 31, q.inputScales().get(0), 1e-15);
  }
}
