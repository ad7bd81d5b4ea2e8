package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads numpy {@code .npy} and {@code .npz} files into constant tensors, for {@code np.load} in
 * programs. Pluggable so that the frontend does not depend on a particular codec.
 */
public interface ArrayFileReader {
  /** One array from a {@code .npy} file. */
  Tensor readNpy(Path file) throws IOException;

  /** Every array of a {@code .npz} archive, by name (without the {@code .npy} suffix). */
  Map<String, Tensor> readNpz(Path file) throws IOException;
}
