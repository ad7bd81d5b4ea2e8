package dev.fhec.compiler.bundle;

import dev.fhec.compiler.passes.BoundsAudit;
import java.util.List;

/**
 * What a bundle guarantees about values ({@code manifest.json} "bounds"): the input ranges encrypt
 * accepts, the policy and margin the ranges came from, the nodes that rely on calibration with
 * their headroom, and which IR node each circuit instruction implements (to name the node of an
 * overflow).
 *
 * @param policy {@code sound}, {@code calibrated} or {@code auto} ({@code --bounds})
 * @param calibrationMargin {@code --calibration-margin}
 * @param inputs the accepted range of every input, in circuit order
 * @param calibrated nodes whose range relies on calibration (empty: exact for every accepted input)
 * @param instructionOrigins for each circuit instruction, the IR node (report row id) it implements
 */
public record BoundsManifest(
    String policy,
    double calibrationMargin,
    List<BoundsAudit.InputRange> inputs,
    List<BoundsAudit.Reliance> calibrated,
    List<Integer> instructionOrigins) {
  public BoundsManifest {
    inputs = List.copyOf(inputs);
    calibrated = List.copyOf(calibrated);
    instructionOrigins = List.copyOf(instructionOrigins);
  }
}
