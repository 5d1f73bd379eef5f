// Shape buckets (see modelexport/shape_buckets.h).
#include "modelexport/shape_buckets.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "modelexport/atomic_file.h"
#include "modelexport/graph_slices.h"
#include "modelexport/metadata.h"
#include "modelexport/onnx_model.h"
#include "onnx/external_data.h"
#include "onnx/model_access.h"
#include "text/json_document.h"

namespace modelexport {
namespace {

namespace fs = std::filesystem;

// Makes the symbolic dimensions of an intermediate annotation unknown: expressions of the fixed
// axis ("sequence_length + 1") no longer hold a name ONNX Runtime could bind to another size,
// while the element type (which module extraction needs) stays.
void forget_symbolic_dims(onnx::ValueInfoProto& value) {
  if (!value.type().has_tensor_type()) return;
  auto* shape = value.mutable_type()->mutable_tensor_type()->mutable_shape();
  for (auto& dim : *shape->mutable_dim()) {
    if (dim.has_dim_param()) dim.clear_dim_param();
  }
}

// Fixes every `axis_name` dimension of `value` to `length`; true when it had one.
bool fix_axis(onnx::ValueInfoProto& value, const std::string& axis_name, std::int64_t length) {
  bool fixed = false;
  if (!value.type().has_tensor_type()) return false;
  auto* shape = value.mutable_type()->mutable_tensor_type()->mutable_shape();
  for (auto& dim : *shape->mutable_dim()) {
    if (dim.has_dim_param() && dim.dim_param() == axis_name) {
      dim.set_dim_value(length);  // clears dim_param (a oneof)
      fixed = true;
    }
  }
  return fixed;
}

onnx::ModelProto bucket(const onnx::ModelProto& source, const std::string& axis_name,
                        std::int64_t length) {
  onnx::ModelProto model = source;
  onnx::GraphProto& graph = *model.mutable_graph();
  for (auto& input : *graph.mutable_input()) fix_axis(input, axis_name, length);
  for (auto& output : *graph.mutable_output()) fix_axis(output, axis_name, length);
  for (auto& value : *graph.mutable_value_info()) {
    fix_axis(value, axis_name, length);
    forget_symbolic_dims(value);
  }
  return model;
}

}  // namespace

std::string shape_bucket_file(std::int64_t length) {
  return "model_seq" + std::to_string(length) + ".onnx";
}

std::vector<std::int64_t> default_shape_buckets(std::int64_t export_length) {
  // Powers of two and the halfway steps between them: an input is padded by at most half its
  // length (a 2x ladder pads a 33-token input to 64 and costs up to twice its run time).
  std::vector<std::int64_t> lengths;
  for (std::int64_t power = 16; power < export_length; power *= 2) {
    lengths.push_back(power);
    if (power + power / 2 < export_length) lengths.push_back(power + power / 2);
  }
  lengths.push_back(export_length);
  return lengths;
}

void write_shape_buckets(const std::string& model_path, const std::string& axis_name,
                         std::vector<std::int64_t> lengths) {
  if (lengths.empty()) throw std::invalid_argument("shape buckets: no lengths given");
  std::sort(lengths.begin(), lengths.end());
  lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
  if (lengths.front() < 1) {
    throw std::invalid_argument("shape buckets: lengths must be positive, got " +
                                std::to_string(lengths.front()));
  }
  const fs::path model_file(model_path);
  const fs::path directory = model_file.parent_path();
  OnnxModel model = OnnxModel::load(model_path);
  onnx::ModelProto& proto = OnnxModelAccess::proto(model);
  const auto& inputs = proto.graph().input();
  if (std::none_of(inputs.begin(), inputs.end(), [&](const onnx::ValueInfoProto& input) {
        for (const auto& dim : input.type().tensor_type().shape().dim()) {
          if (dim.has_dim_param() && dim.dim_param() == axis_name) return true;
        }
        return false;
      })) {
    throw std::invalid_argument(model_path + ": no input has the axis '" + axis_name + "'");
  }
  // The weights first: every bucket below is then a copy of the small graph only.
  externalize_weights(*proto.mutable_graph(),
                      directory / external_data_name(model_file.filename().string()));
  for (auto it = lengths.begin(); it + 1 < lengths.end(); ++it) {
    onnx::ModelProto small = bucket(proto, axis_name, *it);
    small.clear_metadata_props();
    auto* marker = small.add_metadata_props();
    marker->set_key("modelexport.shape_bucket_of");
    marker->set_value(model_file.filename().string());
    write_file_atomically((directory / shape_bucket_file(*it)).string(),
                          OnnxModelAccess::wrap(std::move(small)).serialize());
  }
  proto = bucket(proto, axis_name, lengths.back());
  model.save(model_path);
}

std::vector<std::string> forget_shape_buckets(OnnxModel& model, const std::string& origin) {
  std::vector<std::string> files;
  for (const std::string_view key :
       {metadata_keys::kProcessorConfig, metadata_keys::kExportConfig}) {
    const std::string name(key);
    const auto stored = model.metadata(name);
    if (!stored) continue;
    nlohmann::json config = text::parse_json_document<nlohmann::json>(
        decode_metadata_value(*stored, name), origin + ": " + name,
        text::JsonNumbers::kCorrectlyRounded);
    nlohmann::json* holder = &config;
    if (key == metadata_keys::kProcessorConfig) {
      if (!config.is_object() || !config.contains("shapes")) continue;
      holder = &config["shapes"];
    }
    if (!holder->is_object() || !holder->contains("sequence_buckets")) continue;
    const nlohmann::json& lengths = (*holder)["sequence_buckets"];
    if (key == metadata_keys::kProcessorConfig && lengths.is_array()) {
      for (std::size_t i = 0; i + 1 < lengths.size(); ++i) {
        if (lengths[i].is_number_integer()) {
          files.push_back(shape_bucket_file(lengths[i].get<std::int64_t>()));
        }
      }
    }
    holder->erase("sequence_buckets");
    model.set_metadata(name, encode_metadata_value(config.dump()));
  }
  return files;
}

void remove_shape_buckets(const std::string& model_path) {
  OnnxModel model = OnnxModel::load(model_path);
  const std::vector<std::string> files = forget_shape_buckets(model, model_path);
  model.save(model_path);
  const fs::path directory = fs::path(model_path).parent_path();
  for (const auto& file : files) {
    std::error_code ec;
    fs::remove(directory / file, ec);
  }
}

}  // namespace modelexport
