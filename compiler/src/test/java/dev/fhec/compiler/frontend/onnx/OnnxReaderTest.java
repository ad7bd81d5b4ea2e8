package dev.fhec.compiler.frontend.onnx;

import static dev.fhec.compiler.frontend.onnx.TestModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto.TensorProto;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding: external data, typed and raw tensors, damaged files. */
class OnnxReaderTest {
  @TempDir Path dir;

  private static TensorProto external(String name, int[] shape, String location, long offset) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(
                OnnxProto.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
            .addExternalData(
                OnnxProto.StringStringEntryProto.newBuilder()
                    .setKey("offset")
                    .setValue(Long.toString(offset)));
    for (int d : shape) {
      t.addDims(d);
    }
    return t.build();
  }

  private Path write(TensorProto w) throws Exception {
    byte[] m =
        TestModels.model(
            new int[] {1, 2},
            List.of(node("MatMul", "mm", List.of("x", "w"), List.of("y"))),
            List.of(w));
    Path p = dir.resolve("m.onnx");
    Files.write(p, m);
    return p;
  }

  @Test
  void readsExternalDataAtItsOffset() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(8 + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putDouble(0); // 8 bytes of padding before the tensor
    for (float f : new float[] {1.5f, -2f, 0.25f, 8f}) {
      b.putFloat(f);
    }
    Files.write(dir.resolve("w.bin"), b.array());
    OnnxModel m = OnnxReader.read(write(external("w", new int[] {2, 2}, "w.bin", 8)));
    Tensor w = m.initializers().get("w");
    assertArrayEquals(new int[] {2, 2}, w.shape());
    assertArrayEquals(new double[] {1.5, -2, 0.25, 8}, ((Tensor.Floats) w).data(), 0);
  }

  @Test
  void missingOrEscapingExternalDataIsALocatedError() throws Exception {
    CompileException missing =
        assertThrows(
            CompileException.class,
            () -> OnnxReader.read(write(external("w", new int[] {2, 2}, "nope.bin", 0))));
    assertEquals(
        new Location.OnnxNode(dir.resolve("m.onnx").toString(), "w", "initializer"),
        missing.first().location());
    CompileException escaping =
        assertThrows(
            CompileException.class,
            () -> OnnxReader.read(write(external("w", new int[] {2, 2}, "../../etc/passwd", 0))));
    assertTrue(escaping.getMessage().contains("leaves the model"), escaping.getMessage());
  }

  @Test
  void rawDataOfTheWrongLengthNamesTheTensor() throws Exception {
    TensorProto bad =
        TensorProto.newBuilder()
            .setName("short_w")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(2)
            .addDims(2)
            .setRawData(ByteString.copyFrom(new byte[12]))
            .build();
    CompileException e = assertThrows(CompileException.class, () -> OnnxReader.read(write(bad)));
    assertTrue(e.getMessage().contains("short_w") && e.getMessage().contains("16"), e.getMessage());
  }

  @Test
  void typedInt64DataAndOpsetsAreDecoded() {
    byte[] m =
        TestModels.model(
            new int[] {2},
            List.of(node("Identity", "id", List.of("x"), List.of("y"))),
            List.of(TestModels.longs("k", new int[] {3}, 4, -5, 6)));
    OnnxModel model = OnnxReader.read(m, "m.onnx", null);
    assertArrayEquals(new long[] {4, -5, 6}, ((Tensor.Ints) model.initializers().get("k")).data());
    assertEquals(20L, model.opsets().get(""));
    assertEquals("x", model.inputs().get(0).name());
  }

  @Test
  void notAModelIsALocatedErrorNotAProtobufException() {
    byte[] garbage =
        "this is not a protobuf \u0000\u00ff"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    CompileException e =
        assertThrows(CompileException.class, () -> OnnxReader.read(garbage, "g.onnx", null));
    assertEquals("g.onnx", ((Location.OnnxNode) e.first().location()).file());
  }

  @Test
  void externalDataIsSizedByTheShapeAndBoundedBeforeAllocation() throws Exception {
    // a 1 GB sparse file named by a (2, 2) tensor: refused by length, never read into memory
    try (java.io.RandomAccessFile f =
        new java.io.RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
      f.setLength(1_000_000_000L);
    }
    CompileException big =
        assertThrows(
            CompileException.class,
            () -> OnnxReader.read(write(external("w", new int[] {2, 2}, "big.bin", 0))));
    assertTrue(big.getMessage().contains("its shape needs 16"), big.getMessage());
    // a tensor announcing 2^30 elements is refused before its data is looked at
    CompileException huge =
        assertThrows(
            CompileException.class,
            () ->
                OnnxReader.read(write(external("w", new int[] {1 << 15, 1 << 15}, "big.bin", 0))));
    assertTrue(huge.getMessage().contains("over the limit"), huge.getMessage());
    // and a symbolic link out of the model's folder is refused like '..'
    Path outside = Files.createTempFile("fhec-outside", ".bin");
    try {
      Files.write(outside, new byte[16]);
      Files.createSymbolicLink(dir.resolve("link.bin"), outside);
      CompileException link =
          assertThrows(
              CompileException.class,
              () -> OnnxReader.read(write(external("w", new int[] {2, 2}, "link.bin", 0))));
      assertTrue(link.getMessage().contains("symbolic link"), link.getMessage());
    } finally {
      Files.deleteIfExists(outside);
    }
  }
}
