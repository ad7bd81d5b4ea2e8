"""Compiles the gpt2-head sample with concrete-python and prints its figures next to fhec's.

The head is built by interpreting samples/gpt2-head/model.json node by node with numpy calls on
concrete-python's tracers, so it mirrors fhec's input graph op for op (float chains between integer
casts are fused into table lookups by concrete, as fhec's fuse pass does). Bench tooling only.

Usage: head_concrete.py SAMPLE_DIR [--fhec-json FILE]   (FILE: output of `fhec compile ... --json`)
"""
import argparse
import json
import os
import re
import sys
import tempfile
import time

import numpy as np
from concrete import fhe

ap = argparse.ArgumentParser()
ap.add_argument("sample_dir")
ap.add_argument("--fhec-json", help="fhec's compile report (JSON) for the same model.json")
args = ap.parse_args()

model = json.load(open(os.path.join(args.sample_dir, "model.json")))
consts = {}
for c in model["constants"]:
    if "npz" in c:
        consts[c["name"]] = np.load(os.path.join(args.sample_dir, c["npz"]))[c["key"]]
    else:
        consts[c["name"]] = c["data"]
(inp,) = model["inputs"]


def evaluate(x):
    env = dict(consts)
    env[inp["name"]] = x
    for node in model["nodes"]:
        a = [env[i] for i in node["inputs"]]
        op = node["op"]
        if op == "matmul":
            r = np.matmul(a[0], a[1])
        elif op == "astype":
            r = a[0].astype(np.float64 if node["dtype"] == "float" else np.int64)
        elif op == "mul":
            r = a[0] * a[1]
        elif op == "div":
            r = a[0] / a[1]
        elif op == "add":
            r = a[0] + a[1]
        elif op == "sub":
            r = a[0] - a[1]
        elif op == "rint":
            r = np.rint(a[0])
        elif op == "reshape":
            r = a[0].reshape(tuple(node["shape"]))
        elif op == "slice":
            r = a[0][tuple(slice(s, e, st) for s, e, st in
                           zip(node["starts"], node["stops"], node["steps"]))]
        elif op == "transpose":
            r = np.transpose(a[0], tuple(node["axes"]))
        elif op == "where":
            # constant boolean condition: select exactly (m·x + (1−m)·v is exact for finite x)
            m = np.asarray(a[0]).astype(np.float64)
            r = a[1] * m + a[2] * (1.0 - m)
        elif op == "exp":
            r = np.exp(a[0])
        elif op == "reciprocal":
            r = np.reciprocal(a[0])
        elif op == "relu":
            r = np.maximum(a[0], 0)
        elif op == "sum":
            r = np.sum(a[0], axis=tuple(node["axis"]), keepdims=node.get("keepdims", False))
        else:
            raise ValueError(f"node {node['name']}: op {op} not mirrored")
        env[node["name"]] = r
    (out,) = model["outputs"]
    return env[out]


z = np.load(os.path.join(args.sample_dir, "inputset.npz"))
samples = z[inp["name"]]
inputset = [s.reshape(inp["shape"]).astype(np.int64) for s in samples]

compiler = fhe.Compiler(evaluate, {"x": "encrypted"})
config = fhe.Configuration(global_p_error=1e-5, show_optimizer=True, single_precision=False)
# The optimizer's display is written by native code to file descriptor 1: capture the descriptor.
sys.stdout.flush()
saved = os.dup(1)
with tempfile.TemporaryFile(mode="w+") as capture:
    os.dup2(capture.fileno(), 1)
    try:
        t0 = time.perf_counter()
        circuit = compiler.compile(inputset, configuration=config)
        compile_s = time.perf_counter() - t0
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
    capture.seek(0)
    display = capture.read()


def blocks(kind):
    """(input size, output size, level, log2 base, description) of each key block of one kind."""
    out = []
    for start in [m.end() for m in re.finditer(kind + " {", display)]:
        end = re.compile(r'description: "((?:pbs|ks|fks)\[[^"]*)"').search(display, start)
        body = display[start : end.start()]
        sizes = [int(x) for x in re.findall(r"polynomial_size: (\d+)", body)]
        level = int(re.search(r"level: (\d+)", body).group(1))
        base = int(re.search(r"log2_base: (\d+)", body).group(1))
        out.append((sizes[0], sizes[1], level, base, end.group(1)))
    return out

stats = circuit.statistics
ours = {
    "compiler": f"concrete-python {fhe.__version__ if hasattr(fhe, '__version__') else ''}".strip(),
    "max_bit_width": circuit.graph.maximum_integer_bit_width(),
    "pbs_count": stats.get("programmable_bootstrap_count"),
    "ks_count": stats.get("key_switch_count"),
    "complexity": stats.get("complexity"),
    "global_p_error": stats.get("global_p_error"),
    "compile_s": round(compile_s, 1),
}
print(json.dumps(ours))
print("--- concrete's chosen parameters (k = 1 everywhere) ---")
for n_in, n_out, level, base, desc in blocks("BootstrapKey"):
    print(f"PBS {desc}: n = {n_in} -> N = {n_out}, B = 2^{base} x {level}")
for n_in, n_out, level, base, desc in blocks("KeySwitchKey"):
    print(f"KS  {desc}: {n_in} -> {n_out}, B = 2^{base} x {level}")
print("--- concrete optimizer display ---")
print(display.strip())
if args.fhec_json:
    print("--- fhec ---")
    print(open(args.fhec_json).read().strip())
else:
    print("--- fhec: no --fhec-json given (run `./fhec compile samples/gpt2-head/model.json --json`"
          " once the CLI is on main and pass its output) ---")
