package dev.fhec.compiler.frontend.lang;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.TensorType;
import dev.fhec.grammar.Diagnostic;
import dev.fhec.grammar.FhePyParser;
import dev.fhec.grammar.FhePySyntaxException;
import dev.fhec.grammar.SourceText;
import dev.fhec.grammar.ast.Module;
import dev.fhec.grammar.ast.Param;
import dev.fhec.grammar.ast.Span;
import dev.fhec.grammar.ast.Stmt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The language frontend: turns a FhePy source file into an IR {@link Program}.
 *
 * <p>The module is run symbolically. Module-level statements import numpy and load constants
 * ({@code W = np.load("w.npz")["W"]}); the entry function's annotated parameters become the
 * program's inputs; its body is traced: Python numbers, tuples, shapes and loop bounds are
 * evaluated at compile time, {@code for} loops over constant ranges are unrolled, helper functions
 * are inlined, and every tensor operation becomes an IR node located at its source span. Float
 * arithmetic is allowed; the compiler's fusing pass turns integer → float → integer chains into
 * table lookups.
 *
 * <p>Every error (syntax or semantic) is a {@link CompileException} whose message reads {@code
 * file:line:col: message}, then the source line and a caret line under the offending code.
 */
public final class LangFrontend {
  /** The {@code .fhe} file format; {@code np.load} reads arrays beside the model. */
  public static final dev.fhec.compiler.frontend.Frontend FILES =
      dev.fhec.compiler.frontend.Frontend.of(
          "fhe", "Python-like", m -> new LangFrontend(new NpyArrayFiles()).compileFile(m));

  private final ArrayFileReader reader;
  private final Optional<String> entry;

  /** A frontend reading constants with the runtime's {@code .npy}/{@code .npz} codec. */
  public LangFrontend() {
    this(new NpyArrayFiles());
  }

  /**
   * @param reader reads the {@code .npy}/{@code .npz} files that programs load
   */
  public LangFrontend(ArrayFileReader reader) {
    this(reader, Optional.empty());
  }

  private LangFrontend(ArrayFileReader reader, Optional<String> entry) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.entry = entry;
  }

  /** The same frontend compiling function {@code name} instead of the annotated one. */
  public LangFrontend withEntry(String name) {
    return new LangFrontend(reader, Optional.of(name));
  }

  /**
   * Compiles a file into a program for a circuit; constants are loaded relative to its directory.
   * The circuit format has no clear runtime inputs yet, so a {@code Clear[...]} parameter is
   * refused here, at the parameter, instead of failing later inside lowering.
   */
  public Program compileFile(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    String source = Files.readString(file);
    Program p = compile(source, file.toString(), dir);
    for (dev.fhec.compiler.ir.Node n : p.nodes()) {
      if (n.op() instanceof Op.Input in && !n.type().encrypted()) {
        throw rendered(
            List.of(
                dev.fhec.compiler.diag.Diagnostic.error(
                    "parameter '"
                        + in.name()
                        + "' is Clear[...]: circuits take only encrypted inputs for now; make it a"
                        + " module-level constant (a literal or np.load) or an Encrypted[...]"
                        + " parameter",
                    n.location())),
            SourceText.of(source));
      }
    }
    return p;
  }

  /**
   * Parses and compiles {@code source}.
   *
   * @param fileName name used in locations and messages
   * @param baseDir directory that {@code np.load} paths are relative to
   * @throws CompileException for syntax and semantic errors, each located and rendered
   */
  public Program compile(String source, String fileName, Path baseDir) {
    Module module;
    try {
      module = FhePyParser.parse(source, fileName);
    } catch (FhePySyntaxException e) {
      List<dev.fhec.compiler.diag.Diagnostic> diags = new ArrayList<>();
      for (Diagnostic d : e.diagnostics()) {
        diags.add(dev.fhec.compiler.diag.Diagnostic.error(d.message(), Tracer.location(d.span())));
      }
      throw new CompileException(diags, e.getMessage());
    }
    return compile(module, baseDir);
  }

  /** Compiles a parsed module. */
  public Program compile(Module module, Path baseDir) {
    SourceText text = SourceText.of(module.source());
    ProgramBuilder builder = new ProgramBuilder("main");
    try {
      return trace(module, baseDir, builder);
    } catch (CompileException e) {
      throw rendered(e.diagnostics(), text);
    } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
      // A value the IR records reject (e.g. a tensor too large): report it where tracing was.
      throw rendered(
          List.of(
              dev.fhec.compiler.diag.Diagnostic.error(
                  String.valueOf(e.getMessage()), builder.location())),
          text);
    }
  }

  private Program trace(Module module, Path baseDir, ProgramBuilder builder) {
    Tracer tracer = new Tracer(builder, new ConstantFiles(baseDir, reader));
    ExpressionEvaluator exprs = new ExpressionEvaluator(tracer);
    StatementExecutor stmts = new StatementExecutor(tracer, exprs);
    exprs.setStatements(stmts);
    Scope globals = new Scope(null);
    for (Stmt s : module.body()) {
      if (s instanceof Stmt.Return r) {
        throw Tracer.error(r.span(), "'return' outside a function");
      }
      stmts.run(List.of(s), globals);
    }
    Stmt.FunctionDef main = entryFunction(module);
    Scope local = new Scope(globals);
    int index = 0;
    for (Param p : main.params()) {
      Annotations.ParamType pt = Annotations.parse(p, exprs, globals);
      TensorType type =
          new TensorType(
              pt.shape(),
              new ElementType.IntType(pt.signed(), ElementType.UNASSIGNED),
              pt.encrypted());
      int id =
          tracer.at(p.span()).node(new Op.Input(index++, p.name()), type, Optional.of(pt.range()));
      local.set(p.name(), new Value.Traced(id));
    }
    Value result = stmts.run(main.body(), local).orElse(new Value.None());
    List<Value> outs = result instanceof Value.Tuple t ? t.items() : List.of(result);
    Span at = returnSpan(main);
    for (Value v : outs) {
      if (!Tracer.isTensorLike(v)) {
        throw Tracer.error(
            at,
            "the entry function must return tensors (one, or a tuple), not " + Value.describe(v));
      }
      builder.output(tracer.node(v, at));
    }
    Program p = builder.build();
    return new Program(main.name(), p.nodes(), p.outputs());
  }

  private static Span returnSpan(Stmt.FunctionDef f) {
    for (int i = f.body().size() - 1; i >= 0; i--) {
      if (f.body().get(i) instanceof Stmt.Return r) {
        return r.span();
      }
    }
    return f.span();
  }

  private Stmt.FunctionDef entryFunction(Module module) {
    List<Stmt.FunctionDef> all = new ArrayList<>();
    for (Stmt s : module.body()) {
      if (s instanceof Stmt.FunctionDef d) {
        all.add(d);
      }
    }
    Span fileStart = new Span(module.file(), 1, 1, 1, 2);
    if (entry.isPresent()) {
      return all.stream()
          .filter(d -> d.name().equals(entry.get()))
          .reduce((a, b) -> b)
          .orElseThrow(
              () ->
                  Tracer.error(
                      fileStart,
                      "no function '"
                          + entry.get()
                          + "' in "
                          + module.file()
                          + "; functions: "
                          + all.stream().map(Stmt.FunctionDef::name).toList()));
    }
    List<Stmt.FunctionDef> annotated =
        all.stream()
            .filter(
                d ->
                    !d.params().isEmpty()
                        && d.params().stream().allMatch(Annotations::isEntryAnnotation))
            .toList();
    if (annotated.isEmpty()) {
      throw Tracer.error(
          fileStart,
          "no entry function: annotate every parameter of the function to compile, e.g. "
              + "def f(x: Encrypted[int4, (6, 768)])");
    }
    if (annotated.size() > 1) {
      throw Tracer.error(
          annotated.get(1).span(),
          "several functions have annotated parameters ("
              + String.join(", ", annotated.stream().map(Stmt.FunctionDef::name).toList())
              + "); choose one with --entry");
    }
    return annotated.get(0);
  }

  /**
   * Renders diagnostics located in {@code source} (for example errors of later passes about nodes
   * that came from this file) as {@code file:line:col: message}, the source line and a caret line;
   * diagnostics located elsewhere keep their one-line form.
   */
  public static String render(List<dev.fhec.compiler.diag.Diagnostic> diags, String source) {
    return rendered(diags, SourceText.of(source)).getMessage();
  }

  private static CompileException rendered(
      List<dev.fhec.compiler.diag.Diagnostic> diags, SourceText text) {
    StringBuilder sb = new StringBuilder();
    for (dev.fhec.compiler.diag.Diagnostic d : diags) {
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      if (d.location() instanceof Location.Source s) {
        Span span =
            new Span(s.file(), s.line(), s.column(), s.endLine(), Math.max(s.endColumn(), 1));
        sb.append(new Diagnostic(span, d.message()).render(text));
      } else {
        sb.append(d);
      }
    }
    return new CompileException(diags, sb.toString());
  }
}
