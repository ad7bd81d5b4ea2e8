package dev.fhec.compiler.frontend.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.io.npy.NpyArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/** Turns constant data (nested JSON lists or a numpy array) into an IR {@link Tensor}. */
final class ConstantData {
  private static final int MAX_ELEMENTS = 1 << 26;

  private ConstantData() {}

  static Tensor fromJson(
      JsonNode data,
      Optional<int[]> declared,
      Optional<String> dtype,
      String ptr,
      BiFunction<String, String, CompileException> error) {
    List<Integer> nested = new ArrayList<>();
    List<JsonNode> flat = new ArrayList<>();
    List<String> pointers = new ArrayList<>();
    flatten(data, ptr, 0, nested, flat, pointers, error);
    int[] shape = nested.stream().mapToInt(Integer::intValue).toArray();
    if (declared.isPresent() && !Arrays.equals(declared.get(), shape)) {
      long declaredSize = 1;
      for (int d : declared.get()) {
        declaredSize *= d;
      }
      if (shape.length != 1 || declaredSize != flat.size()) {
        throw error.apply(
            ptr,
            "expected data of shape "
                + Arrays.toString(declared.get())
                + " (nested, or flat with "
                + declaredSize
                + " numbers), found shape "
                + Arrays.toString(shape));
      }
      shape = declared.get();
    }
    for (int d : shape) {
      if (d < 1) {
        throw error.apply(ptr, "empty arrays are not supported");
      }
    }
    boolean allIntegral = flat.stream().allMatch(JsonNode::isIntegralNumber);
    boolean asInt = dtype.map(d -> d.equals("int")).orElse(allIntegral);
    if (asInt) {
      long[] out = new long[flat.size()];
      for (int i = 0; i < out.length; i++) {
        JsonNode v = flat.get(i);
        double d = v.asDouble();
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          out[i] = v.asLong();
        } else if (!v.isIntegralNumber() && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
          out[i] = (long) d;
        } else {
          throw error.apply(pointers.get(i), "expected an integer (dtype \"int\"), found " + v);
        }
      }
      return new Tensor.Ints(shape, out);
    }
    double[] out = new double[flat.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = flat.get(i).asDouble();
    }
    return new Tensor.Floats(shape, out);
  }

  /** Collects the numbers of a rectangular nested list, recording the shape on the first path. */
  private static void flatten(
      JsonNode n,
      String ptr,
      int depth,
      List<Integer> shape,
      List<JsonNode> out,
      List<String> pointers,
      BiFunction<String, String, CompileException> error) {
    if (n.isNumber()) {
      if (depth != shape.size() && !(depth == 0 && shape.isEmpty())) {
        throw error.apply(ptr, "ragged data: expected a list of " + shape.get(depth) + " here");
      }
      if (depth < shape.size()) {
        throw error.apply(ptr, "ragged data: expected a list here");
      }
      if (out.size() >= MAX_ELEMENTS) {
        throw error.apply(ptr, "more than " + MAX_ELEMENTS + " inline values; use a .npy file");
      }
      out.add(n);
      pointers.add(ptr);
      return;
    }
    if (!n.isArray()) {
      throw error.apply(ptr, "expected a number or a list, found " + JsonGraphFrontend.kind(n));
    }
    if (depth == shape.size() && out.isEmpty()) {
      shape.add(n.size());
    } else if (depth >= shape.size() || shape.get(depth) != n.size()) {
      throw error.apply(
          ptr,
          "ragged data: expected "
              + (depth < shape.size() ? shape.get(depth) + " elements" : "a number")
              + " here, found a list of "
              + n.size());
    }
    for (int i = 0; i < n.size(); i++) {
      flatten(n.get(i), ptr + "/" + i, depth + 1, shape, out, pointers, error);
    }
  }

  static Tensor fromNpy(
      NpyArray a,
      Optional<String> dtype,
      String ptr,
      BiFunction<String, String, CompileException> error) {
    for (int d : a.shape()) {
      if (d < 1) {
        throw error.apply(
            ptr, "empty arrays are not supported, shape " + Arrays.toString(a.shape()));
      }
    }
    return switch (a) {
      case NpyArray.Ints in -> {
        if (dtype.orElse("int").equals("int")) {
          yield new Tensor.Ints(in.shape(), in.data());
        }
        yield new Tensor.Floats(in.shape(), Arrays.stream(in.data()).asDoubleStream().toArray());
      }
      case NpyArray.Floats f -> {
        if (dtype.orElse("float").equals("float")) {
          yield new Tensor.Floats(f.shape(), f.data());
        }
        double[] d = f.data();
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
          if (d[i] != Math.rint(d[i]) || Math.abs(d[i]) >= 0x1p63) {
            throw error.apply(ptr, "dtype \"int\" but element " + i + " is " + d[i]);
          }
          out[i] = (long) d[i];
        }
        yield new Tensor.Ints(f.shape(), out);
      }
    };
  }
}
