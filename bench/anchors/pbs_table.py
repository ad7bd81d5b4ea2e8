"""Aggregates the JSON lines of run-pbs-comparison.sh into the markdown section of RESULTS.md."""
import argparse
import json
import statistics
from collections import defaultdict

ap = argparse.ArgumentParser()
ap.add_argument("raw")
ap.add_argument("--heading", default="## PBS vs tfhe-rs")
ap.add_argument("--raw-name", default="bench/anchors/last-pbs-comparison.jsonl")
for flag in ("--command", "--date", "--machine", "--jdk", "--rustc", "--tfhe", "--rounds"):
    ap.add_argument(flag, required=True)
a = ap.parse_args()

runs = defaultdict(lambda: defaultdict(list))
order = []
extra = {}
with open(a.raw) as f:
    for line in f:
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if r.get("mode") == "throughput":
            continue
        if r["set"] not in order:
            order.append(r["set"])
        runs[(r["set"], r["impl"])]["ks"].append(r["ks_us"])
        runs[(r["set"], r["impl"])]["pbs"].append(r["pbs_us"])
        runs[(r["set"], r["impl"])]["kspbs"].append(r["ks_pbs_us"])
        runs[(r["set"], r["impl"])]["keygen"].append(r["keygen_ms"])
        runs[(r["set"], r["impl"])]["kspbs_wall"].append(r["ks_pbs_wall_us"])
        extra[(r["set"], r["impl"])] = r


def med(s, impl, what):
    v = runs[(s, impl)][what]
    return statistics.median(v) if v else float("nan")


def fmt_us(us):
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.0f} µs"


print(f"{a.heading}\n")
print(f"- Command: `{a.command.strip()}`")
print(f"- Date: {a.date}; machine: {a.machine}")
print(f"- JDK: {a.jdk}; rustc: {a.rustc}; tfhe crate {a.tfhe} (core_crypto, FFT64 PBS, "
      "`programmable_bootstrap_lwe_ciphertext_mem_optimized`, `keyswitch_lwe_ciphertext`)")
print(f"- Single thread each; {a.rounds} rounds alternating ours/theirs (see the raw lines in "
      f"`{a.raw_name}`); each cell is the median over runs of a run's "
      "median **thread CPU time** per operation (the VM's 2 cores were shared with other jobs, so "
      "wall time mostly measured them; the last column gives the KS+PBS wall-time ratio anyway).\n")
print("| set | KS ours | KS tfhe-rs | KS ratio | PBS ours | PBS tfhe-rs | PBS ratio | "
      "KS+PBS ours | KS+PBS tfhe-rs | KS+PBS ratio | KS+PBS wall ratio | runs |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for s in order:
    cells = [s]
    for what in ("ks", "pbs", "kspbs"):
        o, t = med(s, "fhec", what), med(s, "tfhe-rs", what)
        cells += [fmt_us(o), fmt_us(t), f"{o / t:.2f}×"]
    cells.append(f"{med(s, 'fhec', 'kspbs_wall') / med(s, 'tfhe-rs', 'kspbs_wall'):.2f}×")
    cells.append(f"{len(runs[(s, 'fhec')]['ks'])}+{len(runs[(s, 'tfhe-rs')]['ks'])}")
    print("| " + " | ".join(cells) + " |")
print("\nKey generation and evaluation-key sizes (same runs):\n")
print("| set | keygen ours (wall, all cores) | keygen tfhe-rs (wall, 1 thread) | eval keys ours (file) | ours (seeded file) | "
      "tfhe-rs BSK+KSK (standard, in memory) |")
print("|---|---:|---:|---:|---:|---:|")
for s in order:
    o, t = extra.get((s, "fhec"), {}), extra.get((s, "tfhe-rs"), {})
    mib = lambda b: f"{b / 2**20:.1f} MiB" if b else "?"
    print(f"| {s} | {med(s, 'fhec', 'keygen') / 1000:.1f} s | {med(s, 'tfhe-rs', 'keygen') / 1000:.1f} s | "
          f"{mib(o.get('eval_key_file_bytes', 0))} | {mib(o.get('eval_key_seeded_file_bytes', 0))} | "
          f"{mib(t.get('bsk_bytes', 0) + t.get('ksk_bytes', 0))} |")
baseline = [s for s in order if runs[(s, "fhec-baseline")]["ks"]]
if baseline:
    print("\nBefore/after: `fhec-baseline` is the earlier build of ours (`--baseline-jar`), timed in "
          "the same rounds; ratios are to tfhe-rs's medians of the same runs.\n")
    print("| set | KS before → after | KS ratio before → after | PBS before → after | "
          "PBS ratio before → after | KS+PBS before → after | KS+PBS ratio before → after |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for s in baseline:
        cells = [s]
        for what in ("ks", "pbs", "kspbs"):
            b, o, t = med(s, "fhec-baseline", what), med(s, "fhec", what), med(s, "tfhe-rs", what)
            cells += [f"{fmt_us(b)} → {fmt_us(o)}", f"{b / t:.2f}× → {o / t:.2f}×"]
        print("| " + " | ".join(cells) + " |")
