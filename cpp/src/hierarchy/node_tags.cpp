// Node tag I/O and consumed-name analysis shared by projection, extraction and GraphML.
#include "hierarchy/node_tags.h"

#include <algorithm>
#include <unordered_set>

namespace modelexport::hierarchy {
namespace {

constexpr std::string_view kDroppedKeys[] = {"pkg.torch.onnx.stack_trace",
                                             "pkg.torch.onnx.fx_node"};

void set_prop(onnx::NodeProto& node, std::string_view key, const std::string& value) {
  for (auto& prop : *node.mutable_metadata_props()) {
    if (prop.key() == key) {
      prop.set_value(value);
      return;
    }
  }
  auto* prop = node.add_metadata_props();
  prop->set_key(std::string(key));
  prop->set_value(value);
}

void collect_subgraph_inputs(const onnx::GraphProto& graph,
                             std::unordered_set<std::string_view>& defined,
                             std::vector<std::string_view>& used) {
  for (const auto& input : graph.input()) defined.insert(input.name());
  for (const auto& init : graph.initializer()) defined.insert(init.name());
  for (const auto& node : graph.node()) {
    for (const auto& input : node.input()) {
      if (!input.empty() && defined.count(input) == 0) used.push_back(input);
    }
    for (const auto& attribute : node.attribute()) {
      if (attribute.has_g()) collect_subgraph_inputs(attribute.g(), defined, used);
      for (const auto& g : attribute.graphs()) collect_subgraph_inputs(g, defined, used);
    }
    for (const auto& output : node.output()) defined.insert(output);
  }
}

}  // namespace

void write_node_tags(onnx::NodeProto& node, const Module& module) {
  auto* props = node.mutable_metadata_props();
  props->erase(std::remove_if(props->begin(), props->end(),
                              [](const onnx::StringStringEntryProto& prop) {
                                return std::find(std::begin(kDroppedKeys), std::end(kDroppedKeys),
                                                 prop.key()) != std::end(kDroppedKeys);
                              }),
               props->end());
  set_prop(node, kNamespaceKey, module.ns);
  set_prop(node, kModuleKey, module.path);
  set_prop(node, kTagKey, module.tag);
}

const std::string* node_module(const onnx::NodeProto& node) {
  for (const auto& prop : node.metadata_props()) {
    if (prop.key() == kModuleKey) return &prop.value();
  }
  return nullptr;
}

std::vector<std::string_view> consumed_names(const onnx::NodeProto& node) {
  std::vector<std::string_view> names;
  for (const auto& input : node.input()) {
    if (!input.empty()) names.push_back(input);
  }
  for (const auto& attribute : node.attribute()) {
    std::unordered_set<std::string_view> defined;
    if (attribute.has_g()) collect_subgraph_inputs(attribute.g(), defined, names);
    for (const auto& g : attribute.graphs()) {
      defined.clear();
      collect_subgraph_inputs(g, defined, names);
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool module_contains(std::string_view module, std::string_view path) {
  if (module.empty()) return true;
  if (path.size() < module.size() || path.substr(0, module.size()) != module) return false;
  return path.size() == module.size() || path[module.size()] == '.';
}

}  // namespace modelexport::hierarchy
