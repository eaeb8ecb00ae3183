// Basic tensor vocabulary shared by every layer of bbs-dse: element types, shapes; and bbs::Error
// (core/error.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace bbs {

// The weight types (I8, I16, F16, BF16, F32, F64) and the other types PyTorch state dicts carry
// beside weights (BatchNorm's I64 num_batches_tracked, I32/U8 index buffers, BOOL masks): a file
// holding those loads, and they are skipped as weights (dtype_is_weight) and kept on write-back.
enum class DType : std::uint8_t { I8, I16, F16, BF16, F32, F64, BOOL, U8, I32, I64 };

std::string_view dtype_name(DType dtype);  // "I8", "I16", "F16", "BF16", "F32", "F64", ...
std::size_t dtype_bytes(DType dtype);
bool dtype_is_float(DType dtype);
bool dtype_is_weight(DType dtype);  // I8, I16 or a float type
// Every DType, for lookups by name.
inline constexpr DType kAllDTypes[] = {DType::I8,  DType::I16, DType::F16,  DType::BF16,
                                       DType::F32, DType::F64, DType::BOOL, DType::U8,
                                       DType::I32, DType::I64};

using Shape = std::vector<std::int64_t>;

std::int64_t element_count(const Shape& shape);
std::string shape_string(const Shape& shape);  // "[64, 3, 7, 7]"

// IEEE half / bfloat16 <-> float (round to nearest even on the way down).
float half_to_float(std::uint16_t bits);
float bfloat16_to_float(std::uint16_t bits);
std::uint16_t float_to_half(float value);
std::uint16_t float_to_bfloat16(float value);

}  // namespace bbs
