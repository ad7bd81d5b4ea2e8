#!/usr/bin/env bash
# Compiles every sample under several option sets with one fhec CLI jar and prints the SHA-256 of
# every bundle file, one line each. Run it with the jar of two commits and diff the outputs: a
# compiler refactoring that must not change its output (same circuits, bundles and reports) passes
# when the two lists are identical. manifest.json (its options' order varies from run to run) and
# checksums.json (which hashes it) are left out; the printed summary is hashed without its timing.
#
#   bin/compile-digests.sh cli/target/fhec-cli.jar [MODEL...] > before.txt   # (copy the jar first)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${1:?usage: compile-digests.sh FHEC_CLI_JAR [MODEL...]}"
shift
. "$here/bin/find-jdk.sh"
fhec_find_jdk || exit 1
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
s="$here/samples"
# A model, then options it always takes: the attention variants have no inputset of their own
# and are calibrated with their seed head's.
models=(
  gpt2-head-tiny/model.json gpt2-head-tiny/model.fhe gpt2-head/model.json gpt2-head/model.fhe
  minilm-head/model.json gk-attention-tiny/model.fhe
  "gk-attention-tiny/model.fhe --inputset=$s/gpt2-head-tiny/inputset.npz"
  "power-softmax-tiny/model.fhe --inputset=$s/gpt2-head-tiny/inputset.npz"
  "gk-attention/model.fhe --inputset=$s/gpt2-head/inputset.npz"
  "power-softmax/model.fhe --inputset=$s/gpt2-head/inputset.npz"
  "seed-lean/model.fhe --inputset=$s/gpt2-head/inputset.npz"
  gpt2-head-onnx/model.onnx minilm-attention-torch/model.onnx minilm-attention-onnx/model.onnx
)
if [ $# -gt 0 ]; then models=("$@"); fi
variants=(
  ""
  "--single-parameter"
  "--products=shared"
  "--products=quarter --round-to=4"
  "--max-keys=200MB"
  "--p-error=1e-4 --exact-rounding"
)
for m in "${models[@]}"; do
  for v in "${variants[@]}"; do
    tag="$(echo "${m/--inputset=$s\//calibrated-by=} $v" | tr -c 'A-Za-z0-9.=\n-' '_')"
    # shellcheck disable=SC2086
    if "$FHEC_JAVA_HOME/bin/java" -Xmx6g -Xss8m --add-modules jdk.incubator.vector -jar "$jar" \
        compile $s/$m $v -o "$out/$tag" >"$out/log" 2>"$out/err"; then
      (cd "$out/$tag" && sha256sum circuit.json program.ir report.json | sed "s|^|$tag |")
      echo "$tag $(tail -n +2 "$out/log" | sha256sum | cut -c1-64) stdout"
    else
      echo "$tag exit $? $(grep -v -e WARNING -e 'using inputset' "$out/err" | head -1)"
    fi
    rm -rf "${out:?}/$tag"
  done
done
