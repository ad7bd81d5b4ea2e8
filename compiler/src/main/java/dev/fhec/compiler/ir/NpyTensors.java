package dev.fhec.compiler.ir;

import dev.fhec.runtime.io.npy.NpyArray;

/**
 * Conversions between the runtime's {@code .npy} arrays and IR tensors: the one place where the
 * file codec's types meet the compiler's (frontends, bundles and the CLI all go through it).
 */
public final class NpyTensors {
  private NpyTensors() {}

  public static Tensor tensor(NpyArray a) {
    return switch (a) {
      case NpyArray.Ints x -> new Tensor.Ints(x.shape(), x.data());
      case NpyArray.Floats x -> new Tensor.Floats(x.shape(), x.data());
    };
  }

  public static NpyArray array(Tensor t) {
    return switch (t) {
      case Tensor.Ints x -> new NpyArray.Ints(x.shape(), x.data());
      case Tensor.Floats x -> new NpyArray.Floats(x.shape(), x.data());
    };
  }
}
