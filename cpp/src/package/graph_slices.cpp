// write_graph_slices (see modelexport/graph_slices.h).
#include "modelexport/graph_slices.h"

#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "hierarchy/node_tags.h"
#include "modelexport/atomic_file.h"
#include "modelexport/onnx_model.h"
#include "onnx/external_data.h"
#include "onnx/model_access.h"

namespace modelexport {
namespace {

namespace fs = std::filesystem;

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
