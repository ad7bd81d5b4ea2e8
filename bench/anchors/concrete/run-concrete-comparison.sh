#!/usr/bin/env bash
# Compiles samples/gpt2-head with concrete-python (throw-away venv, pinned PyPI version) and prints
# bit-width, PBS count, complexity, chosen parameters and compile time next to fhec's figures for
# the same model.json. fhec's figures: from `./fhec compile ... --json` when that command exists,
# otherwise from the optional argument FHEC_JSON (a file holding that output; fhec-gpt2-head.json
# here is the output of the cli branch's `fhec compile samples/gpt2-head/model.json --json -o ...`
# at commit affe4ee, recorded before the CLI reached main).
# Usage: bench/anchors/concrete/run-concrete-comparison.sh [FHEC_JSON]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
VERSION=2.11.0
if [[ ! -x "$HERE/.venv/bin/python" ]] || ! "$HERE/.venv/bin/pip" show -q concrete-python >/dev/null 2>&1; then
  python3 -m venv "$HERE/.venv"
  "$HERE/.venv/bin/pip" install -q "concrete-python==$VERSION" "setuptools<70"  # concrete imports pkg_resources
fi
FHEC_JSON="${1:-}"
if [[ -z "$FHEC_JSON" ]] && (cd "$ROOT" && ./fhec compile --help >/dev/null 2>&1); then
  FHEC_JSON="$(mktemp)"
  BUNDLE="$(mktemp -d)/head.fhec"
  (cd "$ROOT" && ./fhec compile samples/gpt2-head/model.json --json -o "$BUNDLE") > "$FHEC_JSON"
fi
"$HERE/.venv/bin/python" "$HERE/head_concrete.py" "$ROOT/samples/gpt2-head" ${FHEC_JSON:+--fhec-json "$FHEC_JSON"}
