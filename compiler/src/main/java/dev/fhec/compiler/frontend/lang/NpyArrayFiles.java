package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.io.npy.Npy;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The default {@link ArrayFileReader}: the runtime's {@code .npy}/{@code .npz} codec. */
public final class NpyArrayFiles implements ArrayFileReader {
  @Override
  public Tensor readNpy(Path file) throws IOException {
    return toTensor(Npy.read(file));
  }

  @Override
  public Map<String, Tensor> readNpz(Path file) throws IOException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, NpyArray> e : Npz.read(file).entrySet()) {
      out.put(e.getKey(), toTensor(e.getValue()));
    }
    return out;
  }

  private static Tensor toTensor(NpyArray a) {
    return switch (a) {
      case NpyArray.Ints i -> new Tensor.Ints(i.shape(), i.data());
      case NpyArray.Floats f -> new Tensor.Floats(f.shape(), f.data());
    };
  }
}
