package dev.fhec.grammar.ast;

import java.util.Optional;

/**
 * A function parameter {@code name[: annotation][= default]}. Entry functions annotate every
 * parameter ({@code Encrypted[int4, (6, 768)]}); helpers usually do not.
 */
public record Param(
    String name, Optional<Expr> annotation, Optional<Expr> defaultValue, Span span) {}
