// Self-contained single-file packages: one .onnx whose metadata embeds every file the package
// folder had beside model.onnx (config.json, tokenizer and processor files, export_metadata.json,
// model_hierarchy.json, sentence-transformers module folders), each gzip-compressed, base64-encoded
// and checked by size and CRC-32, under the metadata key hf_embedded_files
// (docs/package_format.md). pack_package writes one from a package folder (weights kept in
// external data are inlined), unpack_package restores the folder; Package::open serves the
// embedded files from memory. The embedded files are data from strangers: names, sizes and
// contents are checked where they are decoded, against the limits in limits.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace modelexport {

// One embedded file as the manifest describes it.
struct EmbeddedFile {
  std::string name;        // relative, '/'-separated: "tokenizer.json", "1_Pooling/config.json"
  std::uint64_t size = 0;  // bytes once decoded
  std::uint64_t stored_size = 0;  // bytes in the .onnx (the base64 text of its gzip)
  std::uint32_t crc32 = 0;        // of the decoded bytes
};

// An embedded file with its contents.
struct EmbeddedFileData {
  EmbeddedFile info;
  std::string bytes;
};

// The hf_embedded_files value for `files` (name, bytes), in the given order. Throws
// std::invalid_argument naming the file when a name is not a safe relative path, is reserved
// (model.onnx, model.onnx_data) or repeated, or a file is over the limits.
std::string encode_embedded_files(const std::vector<std::pair<std::string, std::string>>& files);

// Every file of an hf_embedded_files value, decoded and verified (name, base64, gzip, size,
// CRC-32, limits). Throws std::invalid_argument, one line starting with `origin` and naming the
// file and the problem.
std::vector<EmbeddedFileData> decode_embedded_files(std::string_view value,
                                                    const std::string& origin);

// What pack_package did.
struct PackResult {
  std::string output_path;
  std::uint64_t bytes = 0;         // of the single file
  std::uint64_t folder_bytes = 0;  // of the package folder it came from (model, weights, files)
  bool inlined_external_data = false;
  std::vector<EmbeddedFile> files;
  // The smaller shape buckets left out (a single file holds one graph: model.onnx, the largest).
  std::vector<std::string> dropped_buckets;
};

// Writes the package at `package_path` (a folder or its model.onnx) as the single file
// `output_path`, atomically: the model with its external data inlined and every other file of
// the folder embedded. Refuses (std::invalid_argument, naming what) a model that is not a
// modelexport package or is already a single file, a file that resolves outside the folder, an
// existing output unless `overwrite`, an output that is the source, a graph beside the model
// other than a shape bucket, and a result over protobuf's 2 GB limit (kMaxSingleFileBytes). Shape
// buckets are left out: the single file runs every input on model.onnx, the largest.
PackResult pack_package(const std::string& package_path, const std::string& output_path,
                        bool overwrite = false);

// Restores the package folder of the single file `model_path` into `output_dir` (which must not
// exist, or be an empty folder): model.onnx without hf_embedded_files, and every embedded file
// byte for byte. Built in a temporary folder beside `output_dir` and renamed at the end: a
// failure leaves nothing behind. Throws std::invalid_argument for a file that is not a
// single-file package or a corrupt embedded file.
void unpack_package(const std::string& model_path, const std::string& output_dir);

// Writes only the embedded files of `model_path` into the existing folder `output_dir` (for
// tools that need the processor files as files). Returns their names. Refuses to overwrite.
std::vector<std::string> extract_embedded_files(const std::string& model_path,
                                                const std::string& output_dir);

}  // namespace modelexport
