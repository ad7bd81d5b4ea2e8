package dev.fhec.grammar.internal;

import dev.fhec.grammar.FhePySyntaxException;
import dev.fhec.grammar.SourceText;
import dev.fhec.grammar.ast.Module;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.atn.PredictionMode;
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
    try {
      FhePyGrammarParser.File_inputContext tree = twoStageParse(parser, tokens, errors);
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

  /**
   * The two-stage strategy recommended for ANTLR 4 (Parr, Harwell and Fisher, "Adaptive LL(*)
   * Parsing", OOPSLA 2014, section 3.2): fast SLL prediction that bails at the first problem, then,
   * only if it failed, full LL prediction with error reporting and recovery.
   */
  private static FhePyGrammarParser.File_inputContext twoStageParse(
      FhePyGrammarParser parser, CommonTokenStream tokens, ErrorCollector errors) {
    parser.removeErrorListeners();
    parser.setErrorHandler(new BailErrorStrategy());
    parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
    try {
      return parser.file_input();
    } catch (ParseCancellationException e) {
      tokens.seek(0);
      parser.reset();
      parser.addErrorListener(errors);
      parser.setErrorHandler(new FhePyErrorStrategy());
      parser.getInterpreter().setPredictionMode(PredictionMode.LL);
      return parser.file_input();
    }
  }
}
