// extract_module: one module's subgraph as a standalone, runnable model.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hierarchy/node_tags.h"
#include "modelexport/atomic_file.h"
#include "modelexport/hierarchy.h"
#include "onnx/external_data.h"
#include "onnx/model_access.h"
#include "onnx/paths.h"

namespace modelexport {
namespace {

using hierarchy::consumed_names;
using hierarchy::module_contains;
using hierarchy::node_module;

// Type information of every named value of the main graph.
std::unordered_map<std::string_view, const onnx::ValueInfoProto*> value_types(
    const onnx::GraphProto& graph) {
  std::unordered_map<std::string_view, const onnx::ValueInfoProto*> types;
  for (const auto& list : {&graph.input(), &graph.value_info(), &graph.output()}) {
    for (const auto& value : *list) types[value.name()] = &value;
  }
  return types;
}

}  // namespace

OnnxModel extract_module(const OnnxModel& model, std::string_view module_path) {
  const onnx::ModelProto& source = OnnxModelAccess::proto(model);
  const onnx::GraphProto& graph = source.graph();
  std::vector<int> selected;
  bool any_tagged = false;
  for (int i = 0; i < graph.node_size(); ++i) {
    const std::string* module = node_module(graph.node(i));
    any_tagged = any_tagged || module != nullptr;
    if (module != nullptr && module_contains(module_path, *module)) selected.push_back(i);
  }
  if (!any_tagged) {
    throw std::invalid_argument("model has no hierarchy tags (exported with --clean-onnx?)");
  }
  if (selected.empty()) {
    throw std::invalid_argument("no node belongs to module '" + std::string(module_path) +
                                "' (see `modelexport inspect --tree` for modules with nodes)");
  }

  std::unordered_set<std::string_view> produced_inside;
  std::unordered_set<int> selected_set(selected.begin(), selected.end());
  for (int i : selected) {
    for (const auto& output : graph.node(i).output()) {
      if (!output.empty()) produced_inside.insert(output);
    }
  }
  std::unordered_map<std::string_view, const onnx::TensorProto*> initializers;
  for (const auto& init : graph.initializer()) initializers[init.name()] = &init;

  onnx::ModelProto result;
  result.set_ir_version(source.ir_version());
  *result.mutable_opset_import() = source.opset_import();
  *result.mutable_functions() = source.functions();
  result.set_producer_name(source.producer_name());
  result.set_producer_version(source.producer_version());
  auto* meta = result.add_metadata_props();
  meta->set_key("modelexport.extracted_module");
  meta->set_value(std::string(module_path));
  onnx::GraphProto& out = *result.mutable_graph();
  out.set_name(module_path.empty() ? graph.name() : std::string(module_path));

  auto types = value_types(graph);
  auto typed = [&](std::string_view name, const char* role) {
    auto it = types.find(name);
    if (it == types.end() || !it->second->type().has_tensor_type()) {
      throw std::invalid_argument("module '" + std::string(module_path) + "': " + role + " '" +
                                  std::string(name) + "' has no type information");
    }
    return *it->second;
  };

  std::unordered_set<std::string_view> seen;
  for (int i : selected) {
    *out.add_node() = graph.node(i);
    for (std::string_view name : consumed_names(graph.node(i))) {
      if (produced_inside.count(name) || !seen.insert(name).second) continue;
      auto init = initializers.find(name);
      if (init != initializers.end()) {
        *out.add_initializer() = *init->second;
      } else {
        *out.add_input() = typed(name, "input");
      }
    }
  }

  std::unordered_set<std::string_view> leaving;
  for (const auto& output : graph.output()) leaving.insert(output.name());
  for (int i = 0; i < graph.node_size(); ++i) {
    if (selected_set.count(i)) continue;
    for (std::string_view name : consumed_names(graph.node(i))) leaving.insert(name);
  }
  for (int i : selected) {
    for (const auto& output : graph.node(i).output()) {
      if (!output.empty() && leaving.count(output)) {
        *out.add_output() = typed(output, "output");
      }
    }
  }
  if (out.output_size() == 0) {
    throw std::invalid_argument("module '" + std::string(module_path) +
                                "' has no outputs used outside it");
  }
  for (const auto& value : graph.value_info()) {
    if (produced_inside.count(value.name()) && !leaving.count(value.name())) {
      *out.add_value_info() = value;
    }
  }
  return OnnxModelAccess::wrap(std::move(result));
}

}  // namespace modelexport

namespace modelexport {
namespace {

namespace fs = std::filesystem;

// Above this, the extracted weights go to their own file (protobuf's 2 GB limit).
constexpr std::uint64_t kInlineLimit = std::uint64_t{1800} << 20;

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

}  // namespace

void extract_module_file(const std::string& model_path, std::string_view module_path,
                         const std::string& output_path) {
  const fs::path source(model_path);
  const fs::path output(output_path);
  const fs::path directory = source.parent_path().empty() ? fs::path(".") : source.parent_path();
  if (same_file(source, output)) {
    throw std::invalid_argument(output_path + ": refusing to overwrite the source model");
  }
  OnnxModel extracted = extract_module(OnnxModel::load(model_path), module_path);
  onnx::GraphProto& graph = *OnnxModelAccess::proto(extracted).mutable_graph();

  std::vector<onnx::TensorProto*> external;
  std::uint64_t external_bytes = 0;
  for (auto& tensor : *graph.mutable_initializer()) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL) continue;
    const ExternalRef ref = external_ref(tensor);
    if (same_file(directory / ref.location, output)) {
      throw std::invalid_argument(output_path + ": refusing to overwrite the source's weights");
    }
    external.push_back(&tensor);
    external_bytes += ref.length.value_or(0);
  }
  // Standalone: weights inline, or (when too big for one protobuf) in a file of its own.
  const bool own_file = external_bytes > kInlineLimit;
  const std::string data_name = output.filename().string() + ".data";
  std::string data;
  for (onnx::TensorProto* tensor : external) {
    std::string bytes = read_external(*tensor, directory);
    tensor->clear_external_data();
    if (own_file) {
      const std::uint64_t offset = data.size();
      data += bytes;
      for (const auto& [key, value] : {std::pair<std::string, std::string>{"location", data_name},
                                       {"offset", std::to_string(offset)},
                                       {"length", std::to_string(bytes.size())}}) {
        auto* entry = tensor->add_external_data();
        entry->set_key(key);
        entry->set_value(value);
      }
    } else {
      tensor->set_data_location(onnx::TensorProto::DEFAULT);
      tensor->set_raw_data(std::move(bytes));
    }
  }
  if (own_file) {
    const fs::path data_path = output.parent_path() / data_name;
    if (same_file(data_path, source)) {
      throw std::invalid_argument(data_path.string() + ": refusing to overwrite the source");
    }
    write_file_atomically(data_path.string(), data);
  }
  extracted.save(output_path);
}

}  // namespace modelexport
