#!/usr/bin/env bash
# Per-bootstrap work rate, fhec's runtime vs concrete-python 2.11's, on the parameter set concrete's
# optimizer picks for one p-bit lookup over a vector (pbs_concrete.py prints it in ThroughputAnchor's
# partition form). Complexity per CPU-second is the issue-11 work-rate metric; this splits it per set.
# Raw JSON lines go to stdout (append them to a .jsonl). Bench tooling only.
#
# Usage: bench/anchors/concrete/run-pbs-vs-concrete.sh JAR PYTHON "WIDTH:COUNT ..." [ROUNDS]
set -euo pipefail
JAR="$1"; PY="$2"; SPECS="$3"; ROUNDS="${4:-3}"
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
for spec in $SPECS; do
  IFS=: read -r width count <<< "$spec"
  line="$("$PY" "$ROOT/bench/anchors/concrete/pbs_concrete.py" "$width" "$count" "$ROUNDS" 2>/dev/null | tail -1)"
  echo "$line"
  set_spec="$(sed 's/.*"spec": "\([^"]*\)".*/\1/' <<< "$line")"
  for threads in 1 2; do
    "$JAVA" -Xmx10g --add-modules jdk.incubator.vector -cp "$JAR" dev.fhec.bench.ThroughputAnchor \
      "$set_spec" "$width" "$count" "$threads" "$ROUNDS" 2> >(grep -v WARNING >&2)
  done
done
