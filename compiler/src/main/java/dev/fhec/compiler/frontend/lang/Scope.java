package dev.fhec.compiler.frontend.lang;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Variables of one function activation (or of the module), with the enclosing scope. */
final class Scope {
  private final Scope parent;
  private final Map<String, Value> vars = new HashMap<>();

  Scope(Scope parent) {
    this.parent = parent;
  }

  Optional<Value> lookup(String name) {
    for (Scope s = this; s != null; s = s.parent) {
      Value v = s.vars.get(name);
      if (v != null) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  void set(String name, Value value) {
    vars.put(name, value);
  }

  /** Every visible name, innermost first (for "did you mean" suggestions). */
  Set<String> names() {
    Set<String> out = new LinkedHashSet<>();
    for (Scope s = this; s != null; s = s.parent) {
      out.addAll(s.vars.keySet());
    }
    return out;
  }
}
