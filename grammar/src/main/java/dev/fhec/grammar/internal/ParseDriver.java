package dev.fhec.grammar.internal;

import dev.fhec.grammar.FhePySyntaxException;
import dev.fhec.grammar.SourceText;
import dev.fhec.grammar.ast.Module;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Runs lexer, layout, parser and AST builders. Internal: call {@link dev.fhec.grammar.FhePyParser}.
 * Public only because the public facade lives in another package.
 */
public final class ParseDriver {
  private ParseDriver() {}

  /** See {@link dev.fhec.grammar.FhePyParser#parse}. */
  public static Module parse(String source, String fileName, int maxErrors) {
    ErrorCollector errors = new ErrorCollector(fileName, maxErrors);
    SourceText text = SourceText.of(source);
    FhePyGrammarLexer lexer = new FhePyGrammarLexer(CharStreams.fromString(source, fileName));
    lexer.removeErrorListeners();
    lexer.addErrorListener(errors);
    CommonTokenStream tokens = new CommonTokenStream(new IndentingTokenSource(lexer, errors));
    FhePyGrammarParser parser = new FhePyGrammarParser(tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(errors);
    parser.setErrorHandler(new FhePyErrorStrategy());
    try {
      FhePyGrammarParser.File_inputContext tree = parser.file_input();
      if (errors.isEmpty()) {
        Module module =
            new DeclarationBuilder(new Spans(fileName, tokens), errors)
                .module(fileName, source, tree);
        if (errors.isEmpty()) {
          return module;
        }
      }
    } catch (ErrorCollector.TooManyErrors e) {
      // the bound was reached; report what was collected
    } catch (StackOverflowError | ParseCancellationException e) {
      errors.add(1, 0, 1, "the source is nested too deeply to parse");
    }
    throw new FhePySyntaxException(errors.sorted(), text);
  }
}
