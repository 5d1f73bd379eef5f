// TensorInfo: a graph input or output, as the ONNX file declares it and as an ONNX Runtime
// session sees it (one type for both).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace modelexport {

struct TensorInfo {
  std::string name;
  std::string element_type;  // "float32", "int64", ...; "non-tensor" for sequences and maps
  // One entry per axis: the size of a fixed axis, -1 for a dynamic one.
  std::vector<std::int64_t> dims;
  // One entry per axis: the symbolic name of a named dynamic axis, else "".
  std::vector<std::string> dim_names;
  bool rank_known = true;  // false when the model declares no shape at all

  // A size of 0 counts as dynamic, as the shape policy treats it.
  bool is_fixed(std::size_t axis) const { return axis < dims.size() && dims[axis] > 0; }
};

}  // namespace modelexport
