package dev.fhec.compiler.ir;

/** Where a node came from, so diagnostics can point at the user's source. */
public sealed interface Location {
  /** A span in a language source file (1-based line and column). */
  record Source(String file, int line, int column, int endLine, int endColumn) implements Location {
    @Override
    public String toString() {
      return file + ":" + line + ":" + column;
    }
  }

  /** An ONNX node, by name and op type. */
  record OnnxNode(String file, String nodeName, String opType) implements Location {
    @Override
    public String toString() {
      return file + ": node '" + nodeName + "' (" + opType + ")";
    }
  }

  /** A JSON graph element, by RFC 6901 pointer. */
  record Json(String file, String pointer) implements Location {
    @Override
    public String toString() {
      return file + "#" + pointer;
    }
  }

  /** Created by a pass, derived from another location. */
  record Derived(String pass, Location from) implements Location {
    @Override
    public String toString() {
      return from + " (via " + pass + ")";
    }
  }

  /** No known origin. */
  record Unknown() implements Location {
    @Override
    public String toString() {
      return "<unknown>";
    }
  }

  Location UNKNOWN = new Unknown();
}
