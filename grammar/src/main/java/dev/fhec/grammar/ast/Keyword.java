package dev.fhec.grammar.ast;

/** A keyword argument {@code name=value} of a call. */
public record Keyword(String name, Expr value, Span span) {}
