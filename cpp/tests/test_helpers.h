// Shared helpers for the C++ tests: a small real ONNX model built with the protobuf API and
// scratch directories that clean up after themselves.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace modelexport::testing {

// Serialized ONNX model: y = Identity(x) with x float32 [1, "sequence"] plus one initializer
// (which must not be listed as an input).
std::string identity_model_bytes();

// Serialized ONNX model: y = Cast<float>(input_ids) with input_ids int64 of `dims` (-1: a
// symbolic dimension).
std::string int64_input_model_bytes(const std::vector<std::int64_t>& dims);

class ScratchDir {
 public:
  ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

void write_text(const std::string& path, const std::string& contents);

}  // namespace modelexport::testing
