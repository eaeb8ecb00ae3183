// Checks of the window attributes of ONNX convolution and pooling nodes, run before ONNX shape
// inference (which divides by the strides: a Conv with strides = [0, 0] passes the ONNX checker
// and then dies of SIGFPE).
#pragma once

#include <onnx/onnx_pb.h>

#include <filesystem>

namespace bbs::networks {

// For every Conv, ConvTranspose, ConvInteger, QLinearConv, MaxPool, AveragePool and LpPool node:
// strides, dilations and kernel_shape must be positive, pads non-negative, group positive, and
// the lists as long as the window has spatial dimensions (pads twice that), as the ONNX operator
// specification (https://onnx.ai/onnx/operators/onnx__Conv.html) requires. Throws bbs::Error
// naming the file, the node, the attribute and what was expected.
void check_window_attributes(const std::filesystem::path& path, const onnx::GraphProto& graph);

}  // namespace bbs::networks
