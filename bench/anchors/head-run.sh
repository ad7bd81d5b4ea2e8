#!/usr/bin/env bash
# The full seed head with 6-bit approximate rounding, encrypted, timed: fhec compile / keygen / encrypt
# (test vector 0) into WORKDIR, then `fhec run` under /usr/bin/time with the per-instruction profile,
# then decrypt. Set FHEC to time another build's launcher (e.g. a worktree of an earlier commit).
# The issue-11 work rate is the compile report's complexity over the run's CPU seconds; run
# `bench/anchors/concrete/head_concrete.py samples/gpt2-head --round-to 6 --run` beside it.
#
# Usage: bench/anchors/head-run.sh WORKDIR prep|run
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
F="${FHEC:-$ROOT/fhec}"
mkdir -p "$1"
cd "$1"
if [[ "$2" == prep ]]; then
  "$F" compile "$ROOT/samples/gpt2-head/model.json" --round-to 6 -o h.fhec > compile.log 2>&1
  "$F" keygen h.fhec -o keys --force > keygen.log 2>&1
  "$F" encrypt --bundle h.fhec --keys keys "$ROOT/samples/gpt2-head/vectors.npz" --sample 0 -o x.ct > enc.log 2>&1
  exit 0
fi
FHEC_JAVA_OPTS=-Dfhec.profile=true /usr/bin/time -f "wall=%e user=%U sys=%S maxrss_kb=%M" \
  "$F" run --bundle h.fhec --eval-keys keys/eval.keys x.ct -o y.ct > run.log 2>&1
"$F" decrypt --keys keys y.ct -o y.json > dec.log 2>&1
echo "done $(date -u +%H:%M:%S) load=$(cut -d' ' -f1-3 /proc/loadavg)" >> run.log
tail -3 run.log
