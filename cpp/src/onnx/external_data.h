// Weights kept in external data (model.onnx_data): finding the tensors that reference it and
// reading their bytes, from files inside the model's folder only. Internal to the core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "onnx/onnx-ml.pb.h"

namespace modelexport {

// Where a tensor's external data lies (its external_data entries, parsed).
struct ExternalRef {
  std::string location;
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
};

// Throws std::invalid_argument naming the tensor when an entry is malformed or has no location.
ExternalRef external_ref(const onnx::TensorProto& tensor);

// The bytes of an external tensor, read from its file inside `directory` only; throws
// std::invalid_argument naming the tensor or the file when the location escapes the folder or
// the range lies past the end of the file.
std::string read_external(const onnx::TensorProto& tensor, const std::filesystem::path& directory);

// Every tensor of the graph (initializers, tensor attributes, subgraphs, recursively) whose data
// is external.
std::vector<onnx::TensorProto*> external_tensors(onnx::GraphProto& graph);

// Moves the inline initializers of `graph` of kExternalThreshold bytes or more to the end of
// `data_path` (created when missing); the tensors point there afterwards. Each starts at a
// multiple of kExternalAlignment, so ONNX Runtime can map it from the file instead of copying it
// (what lets several graphs that share the file share its pages). Tensors already external stay.
inline constexpr std::size_t kExternalThreshold = 1024;  // smaller ones (shapes) stay inline
inline constexpr std::uint64_t kExternalAlignment = 4096;
void externalize_weights(onnx::GraphProto& graph, const std::filesystem::path& data_path);

// Moves the external data of every tensor of `model` into the protobuf (raw_data). Returns how
// many bytes it inlined.
std::uint64_t inline_external_data(onnx::ModelProto& model, const std::filesystem::path& directory);

}  // namespace modelexport
