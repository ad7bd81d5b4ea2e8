package dev.fhec.grammar.internal;

import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.FailedPredicateException;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's default recovery (single-token insertion/deletion, then resynchronisation) with messages
 * in the user's terms: what was found and what was expected, e.g. "expected ':' but found end of
 * line" or "unexpected indent", instead of token type names.
 */
final class FhePyErrorStrategy extends DefaultErrorStrategy {
  @Override
  protected void reportNoViableAlternative(Parser recognizer, NoViableAltException e) {
    Token t = e.getOffendingToken();
    report(recognizer, t, unexpected(t, e.getExpectedTokens()), e);
  }

  @Override
  protected void reportInputMismatch(Parser recognizer, InputMismatchException e) {
    Token t = e.getOffendingToken();
    report(recognizer, t, mismatch(t, e.getExpectedTokens()), e);
  }

  @Override
  protected void reportFailedPredicate(Parser recognizer, FailedPredicateException e) {
    Token t = e.getOffendingToken();
    report(recognizer, t, "unexpected " + TokenDescriptions.found(t), e);
  }

  @Override
  protected void reportUnwantedToken(Parser recognizer) {
    if (inErrorRecoveryMode(recognizer)) {
      return;
    }
    beginErrorCondition(recognizer);
    Token t = recognizer.getCurrentToken();
    report(recognizer, t, unexpected(t, getExpectedTokens(recognizer)), null);
  }

  @Override
  protected void reportMissingToken(Parser recognizer) {
    if (inErrorRecoveryMode(recognizer)) {
      return;
    }
    beginErrorCondition(recognizer);
    Token t = recognizer.getCurrentToken();
    report(recognizer, t, mismatch(t, getExpectedTokens(recognizer)), null);
  }

  private static void report(
      Parser recognizer, Token t, String message, org.antlr.v4.runtime.RecognitionException e) {
    recognizer.notifyErrorListeners(t, message, e);
  }

  private static String unexpected(Token t, IntervalSet expected) {
    if (t.getType() == FhePyGrammarParser.INDENT) {
      return "unexpected indent";
    }
    if (expected != null && expected.contains(FhePyGrammarParser.INDENT) && expected.size() == 1) {
      return "expected an indented block";
    }
    String what = "unexpected " + TokenDescriptions.found(t);
    if (expected == null || expected.isNil()) {
      return what;
    }
    return what + "; expected " + TokenDescriptions.expectedSet(expected);
  }

  private static String mismatch(Token t, IntervalSet expected) {
    if (t.getType() == FhePyGrammarParser.INDENT) {
      return "unexpected indent";
    }
    if (expected != null && expected.size() == 1 && expected.contains(FhePyGrammarParser.INDENT)) {
      return "expected an indented block";
    }
    if (expected == null || expected.isNil()) {
      return "unexpected " + TokenDescriptions.found(t);
    }
    return "expected "
        + TokenDescriptions.expectedSet(expected)
        + " but found "
        + TokenDescriptions.found(t);
  }
}
