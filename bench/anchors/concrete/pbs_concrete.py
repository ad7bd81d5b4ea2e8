"""Per-bootstrap throughput of concrete-python's runtime, to set beside fhec's ThroughputAnchor.

Compiles one table lookup over a vector of COUNT p-bit elements (one parameter set: MONO), prints the
parameters concrete's optimizer chose in ThroughputAnchor's partition form n/k/N/pbsBase/pbsLevels/
ksBase/ksLevels, then times ROUNDS runs of the encrypted circuit (concrete's runtime with its own
loop parallelism) in wall and process CPU time. Bench tooling only (issue 11's work rate: complexity
per CPU-second against concrete-python's runtime).

Usage: pbs_concrete.py WIDTH COUNT [ROUNDS]   -> one JSON line
"""
import json
import resource
import sys
import time

import numpy as np
from concrete import fhe

width, count = int(sys.argv[1]), int(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
p = 1 << width
table = fhe.LookupTable([(3 * i + 1) % p for i in range(p)])


@fhe.compiler({"x": "encrypted"})
def lookup(x):
    return table[x]


rng = np.random.default_rng(1)
inputset = [rng.integers(0, p, size=count) for _ in range(10)] + [np.arange(count) % p]
circuit = lookup.compile(
    inputset,
    fhe.Configuration(parameter_selection_strategy=fhe.ParameterSelectionStrategy.MONO),
)
info = circuit.client.specs.program_info.get_keyset_info()
(bsk,) = info.bootstrap_keys()
ksk = info.keyswitch_keys()[0]
spec = "/".join(
    str(v)
    for v in (
        bsk.input_lwe_dimension(),
        bsk.glwe_dimension(),
        bsk.polynomial_size(),
        bsk.base_log(),
        bsk.level(),
        ksk.base_log(),
        ksk.level(),
    )
)
circuit.keygen()
x = np.arange(count) % p
expected = np.array([(3 * v + 1) % p for v in x])
walls, cpus, wrong = [], [], 0


def cpu_now():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


encrypted = circuit.encrypt(x)
circuit.run(encrypted)  # warm-up
for _ in range(rounds):
    encrypted = circuit.encrypt(x)
    c0, w0 = cpu_now(), time.perf_counter()
    result = circuit.run(encrypted)
    walls.append(time.perf_counter() - w0)
    cpus.append(cpu_now() - c0)
    wrong += int(np.sum(circuit.decrypt(result) != expected))
print(
    json.dumps(
        {
            "impl": "concrete-python",
            "width": width,
            "spec": spec,
            "count": count,
            "pbs": circuit.programmable_bootstrap_count,
            "complexity": circuit.complexity,
            "wall_s_median": float(np.median(walls)),
            "cpu_s_median": float(np.median(cpus)),
            "pbs_per_cpu_s": count / float(np.median(cpus)),
            "pbs_per_s": count / float(np.median(walls)),
            "wrong": wrong,
        }
    )
)
