// An ONNX model file held in memory: load, inspect, edit model-level metadata, save atomically.
// The protobuf types stay behind a pimpl so this header needs only the standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "modelexport/tensor_info.h"

namespace modelexport {

using MetadataProps = std::vector<std::pair<std::string, std::string>>;

// The model-level metadata_props of the ONNX file at `path` (values as stored), read without
// parsing the graph: the graph and its weights are skipped on disk, so this costs a few
// kilobytes of memory whatever the model's size. Throws like OnnxModel::load; a damaged graph
// is not noticed here (ONNX Runtime reports it when it loads the model).
MetadataProps read_metadata_props(const std::string& path);

class OnnxModel {
 public:
  // Throws std::runtime_error when the file cannot be read and std::invalid_argument when its
  // bytes are not an ONNX model; both messages name the file.
  static OnnxModel load(const std::string& path);
  static OnnxModel parse(std::string_view bytes, const std::string& origin);

  OnnxModel(OnnxModel&&) noexcept;
  OnnxModel& operator=(OnnxModel&&) noexcept;
  ~OnnxModel();

  // Writes to a temporary file beside `path`, then renames it into place.
  void save(const std::string& path) const;
  std::string serialize() const;

  // Model-level metadata_props as stored (values not decoded), in file order.
  MetadataProps metadata_props() const;
  std::optional<std::string> metadata(std::string_view key) const;
  // Replaces the value of an existing key in place, or appends a new one.
  void set_metadata(std::string_view key, std::string_view value);
  bool erase_metadata(std::string_view key);

  // Graph inputs that are not initializers, and graph outputs.
  std::vector<TensorInfo> inputs() const;
  std::vector<TensorInfo> outputs() const;
  std::vector<std::pair<std::string, std::int64_t>> opset_imports() const;
  std::int64_t ir_version() const;
  std::string producer_name() const;
  std::string producer_version() const;
  std::size_t node_count() const;
  std::size_t initializer_count() const;

 private:
  struct Impl;
  friend struct OnnxModelAccess;  // the core's graph algorithms reach the protobuf through it
  explicit OnnxModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace modelexport
