package dev.fhec.compiler.frontend.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.frontend.onnx.internal.OnnxProto;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an ONNX model file into {@link OnnxModel}. This class and the generated {@code
 * internal.OnnxProto} are the only places that see protobuf: every protobuf failure becomes a
 * {@link CompileException} located at the model file (with the byte offset the parser reached) or
 * at the node or initializer whose data is bad.
 *
 * <p>External data (ONNX IR §"External Tensor Data"): a tensor with {@code data_location =
 * EXTERNAL} names a file relative to the model's directory, with optional {@code offset} and {@code
 * length}; the path may not escape that directory.
 */
final class OnnxReader {
  private static final String MODEL = "<model>";

  private final String file;
  private final Path baseDir;

  private OnnxReader(String file, Path baseDir) {
    this.file = file;
    this.baseDir = baseDir;
  }

  /** Reads {@code path}; external data is resolved next to it. */
  static OnnxModel read(Path path) {
    byte[] bytes;
    try {
      long size = Files.size(path);
      if (size > Integer.MAX_VALUE - 8) {
        // protobuf messages stop at 2 GiB; larger models keep their weights as external data
        throw new CompileException(
            Diagnostic.error(
                "the model file is "
                    + size
                    + " bytes, over the 2 GiB protobuf limit; save it with external data"
                    + " (onnx.save(..., save_as_external_data=True))",
                new Location.OnnxNode(path.toString(), MODEL, "ModelProto")));
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new CompileException(
          Diagnostic.error(
              "cannot read ONNX model: " + e.getMessage(),
              new Location.OnnxNode(path.toString(), MODEL, "ModelProto")));
    }
    Path dir = path.toAbsolutePath().getParent();
    return read(bytes, path.toString(), dir);
  }

  /** Decodes {@code bytes}; {@code baseDir} (may be null) resolves external data. */
  static OnnxModel read(byte[] bytes, String file, Path baseDir) {
    OnnxReader r = new OnnxReader(file, baseDir);
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    OnnxProto.ModelProto model;
    try {
      model = OnnxProto.ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw r.fileError(
          "malformed ONNX protobuf near byte offset "
              + in.getTotalBytesRead()
              + " of "
              + bytes.length
              + ": "
              + e.getMessage());
    } catch (IOException e) {
      throw r.fileError("cannot read ONNX protobuf: " + e.getMessage());
    }
    return r.decode(model);
  }

  private OnnxModel decode(OnnxProto.ModelProto model) {
    if (!model.hasGraph()) {
      throw fileError("the model has no graph (is this an ONNX model file?)");
    }
    Map<String, Long> opsets = new LinkedHashMap<>();
    for (OnnxProto.OperatorSetIdProto o : model.getOpsetImportList()) {
      opsets.put(o.getDomain().equals("ai.onnx") ? "" : o.getDomain(), o.getVersion());
    }
    if (!opsets.containsKey("")) {
      throw fileError("the model imports no default-domain opset (opset_import is empty)");
    }
    OnnxProto.GraphProto g = model.getGraph();
    Map<String, Tensor> inits = new LinkedHashMap<>();
    Map<String, Integer> initTypes = new LinkedHashMap<>();
    for (OnnxProto.TensorProto t : g.getInitializerList()) {
      Location where = new Location.OnnxNode(file, t.getName(), "initializer");
      inits.put(t.getName(), tensor(t, where));
      initTypes.put(t.getName(), t.getDataType());
    }
    List<OnnxNodeSpec> nodes = new ArrayList<>();
    int index = 0;
    for (OnnxProto.NodeProto n : g.getNodeList()) {
      String name = n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName();
      Location.OnnxNode where = new Location.OnnxNode(file, name, n.getOpType());
      Map<String, OnnxAttribute> attrs = new LinkedHashMap<>();
      for (OnnxProto.AttributeProto a : n.getAttributeList()) {
        attrs.put(a.getName(), attribute(a, where));
      }
      nodes.add(
          new OnnxNodeSpec(
              name,
              n.getOpType(),
              n.getDomain().equals("ai.onnx") ? "" : n.getDomain(),
              n.getInputList(),
              n.getOutputList(),
              attrs,
              where));
      index++;
    }
    List<OnnxModel.ValueSpec> inputs = new ArrayList<>();
    for (OnnxProto.ValueInfoProto v : g.getInputList()) {
      if (inits.containsKey(v.getName())) {
        continue; // IR < 4 lists initializers as inputs too
      }
      List<Integer> shape = new ArrayList<>();
      boolean isFloat = true;
      if (v.hasType() && v.getType().hasTensorType()) {
        OnnxProto.TypeProto.Tensor tt = v.getType().getTensorType();
        isFloat = isFloatType(tt.getElemType());
        for (OnnxProto.TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
          shape.add(d.hasDimValue() && d.getDimValue() > 0 ? (int) d.getDimValue() : -1);
        }
      }
      inputs.add(new OnnxModel.ValueSpec(v.getName(), shape, isFloat));
    }
    List<String> outputs = new ArrayList<>();
    for (OnnxProto.ValueInfoProto v : g.getOutputList()) {
      outputs.add(v.getName());
    }
    if (outputs.isEmpty()) {
      throw fileError("graph '" + g.getName() + "' declares no outputs");
    }
    return new OnnxModel(file, g.getName(), nodes, inits, initTypes, inputs, outputs, opsets);
  }

  private OnnxAttribute attribute(OnnxProto.AttributeProto a, Location where) {
    return switch (a.getType()) {
      case INT -> new OnnxAttribute.IntValue(a.getI());
      case FLOAT -> new OnnxAttribute.FloatValue(a.getF());
      case INTS -> new OnnxAttribute.IntList(a.getIntsList());
      case FLOATS -> {
        List<Double> l = new ArrayList<>();
        for (float f : a.getFloatsList()) {
          l.add((double) f);
        }
        yield new OnnxAttribute.FloatList(l);
      }
      case STRING -> new OnnxAttribute.StringValue(a.getS().toStringUtf8());
      case TENSOR -> new OnnxAttribute.TensorValue(tensor(a.getT(), where), a.getT().getDataType());
      default -> new OnnxAttribute.Unsupported(a.getType().name());
    };
  }

  static boolean isFloatType(int elemType) {
    return elemType == OnnxProto.TensorProto.DataType.FLOAT_VALUE
        || elemType == OnnxProto.TensorProto.DataType.DOUBLE_VALUE
        || elemType == OnnxProto.TensorProto.DataType.FLOAT16_VALUE
        || elemType == OnnxProto.TensorProto.DataType.BFLOAT16_VALUE;
  }

  /** Converts a TensorProto (raw, typed or external data) to an IR tensor. */
  private Tensor tensor(OnnxProto.TensorProto t, Location where) {
    int[] shape = new int[t.getDimsCount()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = t.getDims(i);
      if (d < 1 || d > Integer.MAX_VALUE) {
        throw error("tensor '" + t.getName() + "' has unsupported dimension " + d, where);
      }
      shape[i] = (int) d;
      count *= d;
      if (count > Integer.MAX_VALUE) {
        throw error("tensor '" + t.getName() + "' is too large (" + count + " elements)", where);
      }
    }
    if (count > dev.fhec.runtime.io.npy.Npy.maxElements()) {
      throw error(
          "tensor '"
              + t.getName()
              + "' has "
              + count
              + " elements, over the limit of "
              + dev.fhec.runtime.io.npy.Npy.maxElements()
              + " (raise it with -Dfhec.npy.maxElements=N)",
          where);
    }
    int n = (int) count;
    int dt = t.getDataType();
    ByteString raw = t.getRawData();
    if (t.getDataLocation() == OnnxProto.TensorProto.DataLocation.EXTERNAL) {
      raw = external(t, where, count * elementBytes(dt, t.getName(), where));
    }
    try {
      if (!raw.isEmpty()) {
        return fromRaw(t.getName(), dt, shape, n, raw.asReadOnlyByteBuffer(), where);
      }
      return fromTyped(t, dt, shape, n, where);
    } catch (IllegalArgumentException e) {
      throw error("tensor '" + t.getName() + "': " + e.getMessage(), where);
    }
  }

  private Tensor fromRaw(String name, int dt, int[] shape, int n, ByteBuffer b, Location where) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    int width = elementBytes(dt, name, where);
    if ((long) b.remaining() != (long) n * width) {
      throw error(
          "tensor '"
              + name
              + "' holds "
              + b.remaining()
              + " bytes of data, its shape needs "
              + ((long) n * width),
          where);
    }
    if (dt == OnnxProto.TensorProto.DataType.FLOAT_VALUE
        || dt == OnnxProto.TensorProto.DataType.DOUBLE_VALUE
        || dt == OnnxProto.TensorProto.DataType.FLOAT16_VALUE) {
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] =
            switch (width) {
              case 4 -> b.getFloat();
              case 8 -> b.getDouble();
              default -> Float.float16ToFloat(b.getShort());
            };
      }
      return new Tensor.Floats(shape, d);
    }
    long[] v = new long[n];
    boolean unsigned =
        dt == OnnxProto.TensorProto.DataType.UINT8_VALUE
            || dt == OnnxProto.TensorProto.DataType.UINT16_VALUE
            || dt == OnnxProto.TensorProto.DataType.UINT32_VALUE
            || dt == OnnxProto.TensorProto.DataType.BOOL_VALUE;
    for (int i = 0; i < n; i++) {
      v[i] =
          switch (width) {
            case 1 -> unsigned ? Byte.toUnsignedLong(b.get()) : b.get();
            case 2 -> unsigned ? Short.toUnsignedLong(b.getShort()) : b.getShort();
            case 4 -> unsigned ? Integer.toUnsignedLong(b.getInt()) : b.getInt();
            default -> b.getLong();
          };
    }
    return new Tensor.Ints(shape, v);
  }

  private Tensor fromTyped(OnnxProto.TensorProto t, int dt, int[] shape, int n, Location where) {
    String name = t.getName();
    switch (OnnxProto.TensorProto.DataType.forNumber(dt)) {
      case FLOAT -> {
        checkCount(name, t.getFloatDataCount(), n, where);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
          d[i] = t.getFloatData(i);
        }
        return new Tensor.Floats(shape, d);
      }
      case DOUBLE -> {
        checkCount(name, t.getDoubleDataCount(), n, where);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
          d[i] = t.getDoubleData(i);
        }
        return new Tensor.Floats(shape, d);
      }
      case INT64 -> {
        checkCount(name, t.getInt64DataCount(), n, where);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = t.getInt64Data(i);
        }
        return new Tensor.Ints(shape, v);
      }
      case INT32, INT16, INT8, UINT8, UINT16, BOOL -> {
        checkCount(name, t.getInt32DataCount(), n, where);
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = t.getInt32Data(i);
        }
        return new Tensor.Ints(shape, v);
      }
      case null, default ->
          throw error(
              "tensor '" + name + "' has unsupported element type " + dataTypeName(dt), where);
    }
  }

  private void checkCount(String name, int have, int need, Location where) {
    if (have != need) {
      throw error(
          "tensor '" + name + "' holds " + have + " values, its shape needs " + need, where);
    }
  }

  private int elementBytes(int dt, String name, Location where) {
    return switch (OnnxProto.TensorProto.DataType.forNumber(dt)) {
      case FLOAT, INT32, UINT32 -> 4;
      case DOUBLE, INT64 -> 8;
      case INT8, UINT8, BOOL -> 1;
      case INT16, UINT16, FLOAT16 -> 2;
      case null, default ->
          throw error(
              "tensor '" + name + "' has unsupported element type " + dataTypeName(dt), where);
    };
  }

  static String dataTypeName(int dt) {
    OnnxProto.TensorProto.DataType t = OnnxProto.TensorProto.DataType.forNumber(dt);
    return t == null ? "#" + dt : t.name();
  }

  /** The external bytes of {@code t}, which must be exactly {@code expected} long. */
  private ByteString external(OnnxProto.TensorProto t, Location where, long expected) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (OnnxProto.StringStringEntryProto e : t.getExternalDataList()) {
      try {
        switch (e.getKey()) {
          case "location" -> location = e.getValue();
          case "offset" -> offset = Long.parseLong(e.getValue());
          case "length" -> length = Long.parseLong(e.getValue());
          default -> {
            /* checksum and others: not needed */
          }
        }
      } catch (NumberFormatException x) {
        throw error(
            "tensor '" + t.getName() + "': external data " + e.getKey() + " is not a number",
            where);
      }
    }
    if (location == null || baseDir == null) {
      throw error(
          "tensor '" + t.getName() + "' has external data but no location next to a model file",
          where);
    }
    Path p;
    try {
      p = dev.fhec.compiler.frontend.ModelFiles.resolveInside(baseDir, location);
    } catch (dev.fhec.compiler.frontend.ModelFiles.EscapeException e) {
      throw error("tensor '" + t.getName() + "': external data " + e.getMessage(), where);
    }
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      long size = f.length();
      long len = length < 0 ? size - offset : length;
      if (offset < 0 || len < 0 || offset + len > size || len > Integer.MAX_VALUE) {
        throw error(
            "tensor '"
                + t.getName()
                + "': external data ["
                + offset
                + ", +"
                + len
                + ") lies outside '"
                + location
                + "' ("
                + size
                + " bytes)",
            where);
      }
      if (len != expected) {
        // checked before allocating: the declared shape, not the file, sizes the buffer
        throw error(
            "tensor '"
                + t.getName()
                + "': external data holds "
                + len
                + " bytes, its shape needs "
                + expected,
            where);
      }
      byte[] buf = new byte[(int) len];
      f.seek(offset);
      f.readFully(buf);
      return ByteString.copyFrom(buf);
    } catch (IOException e) {
      throw error(
          "tensor '"
              + t.getName()
              + "': cannot read external data '"
              + location
              + "': "
              + e.getMessage(),
          where);
    }
  }

  private CompileException fileError(String message) {
    return error(message, new Location.OnnxNode(file, MODEL, "ModelProto"));
  }

  private static CompileException error(String message, Location where) {
    return new CompileException(Diagnostic.error(message, where));
  }
}
