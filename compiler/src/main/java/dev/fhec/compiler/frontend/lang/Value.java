package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.ir.Tensor;
import dev.fhec.grammar.ast.Span;
import dev.fhec.grammar.ast.Stmt;
import java.util.List;
import java.util.Map;

/**
 * What an expression evaluates to while the frontend runs the program symbolically: Python values
 * known at compile time (numbers, tuples, ranges, modules, functions, loaded arrays) or an IR node
 * computed at run time ({@link Traced}). Shapes, axes, loop bounds and helper calls are resolved
 * here, so the IR only contains tensor operations.
 */
sealed interface Value {
  /** A Python int (also a bool's integer value in arithmetic). */
  record Int(long value) implements Value {}

  /** A Python float. */
  record Float(double value) implements Value {}

  /** True or False. */
  record Bool(boolean value) implements Value {}

  /** None (numpy's newaxis in subscripts, "all axes" in reductions). */
  record None() implements Value {}

  /** A string (file names, npz keys). */
  record Str(String value) implements Value {}

  /** A tuple. */
  record Tuple(List<Value> items) implements Value {
    public Tuple {
      items = List.copyOf(items);
    }
  }

  /** A list (arguments of np.concatenate, ...). */
  record PyList(List<Value> items) implements Value {
    public PyList {
      items = List.copyOf(items);
    }
  }

  /** {@code range(start, stop, step)} with constant bounds. */
  record Range(long start, long stop, long step) implements Value {
    long length() {
      if (step > 0) {
        return start >= stop ? 0 : (stop - start + step - 1) / step;
      }
      return start <= stop ? 0 : (start - stop - step - 1) / -step;
    }
  }

  /** A clear array known at compile time (loaded or built with np.ones, ...), not yet a node. */
  record Array(Tensor tensor) implements Value {}

  /** An IR node: a tensor computed when the circuit runs. */
  record Traced(int node) implements Value {}

  /** The numpy module. */
  record NumpyModule() implements Value {}

  /** A numpy function, as {@code np.exp} or after {@code from numpy import exp}. */
  record NumpyFunction(String name) implements Value {}

  /** A numpy dtype ({@code np.int64}, {@code int}, {@code float}, ...). */
  record DType(boolean isFloat, String name) implements Value {}

  /** A built-in function ({@code range}, {@code len}, {@code int}, ...). */
  record Builtin(String name) implements Value {}

  /** A user function; it is inlined at every call. */
  record Function(Stmt.FunctionDef def, Scope closure) implements Value {}

  /** An opened {@code .npz} file: arrays by key. */
  record NpzFile(String path, Map<String, Tensor> arrays) implements Value {
    public NpzFile {
      arrays = Map.copyOf(arrays);
    }
  }

  /** A method looked up on a value ({@code x.reshape}), awaiting its call. */
  record BoundMethod(Value self, String name, Span span) implements Value {}

  /** A short description for error messages ("an encrypted tensor", "a tuple", ...). */
  static String describe(Value v) {
    return switch (v) {
      case Int i -> "the int " + i.value();
      case Float f -> "the float " + f.value();
      case Bool b -> b.value() ? "True" : "False";
      case None n -> "None";
      case Str s -> "the string '" + s.value() + "'";
      case Tuple t -> "a tuple of " + t.items().size();
      case PyList l -> "a list of " + l.items().size();
      case Range r -> "a range";
      case Array a -> "a constant array of shape " + java.util.Arrays.toString(a.tensor().shape());
      case Traced t -> "the tensor %" + t.node();
      case NumpyModule m -> "the numpy module";
      case NumpyFunction f -> "the function np." + f.name();
      case DType d -> "the dtype " + d.name();
      case Builtin b -> "the built-in " + b.name();
      case Function f -> "the function " + f.def().name();
      case NpzFile z -> "the npz file " + z.path();
      case BoundMethod m -> "the method ." + m.name();
    };
  }
}
