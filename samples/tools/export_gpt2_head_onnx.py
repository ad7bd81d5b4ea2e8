"""Exports the samples' GPT-2 attention head (samples/gpt2-head: synthetic N(0, 0.02) weights in
float.npz, GPT-2 shapes, causal mask with the seed's finite mask value) as a float ONNX model, and
runs onnxruntime on it. Writes samples/gpt2-head-onnx/{model.onnx, inputset.npz, reference.npz}.

Built with the onnx helper API (torch not installed, see export_onnx.py). The float inputs are the
seed's quantized inputs times meta.json:input_scale (the only float form the samples ship for the
calibration samples); x_test is vectors.npz:x_float.

Run: samples/tools/.venv/bin/python samples/tools/export_gpt2_head_onnx.py"""
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(__file__)
SRC = os.path.join(HERE, "..", "gpt2-head")
OUT = os.path.join(HERE, "..", "gpt2-head-onnx")


def main() -> None:
    meta = json.load(open(os.path.join(SRC, "meta.json")))
    f = np.load(os.path.join(SRC, "float.npz"))
    wts = np.load(os.path.join(SRC, "weights.npz"))
    n, d = meta["n_seq"], meta["d_head"]
    inits = [
        numpy_helper.from_array(f["W_qkv"].astype(np.float32), "W_qkv"),
        numpy_helper.from_array(f["b_qkv"].astype(np.float32), "b_qkv"),
        numpy_helper.from_array(np.array([d, d, d], dtype=np.int64), "split"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array(np.sqrt(d), dtype=np.float32), "sqrt_d"),
        numpy_helper.from_array(wts["causal_mask"].astype(bool), "causal_mask"),
        numpy_helper.from_array(np.array(meta["mask_value"], dtype=np.float32), "mask_value"),
    ]
    nodes = [
        helper.make_node("MatMul", ["x", "W_qkv"], ["mm"], name="/c_attn/MatMul"),
        helper.make_node("Add", ["mm", "b_qkv"], ["qkv"], name="/c_attn/Add"),
        helper.make_node("Split", ["qkv", "split"], ["q0", "k0", "v0"], name="/Split", axis=-1),
        helper.make_node("Unsqueeze", ["q0", "axis1"], ["q"], name="/Unsqueeze_q"),
        helper.make_node("Unsqueeze", ["k0", "axis1"], ["k"], name="/Unsqueeze_k"),
        helper.make_node("Unsqueeze", ["v0", "axis1"], ["v"], name="/Unsqueeze_v"),
        helper.make_node("Transpose", ["k"], ["kt"], name="/Transpose_k", perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["q", "kt"], ["scores"], name="/MatMul_qk"),
        helper.make_node("Div", ["scores", "sqrt_d"], ["scaled"], name="/Div"),
        helper.make_node("Where", ["causal_mask", "scaled", "mask_value"], ["masked"], name="/Where"),
        helper.make_node("Softmax", ["masked"], ["probs"], name="/Softmax", axis=-1),
        helper.make_node("MatMul", ["probs", "v"], ["y"], name="/MatMul_av"),
    ]
    graph = helper.make_graph(
        nodes, "gpt2_head0",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, n, 768])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, n, d])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="fhec samples/tools/export_gpt2_head_onnx.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "model.onnx")
    onnx.save_model(model, path)
    q_x = np.load(os.path.join(SRC, "inputset.npz"))["q_x"]
    calib = np.load(os.path.join(SRC, "inputset.npz"))["calibration"].astype(bool)
    x_cal = (q_x[calib] * meta["input_scale"]).astype(np.float32)  # (8, 1, 6, 768)
    x_test = np.load(os.path.join(SRC, "vectors.npz"))["x_float"][:, None].astype(np.float32)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    y = np.stack([sess.run(None, {"x": t})[0] for t in x_test])
    np.savez(os.path.join(OUT, "inputset.npz"), x=x_cal)
    np.savez(os.path.join(OUT, "reference.npz"), x=x_test, y=y)
    print("wrote", OUT, x_cal.shape, y.shape)


if __name__ == "__main__":
    main()
