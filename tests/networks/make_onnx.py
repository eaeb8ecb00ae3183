"""Writes the ONNX models the network tests import (ir_version 8, opset 13).

usage: make_onnx.py OUTPUT_DIR
  small_cnn.onnx       conv 3x3 -> relu -> maxpool -> depthwise conv + residual add ->
                       global average pool -> flatten -> Gemm (PyTorch export style, transB=1)
  attention.onnx       one self-attention block on [1, 16, 32]: q/k/v/o projections as MatMul
                       with [in, out] initializers, 4 heads, score and context MatMuls, softmax
  malformed.onnx       bytes that are not a protobuf ModelProto
  bad_conv_shape.onnx  a conv whose weight does not fit its input channels
  nan_weight.onnx      small_cnn with a NaN in conv1.weight
  torch_names.onnx     torch.onnx-style names ("/layer1/layer1.0/conv1/Conv", initializers
                       "onnx::Conv_20") and a static batch of 1: conv 3->8, conv 8->8, Gemm 8->10
  int8_fc.onnx         Gemm with an INT8 initializer "fc.weight" [32, 64]: even inputs 48, odd 3
                       (channel maximum 48); float_fc.onnx: the same values as float32
  int8_cnn.onnx        conv [16, 8, 3, 3] and Gemm [10, 16] with INT8 initializers, channel
                       maxima 20..60; the integers also as int8_cnn.<initializer>.npy
  qdq_cnn.onnx         the same integers through DequantizeLinear (ONNX QDQ): conv with a
                       per-channel scale (axis 0), MatMul [16, 10] with a per-output-channel scale
                       (axis 1); zero points 0; an int32 conv bias through DequantizeLinear too;
                       integers as qdq_cnn.<initializer>.npy
  qdq_zero_point.onnx  qdq_cnn with a non-zero conv weight zero point (refused)
  large_weights.onnx   weights above the importer's lazy-read size (64 KiB): MatMul [256, 128]
                       ([in, out]), a bias Add of 32768 values through a Reshape (read by
                       constant folding), Gemm [256, 128] (transB=1)
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


def small_ints(rng_, shape, low=20, high=60):
    """int8 weights whose output channel k has maximum |w| in [low, high] (well below 127)."""
    maxima = rng_.integers(low, high + 1, shape[0])
    w = np.stack([rng_.integers(-m, m + 1, shape[1:]) for m in maxima])
    for k, m in enumerate(maxima):  # make the maximum exact
        w[k].flat[0] = m
    return w.astype(np.int8)


def nan_weight():
    m = small_cnn()
    for t in m.graph.initializer:
        if t.name == "conv1.weight":
            values = numpy_helper.to_array(t).copy()
            values.flat[5] = np.nan
            t.CopyFrom(numpy_helper.from_array(values, t.name))
    return m


def torch_names():
    nodes = [
        helper.make_node("Conv", ["input", "onnx::Conv_20"], ["c1"], name="/conv1/Conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="/relu/Relu"),
        helper.make_node("Conv", ["r1", "onnx::Conv_21"], ["c2"],
                         name="/layer1/layer1.0/conv1/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("GlobalAveragePool", ["c2"], ["g1"], name="/avgpool/GlobalAveragePool"),
        helper.make_node("Flatten", ["g1"], ["f1"], name="/Flatten", axis=1),
        helper.make_node("Gemm", ["f1", "fc.weight", "fc.bias"], ["logits"], name="/fc/Gemm",
                         transB=1),
    ]
    inits = [init("onnx::Conv_20", 8, 3, 3, 3), init("onnx::Conv_21", 8, 8, 3, 3),
             init("fc.weight", 10, 8), init("fc.bias", 10)]
    return model(nodes, "torch_names",
                 [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 16, 16])],
                 [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)


def fc_weights():
    w = np.empty((32, 64), np.int8)
    w[:, 0::2], w[:, 1::2] = 48, 3
    return w


def fc_model(weight):
    nodes = [helper.make_node("Gemm", ["x", "fc.weight"], ["y"], name="/fc/Gemm", transB=1)]
    return model(nodes, "fc", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 32])],
                 [numpy_helper.from_array(weight, "fc.weight")])


def int8_cnn(out, qdq=False, zero_point=0):
    """conv 8->16 (3x3) -> global pool -> flatten -> linear 16->10, int8 weights."""
    r = np.random.default_rng(3)
    conv, fc = small_ints(r, (16, 8, 3, 3)), small_ints(r, (10, 16))
    stem = "qdq_cnn" if qdq else "int8_cnn"
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 8, 12, 10])
    logits = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])
    tail = [helper.make_node("GlobalAveragePool", ["c1"], ["g1"], name="/pool/GlobalAveragePool"),
            helper.make_node("Flatten", ["g1"], ["f1"], name="/Flatten", axis=1)]
    if not qdq:
        nodes = [helper.make_node("Conv", ["image", "conv.weight"], ["c1"], name="/conv/Conv",
                                  kernel_shape=[3, 3], pads=[1, 1, 1, 1])] + tail + [
            helper.make_node("Gemm", ["f1", "fc.weight"], ["logits"], name="/fc/Gemm", transB=1)]
        inits = [numpy_helper.from_array(conv, "conv.weight"),
                 numpy_helper.from_array(fc, "fc.weight")]
        np.save(os.path.join(out, f"{stem}.conv.weight.npy"), conv)
        np.save(os.path.join(out, f"{stem}.fc.weight.npy"), fc)
        return model(nodes, stem, [image], [logits], inits)
    fc_in_out = np.ascontiguousarray(fc.T)  # MatMul weight [in, out]
    conv_zp = np.zeros(16, np.int8)
    conv_zp[3] = zero_point
    nodes = [
        helper.make_node("DequantizeLinear", ["onnx::Conv_5_quantized", "onnx::Conv_5_scale",
                                              "onnx::Conv_5_zero_point"], ["w_conv"],
                         name="/layer1/layer1.0/conv1/weight_dq", axis=0),
        helper.make_node("DequantizeLinear", ["conv.bias_quantized", "conv.bias_scale"], ["b_conv"],
                         name="/layer1/layer1.0/conv1/bias_dq", axis=0),
        helper.make_node("Conv", ["image", "w_conv", "b_conv"], ["c1"],
                         name="/layer1/layer1.0/conv1/Conv", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
    ] + tail + [
        helper.make_node("DequantizeLinear", ["onnx::MatMul_9_quantized", "onnx::MatMul_9_scale",
                                              "onnx::MatMul_9_zero_point"], ["w_fc"],
                         name="/fc/weight_dq", axis=1),
        helper.make_node("MatMul", ["f1", "w_fc"], ["logits"], name="/fc/MatMul"),
    ]
    inits = [numpy_helper.from_array(conv, "onnx::Conv_5_quantized"),
             numpy_helper.from_array(np.linspace(0.01, 0.02, 16).astype(np.float32),
                                     "onnx::Conv_5_scale"),
             numpy_helper.from_array(conv_zp, "onnx::Conv_5_zero_point"),
             numpy_helper.from_array(np.arange(16, dtype=np.int32), "conv.bias_quantized"),
             numpy_helper.from_array(np.full(16, 1e-4, np.float32), "conv.bias_scale"),
             numpy_helper.from_array(fc_in_out, "onnx::MatMul_9_quantized"),
             numpy_helper.from_array(np.linspace(0.1, 0.2, 10).astype(np.float32),
                                     "onnx::MatMul_9_scale"),
             numpy_helper.from_array(np.zeros(10, np.int8), "onnx::MatMul_9_zero_point")]
    if zero_point == 0:
        np.save(os.path.join(out, f"{stem}.conv.weight.npy"), conv)
        np.save(os.path.join(out, f"{stem}.fc.weight.npy"), fc)
    return model(nodes, stem, [image], [logits], inits)


def large_weights():
    nodes = [helper.make_node("MatMul", ["x", "proj.weight"], ["h"], name="/proj/MatMul"),
             helper.make_node("Reshape", ["b_flat", "b_shape"], ["b"], name="/bias/Reshape"),
             helper.make_node("Add", ["h", "b"], ["hb"], name="/bias/Add"),
             helper.make_node("Gemm", ["hb", "fc.weight"], ["y"], name="/fc/Gemm", transB=1)]
    return model(nodes, "large_weights",
                 [helper.make_tensor_value_info("x", TensorProto.FLOAT, [256, 256])],
                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, [256, 256])],
                 [init("proj.weight", 256, 128), init("b_flat", 256 * 128),
                  const_i64("b_shape", [256, 128]), init("fc.weight", 256, 128)])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    save(small_cnn(), os.path.join(out, "small_cnn.onnx"))
    save(attention(), os.path.join(out, "attention.onnx"))
    save(small_cnn(conv1_in=4), os.path.join(out, "bad_conv_shape.onnx"))
    save(nan_weight(), os.path.join(out, "nan_weight.onnx"))
    save(torch_names(), os.path.join(out, "torch_names.onnx"))
    save(fc_model(fc_weights()), os.path.join(out, "int8_fc.onnx"))
    save(fc_model(fc_weights().astype(np.float32)), os.path.join(out, "float_fc.onnx"))
    save(int8_cnn(out), os.path.join(out, "int8_cnn.onnx"))
    save(int8_cnn(out, qdq=True), os.path.join(out, "qdq_cnn.onnx"))
    save(int8_cnn(out, qdq=True, zero_point=5), os.path.join(out, "qdq_zero_point.onnx"))
    save(large_weights(), os.path.join(out, "large_weights.onnx"))
    for suffix, overrides in BAD_ATTRIBUTES.items():
        bad = small_cnn(overrides=overrides)
        checker.check_model(bad)  # each passes the ONNX checker: only the importer can refuse it
        save(bad, os.path.join(out, f"bad_attr_{suffix}.onnx"))
    with open(os.path.join(out, "malformed.onnx"), "wb") as f:
        f.write(b"\x08\x08\x12\x07not an onnx model\xff\xff\xff")


if __name__ == "__main__":
    main()
