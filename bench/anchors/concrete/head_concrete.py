"""Compiles the gpt2-head sample with concrete-python and prints its figures next to fhec's.

The head is built by interpreting samples/gpt2-head/model.json node by node with numpy calls on
concrete-python's tracers, so it mirrors fhec's input graph op for op (float chains between integer
casts are fused into table lookups by concrete, as fhec's fuse pass does). Bench tooling only.

Usage: head_concrete.py SAMPLE_DIR [--fhec-json FILE] [--round-to BITS] [--run]
  (FILE: output of `fhec compile ... --json`; BITS: round every table-lookup input wider than BITS
  to its BITS most significant bits with approximate rounding, as `fhec compile --round-to BITS`:
  fhe.round_bit_pattern with fhe.AutoRounder(target_msbs=BITS) on the integer entering each float
  chain, rounding_exactness APPROXIMATE; --run: also keygen, encrypt, run and decrypt test vector 0
  and time each step, to set next to `fhec keygen/encrypt/run/decrypt` on the same bundle)
"""
import argparse
import json
import subprocess
from importlib.metadata import version
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
ap.add_argument("--round-to", type=int, help="approximate rounding of lookup inputs to BITS MSBs")
ap.add_argument("--run", action="store_true",
                help="also time keygen, encrypt, run and decrypt of test vector 0 (vectors.npz)")
ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
args = ap.parse_args()

model = json.load(open(os.path.join(args.sample_dir, "model.json")))
consts = {}
for c in model["constants"]:
    if "npz" in c:
        consts[c["name"]] = np.load(os.path.join(args.sample_dir, c["npz"]))[c["key"]]
    else:
        consts[c["name"]] = c["data"]
(inp,) = model["inputs"]


# AutoRounders must exist before adjustment: one per float chain entry.
ROUNDERS = {
    node["name"]: fhe.AutoRounder(target_msbs=args.round_to)
    for node in model["nodes"]
    if args.round_to is not None and node["op"] == "astype" and node["dtype"] == "float"
}


def rounded(node, value):
    """The value entering a float chain (a table lookup), rounded when --round-to is set."""
    if args.round_to is None:
        return value
    return fhe.round_bit_pattern(value, lsbs_to_remove=ROUNDERS[node["name"]])


def evaluate(x):
    env = dict(consts)
    env[inp["name"]] = x
    for node in model["nodes"]:
        a = [env[i] for i in node["inputs"]]
        op = node["op"]
        if op == "matmul":
            r = np.matmul(a[0], a[1])
        elif op == "astype":
            src = rounded(node, a[0]) if node["dtype"] == "float" else a[0]
            r = src.astype(np.float64 if node["dtype"] == "float" else np.int64)
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
if args.round_to is not None:
    config = config.fork(rounding_exactness=fhe.Exactness.APPROXIMATE)
if args.child:
    # Compile and print the statistics as the last line; the optimizer's display, written by
    # native code with its own buffering, lands on this process's stdout before it exits.
    t0 = time.perf_counter()
    if args.round_to is not None:
        fhe.AutoRounder.adjust(evaluate, inputset)
    circuit = compiler.compile(inputset, configuration=config)
    compile_s = time.perf_counter() - t0
    stats = circuit.statistics
    timings = {}
    if args.run:
        # The same steps fhec's keygen / encrypt / run / decrypt time, on test vector 0.
        v = np.load(os.path.join(args.sample_dir, "vectors.npz"))
        x = v[inp["name"]][0].reshape(inp["shape"]).astype(np.int64)
        t = time.perf_counter(); circuit.keygen(); timings["keygen_s"] = time.perf_counter() - t
        t = time.perf_counter(); enc = circuit.encrypt(x); timings["encrypt_s"] = time.perf_counter() - t
        t = time.perf_counter(); res = circuit.run(enc); timings["run_s"] = time.perf_counter() - t
        t = time.perf_counter(); y = circuit.decrypt(res); timings["decrypt_s"] = time.perf_counter() - t
        timings["run_cpu_note"] = "wall seconds; concrete runs its lookups on all cores"
        timings["equals_clear"] = bool(np.array_equal(np.asarray(y), np.asarray(evaluate(x))))
        timings = {k: (round(t, 1) if isinstance(t, float) else t) for k, t in timings.items()}
    sys.stdout.flush()
    print("\nRESULT " + json.dumps({**timings, 
        "compiler": "concrete-python " + version("concrete-python"),
        "max_bit_width": circuit.graph.maximum_integer_bit_width(),
        "pbs_count": stats.get("programmable_bootstrap_count"),
        "ks_count": stats.get("key_switch_count"),
        "complexity": stats.get("complexity"),
        "global_p_error": stats.get("global_p_error"),
        "compile_s": round(compile_s, 1),
    }), flush=True)
    sys.exit(0)

# The child's stdout goes to a file (not a pipe): concrete writes the optimizer's display natively
# only then, as measured with concrete-python 2.11.0.
with tempfile.TemporaryFile(mode="w+") as captured:
    child = [sys.executable, __file__, args.sample_dir, "--child"]
    if args.round_to is not None:
        child += ["--round-to", str(args.round_to)]
    if args.run:
        child += ["--run"]
    subprocess.run(child,
                   stdout=captured, stderr=subprocess.STDOUT, check=True)
    captured.seek(0)
    display, _, result = captured.read().rpartition("\nRESULT ")
ours = json.loads(result)


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

print(json.dumps(ours))
print("--- concrete's chosen parameters (k = 1 everywhere) ---")
for n_in, n_out, level, base, desc in blocks("BootstrapKey"):
    print(f"PBS {desc}: n = {n_in} -> N = {n_out}, B = 2^{base} x {level}")
for n_in, n_out, level, base, desc in blocks("KeySwitchKey"):
    print(f"KS  {desc}: {n_in} -> {n_out}, B = 2^{base} x {level}")
print("--- concrete optimizer display ---")
print(display.strip())
if args.fhec_json:
    f = json.load(open(args.fhec_json))
    fp = f["parameters"]
    print("--- side by side ---")
    print("| figure | concrete-python | fhec |")
    print("|---|---:|---:|")
    print(f"| max bit-width | {ours['max_bit_width']} | {f['bitWidth']} |")
    print(f"| PBS count | {ours['pbs_count']} | {f['pbsCount']} |")
    print(f"| KS count | {ours['ks_count']} | {f['statistics']['keySwitchCount']} |")
    print(f"| complexity (optimizer cost) | {ours['complexity']:.3e} | {fp['choice']['cost']:.3e} |")
    print(f"| global p_error | {ours['global_p_error']:.2e} | {fp['choice']['globalPError']:.2e} |")
    print(f"| compile time | {ours['compile_s']} s | {f['seconds']:.1f} s |")
    print(f"| parameters | {len(blocks('BootstrapKey'))} PBS partitions (above) | {fp['description']} |")
    print("--- fhec report ---")
    print(json.dumps(f, indent=1))
else:
    print("--- fhec: no --fhec-json given (run `./fhec compile samples/gpt2-head/model.json --json`"
          " once the CLI is on main and pass its output) ---")
