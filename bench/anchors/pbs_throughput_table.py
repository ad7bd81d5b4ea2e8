"""Aggregates the throughput JSON lines of run-pbs-comparison.sh (--throughput) into markdown."""
import argparse
import json
import statistics
from collections import defaultdict

ap = argparse.ArgumentParser()
ap.add_argument("raw")
ap.add_argument("--raw-name", required=True)
ap.add_argument("--tp-rounds", default="3")
ap.add_argument("--heading", default="## Batch throughput vs tfhe-rs (KS+PBS, 1 and 2 threads)")
for flag in ("--command", "--date", "--machine", "--jdk", "--rustc", "--tfhe", "--rounds"):
    ap.add_argument(flag, required=True)
a = ap.parse_args()

# (set, impl, threads, batch) -> list of runs
runs = defaultdict(list)
order = []
with open(a.raw) as f:
    for line in f:
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if r.get("mode") != "throughput":
            continue
        if r["set"] not in order:
            order.append(r["set"])
        batched = r["impl"] == "fhec" and r.get("batch", 1) > 1
        runs[(r["set"], r["impl"], r["threads"], batched)].append(r)


def med(key, f):
    v = [f(r) for r in runs.get(key, [])]
    return statistics.median(v) if v else float("nan")


def rate(key):  # bootstraps per second of wall time
    return med(key, lambda r: r["pbs_per_s"])


def rate_cpu(key):  # bootstraps per second of process CPU time
    return med(key, lambda r: r["count"] / r["cpu_s"])


def batch_of(key):
    v = [r.get("batch", 1) for r in runs.get(key, [])]
    return v[0] if v else 1


def gbps(key):
    """Key bytes read from memory per second: (BSK + KSK) / batch per bootstrap × rate."""
    rs = runs.get(key, [])
    if not rs:
        return float("nan")
    per = (rs[0]["bsk_bytes"] + rs[0]["ksk_bytes"]) / batch_of(key)
    return per * rate(key) / 1e9


def wrong(key):
    rs = runs.get(key, [])
    return f"{sum(r.get('failures', 0) for r in rs)}/{sum(r['count'] for r in rs)}"


def f2(x):
    return "—" if x != x else f"{x:.1f}"


print(a.heading + "\n")
print(f"- Command: `{a.command.strip()}`")
print(f"- Date: {a.date}; machine: {a.machine}")
print(f"- JDK: {a.jdk}; rustc: {a.rustc}; tfhe crate {a.tfhe}: rayon `par_iter().map_init` over "
      "the batch on a pool of T threads, one `ComputationBuffers` per worker, "
      "`keyswitch_lwe_ciphertext` + `programmable_bootstrap_lwe_ciphertext_mem_optimized`")
print(f"- {a.rounds} rounds, ours and theirs interleaved (order flipped per round), raw lines in "
      f"`{a.raw_name}`; each process times {a.tp_rounds} round(s) of the whole batch after a "
      "warm-up (≥ 3 s for ours, JIT) and reports the median; cells are medians over processes. Ours: `ThroughputAnchor` (`BatchBootstrap`, "
      "batch size B from the L2 size; B = 1 is the one-at-a-time path). Every output of each "
      "process's first round is decrypted and checked on both sides.")
print("- PBS/s wall = batch size / wall time; PBS per CPU-s = batch size / process CPU time "
      "(all threads, JIT and GC included): on the shared VM the wall rates depend on how much CPU "
      "the other tenants left, the CPU rates do not.")
print("- Key GB/s = (BSK + KSK bytes) / B per bootstrap × PBS/s wall: the key traffic the "
      "algorithm implies if every key byte comes from DRAM once per batch (a model, not a "
      "hardware counter: the VM exposes no memory counters).\n")
print("| set | T | B | ours PBS/s wall | tfhe-rs PBS/s wall | ratio | ours PBS/CPU-s | "
      "tfhe-rs PBS/CPU-s | ratio | ours B=1 PBS/CPU-s | batched/B=1 | ours key GB/s | "
      "tfhe-rs key GB/s | wrong / checked (ours, tfhe-rs) | runs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for s in order:
    for t in (1, 2):
        o = (s, "fhec", t, True)
        th = (s, "tfhe-rs", t, False)
        one = (s, "fhec", t, False)
        if not runs.get(o) and not runs.get(th):
            continue
        cells = [s, str(t), str(batch_of(o)), f2(rate(o)), f2(rate(th)),
                 f"{rate(o) / rate(th):.2f}×", f2(rate_cpu(o)), f2(rate_cpu(th)),
                 f"{rate_cpu(o) / rate_cpu(th):.2f}×", f2(rate_cpu(one)),
                 f"{rate_cpu(o) / rate_cpu(one):.2f}×" if runs.get(one) else "—",
                 f"{gbps(o):.2f}", f"{gbps(th):.2f}", f"{wrong(o)}, {wrong(th)}",
                 f"{len(runs.get(o, []))}+{len(runs.get(th, []))}+{len(runs.get(one, []))}"]
        print("| " + " | ".join(cells) + " |")
print("\n2-thread over 1-thread throughput: measured wall rates, and in parentheses CPU-normalized "
      "(2 × PBS per CPU-s at 2 threads / PBS per CPU-s at 1 thread: the 2-core gain if each "
      "thread had its core to itself, which the shared VM never gave either side):\n")
print("| set | ours (batched) | ours (B = 1) | tfhe-rs |")
print("|---|---:|---:|---:|")
for s in order:
    def scale(impl, batched):
        w = rate((s, impl, 2, batched)) / rate((s, impl, 1, batched))
        c = 2 * rate_cpu((s, impl, 2, batched)) / rate_cpu((s, impl, 1, batched))
        return f"{w:.2f}× ({c:.2f}×)"
    print(f"| {s} | {scale('fhec', True)} | {scale('fhec', False)} | {scale('tfhe-rs', False)} |")
