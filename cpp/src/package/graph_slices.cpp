// write_graph_slices (see modelexport/graph_slices.h).
#include "modelexport/graph_slices.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "hierarchy/node_tags.h"
#include "modelexport/atomic_file.h"
#include "modelexport/onnx_model.h"
#include "onnx/model_access.h"

namespace modelexport {
namespace {

namespace fs = std::filesystem;

// Smaller initializers stay inline (the ONNX tools' default threshold): shapes and constants.
constexpr std::size_t kExternalThreshold = 1024;

void set_external(onnx::TensorProto& tensor, const std::string& location, std::uint64_t offset,
                  std::uint64_t length) {
  tensor.clear_external_data();
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"location", location},
                                   {"offset", std::to_string(offset)},
                                   {"length", std::to_string(length)}}) {
    auto* entry = tensor.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  }
  tensor.set_data_location(onnx::TensorProto::EXTERNAL);
}

// Inline weights of `graph` appended to `data_path`; the tensors point there afterwards.
void externalize_weights(onnx::GraphProto& graph, const fs::path& data_path) {
  const std::string location = data_path.filename().string();
  std::error_code ec;
  std::uint64_t offset = fs::exists(data_path, ec) ? fs::file_size(data_path) : 0;
  std::ofstream out(data_path, std::ios::binary | std::ios::app);
  if (!out) throw std::runtime_error(data_path.string() + ": cannot write external data");
  for (auto& tensor : *graph.mutable_initializer()) {
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL || !tensor.has_raw_data() ||
        tensor.raw_data().size() < kExternalThreshold) {
      continue;
    }
    const std::string& bytes = tensor.raw_data();
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    const std::uint64_t length = bytes.size();
    tensor.clear_raw_data();
    set_external(tensor, location, offset, length);
    offset += length;
  }
  out.close();
  if (!out) throw std::runtime_error(data_path.string() + ": write error");
}

onnx::ModelProto slice(const onnx::ModelProto& source, const GraphSlice& wanted) {
  const onnx::GraphProto& graph = source.graph();
  std::unordered_map<std::string_view, int> producer;
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const auto& output : graph.node(i).output()) {
      if (!output.empty()) producer[output] = i;
    }
  }
  std::unordered_map<std::string_view, const onnx::ValueInfoProto*> outputs;
  for (const auto& output : graph.output()) outputs[output.name()] = &output;

  std::vector<bool> needed(static_cast<std::size_t>(graph.node_size()), false);
  std::unordered_set<std::string_view> read;
  std::vector<std::string_view> pending;
  for (const auto& name : wanted.outputs) {
    if (!outputs.count(name)) {
      throw std::invalid_argument(wanted.file_name + ": the model has no output '" + name + "'");
    }
    pending.push_back(name);
  }
  while (!pending.empty()) {
    const std::string_view name = pending.back();
    pending.pop_back();
    if (!read.insert(name).second) continue;
    const auto it = producer.find(name);
    if (it == producer.end() || needed[static_cast<std::size_t>(it->second)]) continue;
    needed[static_cast<std::size_t>(it->second)] = true;
    for (std::string_view input : hierarchy::consumed_names(graph.node(it->second))) {
      pending.push_back(input);
    }
  }

  onnx::ModelProto result;
  result.set_ir_version(source.ir_version());
  *result.mutable_opset_import() = source.opset_import();
  *result.mutable_functions() = source.functions();
  result.set_producer_name(source.producer_name());
  result.set_producer_version(source.producer_version());
  auto* meta = result.add_metadata_props();
  meta->set_key("modelexport.graph_slice_of");
  meta->set_value("model.onnx");
  onnx::GraphProto& out = *result.mutable_graph();
  out.set_name(graph.name());
  for (const auto& input : graph.input()) {
    if (read.count(input.name())) *out.add_input() = input;
  }
  for (const auto& init : graph.initializer()) {
    if (read.count(init.name())) *out.add_initializer() = init;
  }
  for (int i = 0; i < graph.node_size(); ++i) {
    if (needed[static_cast<std::size_t>(i)]) *out.add_node() = graph.node(i);
  }
  for (const auto& value : graph.value_info()) {
    if (read.count(value.name())) *out.add_value_info() = value;
  }
  for (const auto& name : wanted.outputs) *out.add_output() = *outputs.at(name);
  return result;
}

}  // namespace

std::string external_data_name(const std::string& model_file_name) {
  return model_file_name + "_data";
}

void write_graph_slices(const std::string& model_path, const std::vector<GraphSlice>& slices) {
  const fs::path model_file(model_path);
  const fs::path directory = model_file.parent_path();
  const fs::path data_path = directory / external_data_name(model_file.filename().string());
  for (const auto& wanted : slices) {
    const fs::path target = directory / wanted.file_name;
    if (fs::path(wanted.file_name).filename() != fs::path(wanted.file_name) ||
        target == model_file || target == data_path) {
      throw std::invalid_argument(wanted.file_name + ": not a new file name beside the model");
    }
  }
  OnnxModel model = OnnxModel::load(model_path);
  onnx::ModelProto& proto = OnnxModelAccess::proto(model);
  externalize_weights(*proto.mutable_graph(), data_path);
  model.save(model_path);
  for (const auto& wanted : slices) {
    const std::string bytes = OnnxModelAccess::wrap(slice(proto, wanted)).serialize();
    write_file_atomically((directory / wanted.file_name).string(), bytes);
  }
}

}  // namespace modelexport
