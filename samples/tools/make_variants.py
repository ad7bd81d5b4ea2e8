"""Generates the HE-friendly attention variants of the seed head (samples/ATTENTION-VARIANTS.md).

For each seed head directory (gpt2-head, gpt2-head-tiny) this writes a sibling directory per
variant with model.fhe (scales written out as constants), a copy of the seed's weights.npz (a model
may only load files from its own folder), meta.json and vectors.npz (the numpy quantized outputs and float references):

- gk-attention: Gaussian-kernel attention, S_ij = exp(-||q_i - k_j||^2 / (2 sqrt(d))), causal entries
  zeroed, no normalisation, output S.V (Rho et al., ICLR 2025; shared/reference/attention.md §8).
- power-softmax: A_ij = x_ij^p / (eps + sum_j x_ij^p), x = q.k / sqrt(d) masked to 0, p = 4, then
  A.V (Zimerman et al., arXiv 2410.09457; attention.md §9).
- seed-lean: the seed's own softmax head with the cheaper lowering (a)+(b)+(c) of
  ATTENTION-VARIANTS.md (scores computed once, no max, q.k from squared distances); refused where a
  calibration row's exp all round to 0 without the max.

Quantization follows the seed (attention.md §3): symmetric per-tensor scales max|x| / (2^(b-1) - 1)
from a calibration pass over the seed's inputset (the dequantized integer pipeline is the
calibration float), each dequantize -> float op -> rint chain being one table lookup.

Usage: samples/tools/.venv/bin/python samples/tools/make_variants.py   (from the repository root)
"""
import json
import os
import shutil
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
# Power-Softmax epsilon-division (paper §4.2 takes eps deliberately large): here eps is one
# quantization step of x^p, so 1/(eps + sum) lies in (0, 1/eps] and a row whose x^p all round to 0
# (the first causal row often does) does not blow up the reciprocal's scale.
EPS_STEPS = 1.0
P = 4


def qmax(n_bits):
    return 2 ** (n_bits - 1) - 1


def sym_scale(x, n_bits):
    m = float(np.max(np.abs(x)))
    return 1.0 if m == 0 else m / qmax(n_bits)


def requant(q, deq, quant):
    return np.rint((q.astype(np.float64) * deq) / quant).astype(np.int64)


def cosine(a, b):
    a, b = a.ravel(), b.ravel()
    if not np.any(a) or not np.any(b):
        return 0.0  # a zero tensor has no direction: count it as orthogonal
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def projection(seed, q_x, s, qk_common):
    """The seed's steps 1-3 (same ops, same PBS); q and k share one scale when qk_common."""
    d = seed["d_head"]
    acc = q_x @ seed["W_qkv"]
    lin = requant(acc, s["acc_dequant"], s["linear_requant"]) + seed["b_qkv"]
    lin = lin[..., None, :, :]
    sq, sk = (s["qk_quant"], s["qk_quant"]) if qk_common else (s["q_quant"], s["k_quant"])
    q = requant(lin[..., 0:d], s["q_dequant"], sq)
    k = requant(lin[..., d:2 * d], s["k_dequant"], sk)
    v = requant(lin[..., 2 * d:], s["v_dequant"], s["v_quant"])
    return q, k, v


def gk_int(seed, q_x, s, cal=None):
    """cal: dict to fill with calibrated scales (calibration pass) or None (scales given)."""
    d, mask = seed["d_head"], seed["causal_mask"].astype(bool)
    q, k, v = projection(seed, q_x, s, True)
    diff = q[..., :, None, :] - k[..., None, :, :]  # (.., n, n, d)
    fsq = np.square(diff * s["qk_quant"])
    if cal is not None:
        cal["sq_quant"] = sym_scale(fsq, s["n_bits"])
    sq = np.rint(fsq / s["sq_quant"]).astype(np.int64)
    dist = sq.sum(axis=-1)
    fexp = np.where(mask, np.exp(-(dist * s["sq_quant"]) / (2 * np.sqrt(d))), 0.0)
    if cal is not None:
        cal["s_quant"] = sym_scale(fexp, s["n_bits"])
    sm = np.rint(fexp / s["s_quant"]).astype(np.int64)
    return {"y": sm @ v, "sq": sq, "dist": dist, "S": sm}


def ps_int(seed, q_x, s, cal=None):
    d, mask = seed["d_head"], seed["causal_mask"].astype(bool)
    q, k, v = projection(seed, q_x, s, False)
    scores = q @ np.swapaxes(k, -1, -2)
    fp = np.where(mask, (scores * s["scores_dequant"] / np.sqrt(d)) ** P, 0.0)
    if cal is not None:
        cal["pow_quant"] = sym_scale(fp, s["n_bits"])
    pw = np.rint(fp / s["pow_quant"]).astype(np.int64)
    total = pw.sum(axis=-1, keepdims=True)
    if cal is not None:
        cal["eps"] = EPS_STEPS * s["pow_quant"]
    finv = 1.0 / (s["eps"] + total * s["pow_quant"])
    if cal is not None:
        cal["inv_quant"] = sym_scale(finv, s["n_bits"])
    inv = np.rint(finv / s["inv_quant"]).astype(np.int64)
    prod = pw * inv
    fa = prod * (s["pow_quant"] * s["inv_quant"])
    if cal is not None:
        cal["attn_quant"] = sym_scale(fa, s["n_bits"])
    a = requant(prod, s["pow_quant"] * s["inv_quant"], s["attn_quant"])
    return {"y": a @ v, "scores": scores, "pow": pw, "sum": total, "inv": inv, "prod": prod, "A": a}


def lean_int(seed, q_x, s, cal=None):
    """The seed's softmax head with the cheaper lowering of ATTENTION-VARIANTS.md (a)+(b)+(c)."""
    d, mask = seed["d_head"], seed["causal_mask"].astype(bool)
    q, k, v = projection(seed, q_x, s, True)
    qn = np.square(q).sum(axis=-1)
    kn = np.square(k).sum(axis=-1)
    dist = np.square(q[..., :, None, :] - k[..., None, :, :]).sum(axis=-1)
    dot2 = qn[..., :, None] + kn[..., None, :] - dist  # exactly 2 q.k, in integers
    x = np.where(mask, dot2 * (s["qk_quant"] ** 2 / 2) / np.sqrt(d), s["mask_value"])
    fe = np.exp(x)
    if cal is not None:
        cal["exp_quant"] = sym_scale(fe, s["n_bits"])
    e = np.rint(fe / s["exp_quant"]).astype(np.int64)
    total = e.sum(axis=-1, keepdims=True)
    if np.any(total == 0):
        raise ValueError("a row's exp all round to 0 without the max subtraction: the bounds do not"
                         " allow skipping it (change (b) of ATTENTION-VARIANTS.md)")
    finv = 1.0 / (total * s["exp_quant"])
    if cal is not None:
        cal["inv_quant"] = sym_scale(finv, s["n_bits"])
    inv = np.rint(finv / s["inv_quant"]).astype(np.int64)
    prod = e * inv
    if cal is not None:
        cal["attn_quant"] = sym_scale(prod * (s["exp_quant"] * s["inv_quant"]), s["n_bits"])
    a = requant(prod, s["exp_quant"] * s["inv_quant"], s["attn_quant"])
    return {"y": a @ v, "dot2": dot2, "e": e, "inv": inv, "a": a}


def float_qkv(seed, x):
    d = seed["d_head"]
    qkv = x @ seed["W_f"].astype(np.float64) + seed["b_f"].astype(np.float64)
    return qkv[..., :d], qkv[..., d:2 * d], qkv[..., 2 * d:]


def gk_float(seed, x):
    q, k, v = float_qkv(seed, x)
    dist = np.square(q[..., :, None, :] - k[..., None, :, :]).sum(-1)
    sm = np.where(seed["causal_mask"].astype(bool), np.exp(-dist / (2 * np.sqrt(seed["d_head"]))), 0)
    return sm @ v


def ps_float(seed, x, eps):
    q, k, v = float_qkv(seed, x)
    x_ = np.where(seed["causal_mask"].astype(bool), q @ np.swapaxes(k, -1, -2) / np.sqrt(seed["d_head"]), 0)
    pw = x_ ** P
    return (pw / (eps + pw.sum(-1, keepdims=True))) @ v


def load_seed(name):
    d = os.path.join(ROOT, name)
    w, f = np.load(os.path.join(d, "weights.npz")), np.load(os.path.join(d, "float.npz"))
    meta = json.load(open(os.path.join(d, "meta.json")))
    return {"name": name, "dir": d, "W_qkv": w["W_qkv"], "b_qkv": w["b_qkv"],
            "causal_mask": w["causal_mask"], "W_f": f["W_qkv"], "b_f": f["b_qkv"],
            "n_bits": meta["n_bits"], "n_seq": meta["n_seq"], "d_model": meta["d_model"],
            "d_head": meta["d_head"], "scales": meta["scales"], "input_scale": meta["input_scale"],
            "calib": np.load(os.path.join(d, "inputset.npz"))["q_x"],
            "vectors": np.load(os.path.join(d, "vectors.npz"))}


HEADER = '''"""{title} ({n}-token head, d_model {dm}, d_head {d}, {nb} bits), generated by
samples/tools/make_variants.py from the seed head in ../{seed}/ (same weights, copied here, same
projection and q/k/v requantization as the seed; attention.md §{sec}). Scales: meta.json "scales".
{doc}"""
import numpy as np

N_SEQ = {n}
D_HEAD = {d}

W_QKV = np.load("weights.npz")["W_qkv"]
B_QKV = np.load("weights.npz")["b_qkv"]
CAUSAL_MASK = np.load("weights.npz")["causal_mask"]

'''

GK_BODY = '''

def requant(x, dequant_scale, quant_scale):
    return np.rint(x * dequant_scale / quant_scale).astype(int)


def head(q_x: Encrypted[int{nb}, (1, {n}, {dm}), ({lo}, {hi})]):
    acc = q_x @ W_QKV
    linear = requant(acc, S_ACC_DEQUANT, S_LINEAR_REQUANT) + B_QKV
    linear = linear.reshape(1, 1, N_SEQ, 3 * D_HEAD)
    q, k, v = np.split(linear, 3, axis=-1)
    q = requant(q, S_Q_DEQUANT, S_QK_QUANT)   # q and k on one common scale,
    k = requant(k, S_K_DEQUANT, S_QK_QUANT)   # so that q - k is meaningful in integers
    v = requant(v, S_V_DEQUANT, S_V_QUANT)

    # ||q_i - k_j||^2 as a sum of per-element square lookups: n*n*d PBS, half the cost of
    # ||q||^2 + ||k||^2 - 2 q.k, whose q.k alone is 2*n*n*d PBS (attention.md §4 step 4).
    diff = q[:, :, :, None, :] - k[:, :, None, :, :]
    sq = np.rint((diff * S_QK_QUANT) ** 2 / S_SQ_QUANT).astype(int)
    dist = np.sum(sq, axis=-1)

    # exp on a non-positive argument, causal entries zeroed: one lookup per score, no max, no division
    s = np.rint(np.where(CAUSAL_MASK, np.exp(-(dist * S_SQ_QUANT) / (2 * np.sqrt(D_HEAD))), 0.0) / S_S_QUANT).astype(int)
    return s @ v
'''

LEAN_BODY = '''

def requant(x, dequant_scale, quant_scale):
    return np.rint(x * dequant_scale / quant_scale).astype(int)


def head(q_x: Encrypted[int{nb}, (1, {n}, {dm}), ({lo}, {hi})]):
    acc = q_x @ W_QKV
    linear = requant(acc, S_ACC_DEQUANT, S_LINEAR_REQUANT) + B_QKV
    linear = linear.reshape(1, 1, N_SEQ, 3 * D_HEAD)
    q, k, v = np.split(linear, 3, axis=-1)
    q = requant(q, S_Q_DEQUANT, S_QK_QUANT)   # q and k on one common scale
    k = requant(k, S_K_DEQUANT, S_QK_QUANT)
    v = requant(v, S_V_DEQUANT, S_V_QUANT)

    # (c) 2 q.k = ||q||^2 + ||k||^2 - ||q - k||^2, exact in integers: n*n*d + 2*n*d square lookups
    # instead of the 2*n*n*d of an encrypted product
    qn = np.sum(q ** 2, axis=-1)
    kn = np.sum(k ** 2, axis=-1)
    dist = np.sum((q[:, :, :, None, :] - k[:, :, None, :, :]) ** 2, axis=-1)
    dot2 = qn[:, :, :, None] + kn[:, :, None, :] - dist

    # (a)+(b) no max subtraction (the calibrated scores are small, softmax is shift-invariant);
    # scale, mask and exp fused into one lookup per score, computed once
    e = np.rint(np.exp(np.where(CAUSAL_MASK, dot2 * (S_QK_QUANT * S_QK_QUANT / 2) / np.sqrt(D_HEAD), MASK_VALUE)) / S_EXP_QUANT).astype(int)
    total = np.sum(e, axis=-1, keepdims=True)
    inv = np.rint(np.reciprocal(total * S_EXP_QUANT) / S_INV_QUANT).astype(int)
    attn = requant(e * inv, S_EXP_QUANT * S_INV_QUANT, S_ATTN_QUANT)
    return attn @ v
'''

PS_BODY = '''

def requant(x, dequant_scale, quant_scale):
    return np.rint(x * dequant_scale / quant_scale).astype(int)


def head(q_x: Encrypted[int{nb}, (1, {n}, {dm}), ({lo}, {hi})]):
    acc = q_x @ W_QKV
    linear = requant(acc, S_ACC_DEQUANT, S_LINEAR_REQUANT) + B_QKV
    linear = linear.reshape(1, 1, N_SEQ, 3 * D_HEAD)
    q, k, v = np.split(linear, 3, axis=-1)
    q = requant(q, S_Q_DEQUANT, S_Q_QUANT)
    k = requant(k, S_K_DEQUANT, S_K_QUANT)
    v = requant(v, S_V_DEQUANT, S_V_QUANT)

    scores = q @ np.transpose(k, (0, 1, 3, 2))
    # x^p with the 1/sqrt(d) scale and the multiplicative causal mask fused: one lookup per score
    pw = np.rint(np.where(CAUSAL_MASK, (scores * S_SCORES_DEQUANT / np.sqrt(D_HEAD)) ** POWER, 0.0) / S_POW_QUANT).astype(int)
    total = np.sum(pw, axis=-1, keepdims=True)
    # epsilon-division: 1/(EPS + sum) <= 1/EPS bounds the reciprocal's domain; one lookup per row
    inv = np.rint(1.0 / (EPS + total * S_POW_QUANT) / S_INV_QUANT).astype(int)
    attn = requant(pw * inv, S_POW_QUANT * S_INV_QUANT, S_ATTN_QUANT)
    return attn @ v
'''


def fmt_consts(scales, names):
    return "\n".join(f"{k} = {repr(float(scales[v]))}" for k, v in names) + "\n"


def gen(seed, variant):
    s = dict(seed["scales"])
    s["n_bits"] = seed["n_bits"]
    s["qk_quant"] = max(s["q_quant"], s["k_quant"])
    s["mask_value"] = json.load(open(os.path.join(seed["dir"], "meta.json")))["mask_value"]
    fn = {"gk-attention": gk_int, "power-softmax": ps_int, "seed-lean": lean_int}[variant]
    fn(seed, seed["calib"], s, s)  # calibration pass: writes each new scale into s before use
    vec = seed["vectors"]
    out = fn(seed, vec["q_x"], s)
    n, d, dm, nb = seed["n_seq"], seed["d_head"], seed["d_model"], seed["n_bits"]
    if variant == "gk-attention":
        out_scale = s["s_quant"] * s["v_quant"]
        yf = gk_float(seed, vec["x_float"])
        consts = fmt_consts(s, [("S_ACC_DEQUANT", "acc_dequant"), ("S_LINEAR_REQUANT", "linear_requant"),
                                ("S_Q_DEQUANT", "q_dequant"), ("S_K_DEQUANT", "k_dequant"),
                                ("S_QK_QUANT", "qk_quant"), ("S_V_DEQUANT", "v_dequant"),
                                ("S_V_QUANT", "v_quant"), ("S_SQ_QUANT", "sq_quant"),
                                ("S_S_QUANT", "s_quant")])
        body, title, sec = GK_BODY, "Gaussian-kernel attention", "8"
        doc = "S_ij = exp(-||q_i - k_j||^2 / (2 sqrt(d))), no normalisation; output S.V.\n"
        pbs = 6 * d * n + d * n * n + n * n + 2 * d * n * n
    elif variant == "seed-lean":
        out_scale = s["attn_quant"] * s["v_quant"]
        yf = vec["y_float_seedmask"]  # the seed's float head with its finite mask value
        consts = fmt_consts(s, [("S_ACC_DEQUANT", "acc_dequant"), ("S_LINEAR_REQUANT", "linear_requant"),
                                ("S_Q_DEQUANT", "q_dequant"), ("S_K_DEQUANT", "k_dequant"),
                                ("S_QK_QUANT", "qk_quant"), ("S_V_DEQUANT", "v_dequant"),
                                ("S_V_QUANT", "v_quant"), ("MASK_VALUE", "mask_value"),
                                ("S_EXP_QUANT", "exp_quant"), ("S_INV_QUANT", "inv_quant"),
                                ("S_ATTN_QUANT", "attn_quant")])
        body, title, sec = LEAN_BODY, "The seed's softmax head, cheaper lowering", "4-5"
        doc = "Same function as the seed; ATTENTION-VARIANTS.md changes (a), (b), (c).\n"
        pbs = 6 * d * n + 2 * d * n + n * n * d + n * n + n + 2 * n * n + n * n + 2 * d * n * n
    else:
        out_scale = s["attn_quant"] * s["v_quant"]
        yf = ps_float(seed, vec["x_float"], s["eps"])
        consts = fmt_consts(s, [("S_ACC_DEQUANT", "acc_dequant"), ("S_LINEAR_REQUANT", "linear_requant"),
                                ("S_Q_DEQUANT", "q_dequant"), ("S_Q_QUANT", "q_quant"),
                                ("S_K_DEQUANT", "k_dequant"), ("S_K_QUANT", "k_quant"),
                                ("S_V_DEQUANT", "v_dequant"), ("S_V_QUANT", "v_quant"),
                                ("S_SCORES_DEQUANT", "scores_dequant"), ("S_POW_QUANT", "pow_quant"),
                                ("S_INV_QUANT", "inv_quant"), ("S_ATTN_QUANT", "attn_quant")])
        consts += f"POWER = {P}\nEPS = {s['eps']!r}   # one quantization step of x^p\n"
        body, title, sec = PS_BODY, f"Power-Softmax attention, p = {P}", "9"
        doc = "A_ij = x_ij^p / (eps + sum_j x_ij^p), x = q.k / sqrt(d) masked to 0; output A.V.\n"
        pbs = 6 * d * n + 2 * d * n * n + n * n + n + 2 * n * n + n * n + 2 * d * n * n
    hi = qmax(nb)
    text = (HEADER.format(title=title, n=n, dm=dm, d=d, nb=nb, seed=seed["name"], sec=sec, doc=doc)
            + consts + body.format(nb=nb, n=n, dm=dm, lo=-hi, hi=hi))
    tiny = "-tiny" if seed["name"].endswith("-tiny") else ""
    outdir = os.path.join(ROOT, variant + tiny)
    os.makedirs(outdir, exist_ok=True)
    open(os.path.join(outdir, "model.fhe"), "w").write(text)
    # A model may only load files from its own folder (fhec refuses references that leave it).
    shutil.copyfile(os.path.join(seed["dir"], "weights.npz"), os.path.join(outdir, "weights.npz"))
    ydq = out["y"][:, 0, 0] * out_scale
    err = float(np.max(np.abs(ydq - yf)))
    cos = cosine(ydq, yf)
    cos_mean = float(np.mean([cosine(a, b) for a, b in zip(ydq, yf)]))
    np.savez_compressed(os.path.join(outdir, "vectors.npz"), q_x=vec["q_x"], y_int=out["y"],
                        y_dequant=ydq, y_float=yf)
    meta = {"variant": variant, "seed": seed["name"], "n_bits": nb, "n_seq": n, "d_model": dm,
            "d_head": d, "power": P if variant == "power-softmax" else None,
            "eps": s["eps"] if variant == "power-softmax" else None, "output_scale": out_scale,
            "expected_pbs": pbs, "scales": {k: v for k, v in s.items() if k != "n_bits"},
            "fidelity_vs_float_variant": {"max_abs_error": err, "cosine": cos, "cosine_mean_per_sample": cos_mean,
                                          "max_abs_float_output": float(np.max(np.abs(yf)))}}
    json.dump(meta, open(os.path.join(outdir, "meta.json"), "w"), indent=1)
    print(variant + tiny, "pbs", pbs, "err", err, "cos", cos, "cos/sample", cos_mean, "max|y|", float(np.max(np.abs(yf))),
          "max|y_int|", int(np.max(np.abs(out["y"]))))


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=ROOT,
                    help="folder holding the seed heads (make_head.py --out), variants written beside")
    ap.add_argument("--only", action="append", choices=["gpt2-head", "gpt2-head-tiny"],
                    help="seed head(s) to derive from (default: both)")
    args = ap.parse_args()
    ROOT = args.root
    for name in args.only or ["gpt2-head", "gpt2-head-tiny"]:
        seed = load_seed(name)
        for v in ["gk-attention", "power-softmax", "seed-lean"]:
            try:
                gen(seed, v)
            except ValueError as e:
                print(v, "not written for", name + ":", e)
