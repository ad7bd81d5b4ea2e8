package dev.fhec.compiler.frontend.onnx;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.eval.ReferenceEvaluator;
import dev.fhec.compiler.ir.ElementType;
import dev.fhec.compiler.ir.Location;
import dev.fhec.compiler.ir.Node;
import dev.fhec.compiler.ir.Op;
import dev.fhec.compiler.ir.Ops;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.ProgramBuilder;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.compiler.quant.PostTrainingQuantizer;
import dev.fhec.compiler.quant.QuantizationOptions;
import dev.fhec.compiler.quant.QuantizedProgram;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX frontend: reads an {@code .onnx} model (external data included), lowers every node
 * through the operator table {@link OnnxOps#TABLE} into a float IR program, folds everything that
 * depends only on constants (shape subgraphs such as Shape → Gather → Unsqueeze → Concat →
 * Reshape), and optionally quantizes the float program post-training with a calibration inputset.
 *
 * <pre>{@code
 * QuantizedProgram q = OnnxFrontend.importQuantized(
 *     Path.of("model.onnx"), Path.of("inputset.npz"), QuantizationOptions.ofBits(8));
 * q.program();          // integer IR, ready for the passes
 * q.inputScales();      // client: q_x = rint(x / scale)
 * q.outputScales();     // client: y ≈ q_y · scale
 * }</pre>
 *
 * <p>Protobuf types never leave this package; every failure is a located {@link CompileException}.
 */
public final class OnnxFrontend {
  /** The {@code .onnx} format: float graphs, quantized post-training on their inputset. */
  public static final dev.fhec.compiler.frontend.Frontend.Quantizing FILES =
      new dev.fhec.compiler.frontend.Frontend.Quantizing() {
        @Override
        public String extension() {
          return "onnx";
        }

        @Override
        public String format() {
          return "ONNX";
        }

        @Override
        public Program load(Path model) {
          return importFloat(model).program();
        }

        @Override
        public QuantizedProgram quantize(Path model, Path inputset, int bits) {
          return importQuantized(model, inputset, QuantizationOptions.ofBits(bits));
        }

        @Override
        public List<List<Tensor>> floatSamples(Path inputset, Program program) {
          return readInputset(inputset, program);
        }
      };

  private OnnxFrontend() {}

  /**
   * A model lowered to float IR.
   *
   * @param program the float program: float encrypted inputs, float outputs
   * @param qdqScales node id → scale for values produced by a DequantizeLinear (already on a
   *     quantization grid, so quantization reuses that scale instead of calibrating it)
   */
  public record FloatModel(Program program, Map<Integer, Double> qdqScales) {
    public FloatModel {
      qdqScales = Map.copyOf(qdqScales);
    }
  }

  /** The supported ONNX operator types, sorted. */
  public static Set<String> supportedOps() {
    return OnnxOps.TABLE.keySet();
  }

  /** The operator version each supported op follows, e.g. {@code Relu -> Relu-14}. */
  public static Map<String, String> operatorVersions() {
    Map<String, String> m = new LinkedHashMap<>();
    OnnxOps.TABLE.forEach((k, v) -> m.put(k, v.version()));
    return m;
  }

  /** Reads and lowers {@code model} to float IR. */
  public static FloatModel importFloat(Path model) {
    return lower(OnnxReader.read(model));
  }

  /** Decodes and lowers a model held in memory (external data is not available). */
  public static FloatModel importFloat(byte[] model, String fileName) {
    return lower(OnnxReader.read(model, fileName, null));
  }

  /**
   * Reads {@code model}, calibrates with the arrays of {@code inputsetNpz} (one array per model
   * input, by input name or in order, first axis = samples) and quantizes post-training.
   */
  public static QuantizedProgram importQuantized(
      Path model, Path inputsetNpz, QuantizationOptions options) {
    FloatModel f = importFloat(model);
    return PostTrainingQuantizer.quantize(
        f.program(), readInputset(inputsetNpz, f.program()), f.qdqScales(), options);
  }

  /**
   * The samples of an {@code .npz} inputset for {@code program}'s inputs: array named like the
   * input (or the i-th array), whose first axis indexes samples; each sample must have the input's
   * shape.
   */
  public static List<List<Tensor>> readInputset(Path npz, Program program) {
    Location where = new Location.OnnxNode(npz.toString(), "<inputset>", "npz");
    Map<String, NpyArray> arrays;
    try {
      arrays = Npz.read(npz);
    } catch (IOException e) {
      throw new CompileException(
          Diagnostic.error("cannot read inputset: " + e.getMessage(), where));
    }
    List<NpyArray> perInput = new ArrayList<>();
    List<Node> inputs = program.inputs();
    List<NpyArray> ordered = new ArrayList<>(arrays.values());
    for (int i = 0; i < inputs.size(); i++) {
      String name = ((Op.Input) inputs.get(i).op()).name();
      NpyArray a = arrays.get(name);
      if (a == null && i < ordered.size()) {
        a = ordered.get(i);
      }
      if (a == null) {
        throw new CompileException(
            Diagnostic.error("inputset has no array for input '" + name + "'", where));
      }
      perInput.add(a);
    }
    int samples = -1;
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      NpyArray a = perInput.get(i);
      int[] want = inputs.get(i).type().shape();
      int[] s = a.shape();
      int per = a.size() / Math.max(1, s.length == 0 ? 1 : s[0]);
      if (s.length != want.length + 1 || !Arrays.equals(Arrays.copyOfRange(s, 1, s.length), want)) {
        throw new CompileException(
            Diagnostic.error(
                "inputset array for input "
                    + i
                    + " has shape "
                    + Arrays.toString(s)
                    + ", expected (samples, "
                    + Arrays.toString(want).replaceAll("[\\[\\]]", "")
                    + ")",
                where));
      }
      if (samples >= 0 && samples != s[0]) {
        throw new CompileException(
            Diagnostic.error("inputset arrays disagree on the number of samples", where));
      }
      samples = s[0];
      for (int k = 0; k < samples; k++) {
        if (out.size() <= k) {
          out.add(new ArrayList<>());
        }
        double[] d = new double[per];
        for (int j = 0; j < per; j++) {
          d[j] =
              switch (a) {
                case NpyArray.Floats fa -> fa.data()[k * per + j];
                case NpyArray.Ints ia -> ia.data()[k * per + j];
              };
        }
        out.get(k).add(new Tensor.Floats(want, d));
      }
    }
    return out;
  }

  // ---- lowering ------------------------------------------------------------------------------

  static FloatModel lower(OnnxModel m) {
    ProgramBuilder b = new ProgramBuilder(m.graphName().isEmpty() ? "onnx" : m.graphName());
    Map<String, Integer> values = new HashMap<>();
    Map<Integer, Double> qdq = new HashMap<>();
    Map<String, Integer> dataTypes = new HashMap<>(m.initializerTypes());
    long opset = m.opsets().get("");
    for (OnnxModel.ValueSpec in : m.inputs()) {
      Location where = new Location.OnnxNode(m.file(), in.name(), "graph input");
      int[] shape = in.shape().stream().mapToInt(Integer::intValue).toArray();
      for (int d : shape) {
        if (d < 1) {
          throw new CompileException(
              Diagnostic.error(
                  "input '"
                      + in.name()
                      + "' has a symbolic or missing dimension in "
                      + in.shape()
                      + "; export the model with static input shapes",
                  where));
        }
      }
      ElementType e = in.isFloat() ? new ElementType.FloatType() : new ElementType.IntType(true, 0);
      values.put(in.name(), b.at(where).input(in.name(), shape, e, true));
    }
    for (OnnxNodeSpec n : m.nodes()) {
      b.at(n.location());
      OnnxOps.Entry entry = n.domain().isEmpty() ? OnnxOps.TABLE.get(n.opType()) : null;
      if (entry == null) {
        throw new CompileException(
            Diagnostic.error(
                "node '"
                    + n.name()
                    + "': unsupported operator "
                    + (n.domain().isEmpty() ? "" : n.domain() + ".")
                    + n.opType()
                    + "; supported: "
                    + String.join(", ", OnnxOps.TABLE.keySet()),
                n.location()));
      }
      if (opset < entry.minOpset()) {
        throw new CompileException(
            Diagnostic.error(
                "node '"
                    + n.name()
                    + "': the model imports opset "
                    + opset
                    + ", but the frontend implements "
                    + entry.version()
                    + " (opset >= "
                    + entry.minOpset()
                    + "); convert the model with onnx.version_converter",
                n.location()));
      }
      for (String attribute : new java.util.TreeSet<>(n.attributes().keySet())) {
        if (!entry.attributes().contains(attribute)) {
          throw new CompileException(
              Diagnostic.error(
                  "node '"
                      + n.name()
                      + "' ("
                      + n.opType()
                      + "): attribute '"
                      + attribute
                      + "' is not supported by the frontend's "
                      + entry.version()
                      + (entry.attributes().isEmpty()
                          ? ", which takes no attributes"
                          : " (it reads " + new java.util.TreeSet<>(entry.attributes()) + ")"),
                  n.location()));
        }
      }
      List<Integer> ins = new ArrayList<>();
      for (String name : n.inputs()) {
        ins.add(name.isEmpty() ? -1 : resolve(name, values, m, b, n));
      }
      List<Integer> outs;
      try {
        outs = lowerOrFold(b, n, entry, ins, opset, qdq, dataTypes);
      } catch (CompileException e) {
        throw e;
      } catch (RuntimeException e) {
        // A malformed node (missing inputs, values the evaluator rejects while folding, ...):
        // whatever went wrong is reported at the node, never as a bare exception.
        throw new CompileException(
            Diagnostic.error(
                "node '"
                    + n.name()
                    + "' ("
                    + n.opType()
                    + "): "
                    + (e instanceof IndexOutOfBoundsException
                        ? "missing input or attribute (" + e.getMessage() + ")"
                        : e.getMessage()),
                n.location()));
      }
      if (n.attributes().get("value") instanceof OnnxAttribute.TensorValue tv
          && n.opType().equals("Constant")
          && !n.outputs().isEmpty()) {
        dataTypes.put(n.outputs().get(0), tv.dataType());
      }
      for (int i = 0; i < n.outputs().size(); i++) {
        String name = n.outputs().get(i);
        if (name.isEmpty()) {
          continue;
        }
        if (i >= outs.size()) {
          throw new CompileException(
              Diagnostic.error(
                  "node '"
                      + n.name()
                      + "' ("
                      + n.opType()
                      + "): output "
                      + i
                      + " ('"
                      + name
                      + "') is not supported",
                  n.location()));
        }
        values.put(name, outs.get(i));
      }
    }
    for (String out : m.outputs()) {
      Location where = new Location.OnnxNode(m.file(), out, "graph output");
      Integer id = values.get(out);
      if (id == null && m.initializers().containsKey(out)) {
        id = b.at(where).constant(m.initializers().get(out));
      }
      if (id == null) {
        throw new CompileException(
            Diagnostic.error("graph output '" + out + "' is not produced by any node", where));
      }
      b.output(id);
    }
    return prune(b.build(), qdq);
  }

  private static int resolve(
      String name, Map<String, Integer> values, OnnxModel m, ProgramBuilder b, OnnxNodeSpec n) {
    Integer id = values.get(name);
    if (id != null) {
      return id;
    }
    Tensor init = m.initializers().get(name);
    if (init == null) {
      throw new CompileException(
          Diagnostic.error(
              "node '"
                  + n.name()
                  + "' ("
                  + n.opType()
                  + "): input '"
                  + name
                  + "' is neither a graph input, an initializer nor an earlier node's output",
              n.location()));
    }
    int c = b.constant(init);
    values.put(name, c);
    return c;
  }

  /**
   * Lowers {@code n}; when every present input is a constant, lowers it into a scratch program
   * instead, evaluates that with the reference evaluator and adds the results as constants.
   */
  private static List<Integer> lowerOrFold(
      ProgramBuilder b,
      OnnxNodeSpec n,
      OnnxOps.Entry entry,
      List<Integer> ins,
      long opset,
      Map<Integer, Double> qdq,
      Map<String, Integer> dataTypes) {
    boolean foldable = !ins.isEmpty();
    for (int id : ins) {
      if (id >= 0 && !(b.node(id).op() instanceof Op.Constant)) {
        foldable = false;
      }
    }
    if (!foldable) {
      return entry.lowering().lower(new OnnxLoweringContext(b, n, opset, qdq, dataTypes), n, ins);
    }
    ProgramBuilder scratch = new ProgramBuilder("fold").at(n.location());
    List<Integer> local = new ArrayList<>();
    for (int id : ins) {
      local.add(id < 0 ? -1 : scratch.constant(((Op.Constant) b.node(id).op()).value()));
    }
    List<Integer> outs =
        entry
            .lowering()
            .lower(
                new OnnxLoweringContext(scratch, n, opset, new HashMap<>(), dataTypes), n, local);
    for (int o : outs) {
      scratch.output(o);
    }
    List<Tensor> values = ReferenceEvaluator.evaluate(scratch.build(), List.of());
    List<Integer> result = new ArrayList<>();
    for (Tensor t : values) {
      result.add(b.constant(t));
    }
    return result;
  }

  /** Drops nodes no output depends on (constants left behind by folding), renumbering ids. */
  private static FloatModel prune(Program p, Map<Integer, Double> qdq) {
    boolean[] live = new boolean[p.nodes().size()];
    for (int o : p.outputs()) {
      live[o] = true;
    }
    for (int i = live.length - 1; i >= 0; i--) {
      if (live[i]) {
        for (int operand : p.node(i).op().operands()) {
          live[operand] = true;
        }
      }
      if (p.node(i).op() instanceof Op.Input) {
        live[i] = true;
      }
    }
    int[] map = new int[live.length];
    List<Node> nodes = new ArrayList<>();
    for (Node n : p.nodes()) {
      if (!live[n.id()]) {
        map[n.id()] = -1;
        continue;
      }
      map[n.id()] = nodes.size();
      nodes.add(
          new Node(
              nodes.size(),
              Ops.mapOperands(n.op(), x -> map[x]),
              n.type(),
              n.bounds(),
              n.location()));
    }
    List<Integer> outs = p.outputs().stream().map(o -> map[o]).toList();
    Map<Integer, Double> q = new HashMap<>();
    qdq.forEach(
        (k, v) -> {
          if (map[k] >= 0) {
            q.put(map[k], v);
          }
        });
    return new FloatModel(new Program(p.name(), nodes, outs), q);
  }
}
