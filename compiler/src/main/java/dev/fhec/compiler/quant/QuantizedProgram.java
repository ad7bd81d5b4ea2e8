package dev.fhec.compiler.quant;

import dev.fhec.compiler.ir.Program;
import java.util.List;

/**
 * An integer program from post-training quantization, with what the client needs to encode inputs
 * ({@code q = rint(x / inputScale)}, clipped to ±qmax) and decode outputs ({@code x ≈ q ·
 * outputScale}).
 */
public record QuantizedProgram(
    Program program, List<Double> inputScales, List<Double> outputScales, int nBits) {
  public QuantizedProgram {
    inputScales = List.copyOf(inputScales);
    outputScales = List.copyOf(outputScales);
  }
}
