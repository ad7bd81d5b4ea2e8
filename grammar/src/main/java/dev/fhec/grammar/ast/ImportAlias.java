package dev.fhec.grammar.ast;

import java.util.Optional;

/** {@code name [as alias]} in a {@code from ... import} statement. */
public record ImportAlias(String name, Optional<String> alias, Span span) {}
