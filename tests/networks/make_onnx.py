"""Writes the ONNX models the network tests import (ir_version 8, opset 13).

usage: make_onnx.py OUTPUT_DIR
  small_cnn.onnx       conv 3x3 -> relu -> maxpool -> depthwise conv + residual add ->
                       global average pool -> flatten -> Gemm (PyTorch export style, transB=1)
  attention.onnx       one self-attention block on [1, 16, 32]: q/k/v/o projections as MatMul
                       with [in, out] initializers, 4 heads, score and context MatMuls, softmax
  malformed.onnx       bytes that are not a protobuf ModelProto
  bad_conv_shape.onnx  a conv whose weight does not fit its input channels
  bad_attr_*.onnx      small_cnn with one invalid window attribute that passes the ONNX checker
                       (BAD_ATTRIBUTES: conv1 strides 0 used to die of SIGFPE in shape inference)
"""
import os
import sys

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper, save

rng = np.random.default_rng(0)


def init(name, *shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


def const_i64(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def model(nodes, name, inputs, outputs, initializers):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="bbs-dse tests")
    m.ir_version = 8
    return m


# file suffix -> (node, attribute overrides); the test expects the node and attribute named.
BAD_ATTRIBUTES = {
    "conv_strides_0": ("conv1", {"strides": [0, 0]}),
    "conv_dilations_0": ("conv1", {"dilations": [1, 0]}),
    "conv_pads_negative": ("conv1", {"pads": [1, -2, 1, 1]}),
    "conv_pads_short": ("conv1", {"pads": [1, 1]}),
    "conv_kernel_0": ("conv1", {"kernel_shape": [0, 3]}),
    "conv_group_0": ("conv1", {"group": 0}),
    "pool_strides_0": ("pool1", {"strides": [0, 2]}),
}


def small_cnn(conv1_in=3, overrides=None):
    conv1 = {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}
    pool1 = {"kernel_shape": [2, 2], "strides": [2, 2]}
    if overrides:
        {"conv1": conv1, "pool1": pool1}[overrides[0]].update(overrides[1])
    nodes = [
        helper.make_node("Conv", ["image", "conv1.weight", "conv1.bias"], ["c1"], name="conv1",
                         **conv1),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", **pool1),
        helper.make_node("Conv", ["p1", "dw.weight"], ["c2"], name="dw", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], group=8),
        helper.make_node("Add", ["c2", "p1"], ["a1"], name="residual"),
        helper.make_node("GlobalAveragePool", ["a1"], ["g1"], name="gap"),
        helper.make_node("Flatten", ["g1"], ["f1"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f1", "fc.weight", "fc.bias"], ["logits"], name="fc",
                         transB=1),
    ]
    inits = [init("conv1.weight", 8, conv1_in, 3, 3), init("conv1.bias", 8),
             init("dw.weight", 8, 1, 3, 3), init("fc.weight", 10, 8), init("fc.bias", 10)]
    return model(nodes, "small_cnn",
                 [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 32, 32])],
                 [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [None, None])], inits)


def attention():
    tokens, dim, heads = 16, 32, 4
    head_dim = dim // heads
    nodes, inits = [], [const_i64("heads_shape", [1, tokens, heads, head_dim]),
                        const_i64("merged_shape", [1, tokens, dim])]
    for p in ("q", "k", "v"):
        inits += [init(f"attn.{p}_proj.weight_t", dim, dim), init(f"attn.{p}_proj.bias", dim)]
        nodes += [
            helper.make_node("MatMul", ["x", f"attn.{p}_proj.weight_t"], [f"{p}0"], name=f"{p}_proj"),
            helper.make_node("Add", [f"{p}0", f"attn.{p}_proj.bias"], [f"{p}1"], name=f"{p}_bias"),
            helper.make_node("Reshape", [f"{p}1", "heads_shape"], [f"{p}2"], name=f"{p}_split"),
        ]
    nodes += [
        helper.make_node("Transpose", ["q2"], ["q3"], name="q_heads", perm=[0, 2, 1, 3]),
        helper.make_node("Transpose", ["k2"], ["k3"], name="k_heads_t", perm=[0, 2, 3, 1]),
        helper.make_node("Transpose", ["v2"], ["v3"], name="v_heads", perm=[0, 2, 1, 3]),
        helper.make_node("MatMul", ["q3", "k3"], ["scores"], name="scores"),
        helper.make_node("Softmax", ["scores"], ["probs"], name="softmax", axis=-1),
        helper.make_node("MatMul", ["probs", "v3"], ["ctx"], name="context"),
        helper.make_node("Transpose", ["ctx"], ["ctx_t"], name="merge_t", perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["ctx_t", "merged_shape"], ["ctx_m"], name="merge"),
        helper.make_node("MatMul", ["ctx_m", "attn.o_proj.weight_t"], ["y"], name="o_proj"),
    ]
    inits.append(init("attn.o_proj.weight_t", dim, dim))
    return model(nodes, "attention",
                 [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, tokens, dim])],
                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, None, None])], inits)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    save(small_cnn(), os.path.join(out, "small_cnn.onnx"))
    save(attention(), os.path.join(out, "attention.onnx"))
    save(small_cnn(conv1_in=4), os.path.join(out, "bad_conv_shape.onnx"))
    for suffix, overrides in BAD_ATTRIBUTES.items():
        bad = small_cnn(overrides=overrides)
        checker.check_model(bad)  # each passes the ONNX checker: only the importer can refuse it
        save(bad, os.path.join(out, f"bad_attr_{suffix}.onnx"))
    with open(os.path.join(out, "malformed.onnx"), "wb") as f:
        f.write(b"\x08\x08\x12\x07not an onnx model\xff\xff\xff")


if __name__ == "__main__":
    main()
