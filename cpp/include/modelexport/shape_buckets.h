// Shape buckets: one fixed-shape graph per sequence length, so a short input runs a short graph
// instead of being padded to the export length. Every bucket is the same graph with its
// sequence axis fixed to another length; all read one external weights file, so a package with
// four buckets stores (and, mapped by ONNX Runtime, loads) its weights once. model.onnx is the
// largest bucket, the graph Optimum and every other tool load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "modelexport/onnx_model.h"

namespace modelexport {

// The file of the bucket of `length` beside model.onnx ("model_seq16.onnx"); the largest
// bucket is model.onnx itself.
std::string shape_bucket_file(std::int64_t length);

// The default ladder for a package exported with `export_length` tokens: the powers of two from
// 16 and the halfway steps between them below it, then export_length itself
// ({16, 24, 32, 48, 64, 96, 128} for 128, {16, 24, 32, 48, 64, 96, 100} for 100, {12} for 12).
std::vector<std::int64_t> default_shape_buckets(std::int64_t export_length);

// Turns `model_path` (a graph whose inputs have the symbolic axis `axis_name`) into the largest
// bucket and writes the others beside it: moves its weights to the external data file
// (external_data_name), fixes `axis_name` to each length in every graph input, output and
// intermediate annotation, makes other symbolic dimensions of annotations unknown (ONNX Runtime
// infers them from the fixed inputs), and keeps nodes and tags as they are. Bucket files carry no
// package metadata, only "modelexport.shape_bucket_of". Throws std::invalid_argument when `lengths`
// is empty or not positive, or when no graph input has the axis.
void write_shape_buckets(const std::string& model_path, const std::string& axis_name,
                         std::vector<std::int64_t> lengths);

// Removes shapes.sequence_buckets from the model's hf_processor_config (and hf_export_config);
// returns the files of the smaller buckets it listed (nothing for a package without buckets).
// `origin` names the model in errors (std::invalid_argument for a corrupt value).
std::vector<std::string> forget_shape_buckets(OnnxModel& model, const std::string& origin);

// Makes a bucketed package one graph: forgets the buckets in model.onnx's metadata (rewritten in
// place) and deletes the smaller buckets' files beside it.
void remove_shape_buckets(const std::string& model_path);

}  // namespace modelexport
