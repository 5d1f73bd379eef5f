// Locating a package and describing it: the model file, its inputs/outputs, metadata and the
// files beside it. This is what `inspect` prints, in the native CLI and in Python alike.
#pragma once

#include <string>

namespace modelexport {

// A package directory resolves to its model.onnx; a .onnx file resolves to itself. Throws
// std::invalid_argument naming the path when neither exists.
std::string resolve_model_path(const std::string& path);

// A JSON document (compact) describing the package at `path`: model path, task, inputs and
// outputs with shapes, opsets, producer, source, decoded metadata (JSON values parsed) and the
// files of the package directory with their sizes. A single-file package: self_contained true,
// embedded_files (name, bytes, stored_bytes, crc32; verified) instead of the hf_embedded_files
// value, and files naming the .onnx alone.
std::string describe_package_json(const std::string& path);

}  // namespace modelexport
