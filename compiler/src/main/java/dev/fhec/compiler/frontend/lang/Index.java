package dev.fhec.compiler.frontend.lang;

import dev.fhec.grammar.ast.Span;

/** One evaluated subscript component of {@code x[...]}. */
sealed interface Index {
  Span span();

  /** An integer index (negative counts from the end); drops the axis. */
  record At(long index, Span span) implements Index {}

  /** {@code start:stop:step}; null parts take Python's defaults. */
  record Range(Integer start, Integer stop, Integer step, Span span) implements Index {
    boolean isFull() {
      return start == null && stop == null && (step == null || step == 1);
    }
  }

  /** {@code None} / {@code np.newaxis}: inserts an axis of length 1. */
  record NewAxis(Span span) implements Index {}

  /** {@code ...}: as many full slices as the axes not otherwise indexed. */
  record Ellipsis(Span span) implements Index {}

  /** A string key (npz files). */
  record Key(String key, Span span) implements Index {}
}
