#!/usr/bin/env python3
"""Model of an fhec run on a Spark cluster (bench/RESULTS.md, "Spark backend").

Reads a compiled circuit (circuit.json of a bundle) and predicts the wall time of
`fhec run --spark` on W workers of C cores from measured figures:

  T(W) = T_keys(W) + sum over lookup instructions i of
         [ J + waves_i * (s_i * t_i + tau) + X_i ]

  s_i     = bootstraps per task, k_i = ceil(n_i / s_i) tasks: SparkCircuitExecutor.sliceSize
            (at most one task per core while that leaves >= MIN_SLICE per task, else 2 per core)
  waves_i = ceil(k_i / (W * C))
  t_i     = core-seconds per KS+PBS in lookup i's partition: the measured in-process CPU time of
            the whole circuit spread over its bootstraps in proportion to n*(k+1)^2*l*N*log2(N)
            of each partition (the FFT work of a blind rotation). Leveled work is folded in, so
            it is treated as if it were spread over the cluster too (optimistic for the driver).
  X_i     = bytes of the lookup's inputs and outputs through the driver / network bandwidth
  T_keys  = seeded key file / bandwidth * ceil(log2(W + 1))   (broadcast: a tree of copies)
            + expansion of the keys on each executor (in parallel), scaled from the measurement

J (per-lookup job overhead) and tau (per-task overhead) come from SparkBench. A 12-head block is
modelled as the same lookups with 12 times the elements (the heads are independent).
"""
import argparse
import json
import math

MIN_SLICE = 2
SLICES_PER_CORE = 2


def slice_size(n, cores):
    """SparkCircuitExecutor.sliceSize with the default options."""
    if n <= cores * MIN_SLICE * SLICES_PER_CORE:
        tasks = min(cores, math.ceil(n / MIN_SLICE))
    else:
        tasks = cores * SLICES_PER_CORE
    tasks = max(1, tasks)
    return math.ceil(n / tasks)


def lookups(circuit, heads):
    parts = circuit["plan"]["partitions"]
    vals = circuit["values"]
    out = []
    for ins in circuit["instructions"]:
        if ins["op"] != "tlu":
            continue
        n = math.prod(vals[ins["a"]]["shape"]) * heads
        p = parts[ins.get("partition", 0)]
        src = parts[vals[ins["a"]].get("partition", 0)]
        out.append((n, p, src))
    return out


def fft_work(p):
    n = p["lweDimension"]["value"]
    k = p["glweDimension"]["value"]
    big_n = p["polynomialSize"]["value"]
    levels = p["pbs"]["levels"]
    return n * (k + 1) ** 2 * levels * big_n * math.log2(big_n)


def lwe_bytes(p):
    return (p["glweDimension"]["value"] * p["polynomialSize"]["value"] + 1) * 8


def main():
    a = argparse.ArgumentParser()
    a.add_argument("circuit")
    a.add_argument("--cpu-seconds", type=float, required=True, help="measured in-process CPU-s of one run")
    a.add_argument("--job-ms", type=float, required=True)
    a.add_argument("--task-ms", type=float, required=True)
    a.add_argument("--key-mb", type=float, required=True, help="seeded key file")
    a.add_argument("--expand-s", type=float, required=True, help="key load on one executor, seconds")
    a.add_argument("--net-gbit", type=float, default=10.0)
    a.add_argument("--cores", type=int, default=16)
    a.add_argument("--workers", default="4,16,64")
    a.add_argument("--heads", default="1,12")
    args = a.parse_args()
    circuit = json.load(open(args.circuit))
    bw = args.net_gbit * 1e9 / 8
    print("| circuit | workers x cores | first run (ships keys) | later runs (keys cached) "
          "| of which Spark + transfers | all CPU / cores | critical path |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for heads in [int(h) for h in args.heads.split(",")]:
        ls = lookups(circuit, heads)
        total_work = sum(n * fft_work(p) for n, p, _ in ls)
        per_work = args.cpu_seconds * heads / total_work
        pbs = sum(n for n, _, _ in ls)
        name = f"{heads} head(s), {pbs:,} PBS, {len(ls)} lookups"
        for w in [int(x) for x in args.workers.split(",")]:
            cores = w * args.cores
            keys = args.key_mb * 1e6 / bw * math.ceil(math.log2(w + 1)) + args.expand_s
            t = 0.0
            overhead = 0.0
            for n, p, src in ls:
                s = slice_size(n, cores)
                k = math.ceil(n / s)
                waves = math.ceil(k / cores)
                ti = fft_work(p) * per_work
                x = n * (lwe_bytes(src) + lwe_bytes(p)) / bw
                t += args.job_ms / 1e3 + waves * (s * ti + args.task_ms / 1e3) + x
                overhead += args.job_ms / 1e3 + waves * args.task_ms / 1e3 + x
            ideal = args.cpu_seconds * heads / cores
            floor = sum(min(n, MIN_SLICE) * fft_work(p) * per_work for n, p, _ in ls)
            print(f"| {name} | {w} x {args.cores} | {t + keys:.0f} s | {t:.1f} s | {overhead:.1f} s "
                  f"| {ideal:.1f} s | {floor:.1f} s |")

if __name__ == "__main__":
    main()
