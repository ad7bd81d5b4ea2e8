package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.NpyTensors;
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
    return NpyTensors.tensor(Npy.read(file));
  }

  @Override
  public Map<String, Tensor> readNpz(Path file) throws IOException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, NpyArray> e : Npz.read(file).entrySet()) {
      out.put(e.getKey(), NpyTensors.tensor(e.getValue()));
    }
    return out;
  }
}
