// Attributing the nodes ONNX Runtime ran to modules (see attribution.h).
#include "profile/attribution.h"

#include <functional>
#include <optional>
#include <stdexcept>
#include <unordered_set>

#include "hierarchy/node_tags.h"
#include "text/json_document.h"

namespace modelexport::profile {
namespace {

std::string parent_path(std::string_view path) {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(path.substr(0, dot));
}

}  // namespace

ModuleIndex::ModuleIndex(const std::string& hierarchy_json, const std::string& origin) {
  if (hierarchy_json.empty()) {
    insert("", "", false, -1);
    return;
  }
  const auto document = text::parse_json_document<nlohmann::json>(
      hierarchy_json, origin, text::JsonNumbers::kCorrectlyRounded);
  const auto tree = document.is_object() ? document.find("tree") : document.end();
  if (tree == document.end() || !tree->is_object()) {
    throw std::invalid_argument(origin + ": not a modelexport hierarchy document (no tree)");
  }
  std::function<void(const nlohmann::json&, int, const std::string&)> walk =
      [&](const nlohmann::json& node, int parent, const std::string& parent_tag) {
        const auto path = node.find("path");
        if (!node.is_object() || path == node.end() || !path->is_string()) {
          throw std::invalid_argument(origin + ": a tree entry has no path");
        }
        const std::string class_name = node.value("class", std::string());
        const std::string tag = node.value("tag", std::string());
        // A container's tag is its parent's: it never runs.
        const bool container = parent >= 0 && !tag.empty() && tag == parent_tag;
        const int index = insert(path->get<std::string>(), class_name, container, parent);
        const auto children = node.find("children");
        if (children == node.end()) return;
        if (!children->is_array()) throw std::invalid_argument(origin + ": children not a list");
        for (const auto& child : *children) walk(child, index, tag);
      };
  walk(*tree, -1, "");
  if (find("") < 0) throw std::invalid_argument(origin + ": the tree has no root module");
}

int ModuleIndex::insert(const std::string& path, const std::string& class_name, bool container,
                        int parent) {
  const auto found = by_path_.find(path);
  if (found != by_path_.end()) return found->second;
  const int index = size();
  entries_.push_back({path, class_name, container, parent, {}});
  by_path_.emplace(path, index);
  if (parent >= 0) entries_[static_cast<std::size_t>(parent)].children.push_back(index);
  return index;
}

int ModuleIndex::find(std::string_view path) const {
  const auto found = by_path_.find(std::string(path));
  return found == by_path_.end() ? -1 : found->second;
}

int ModuleIndex::add(std::string_view path) {
  const int found = find(path);
  if (found >= 0) return found;
  const int parent = path.empty() ? -1 : add(parent_path(path));
  return insert(std::string(path), "", false, parent);
}

std::string ModuleIndex::common(std::string_view a, std::string_view b) {
  std::size_t end = 0;  // length of the common component-wise prefix
  for (std::size_t i = 0;; ++i) {
    const bool a_end = i == a.size() || a[i] == '.';
    const bool b_end = i == b.size() || b[i] == '.';
    if (a_end && b_end) end = i;
    if (i == a.size() || i == b.size() || a[i] != b[i]) break;
  }
  int index = add(a.substr(0, end));
  while (at(index).container && at(index).parent >= 0) index = at(index).parent;
  return at(index).path;
}

int ModuleIndex::depth(int index) const {
  int depth = 0;
  for (int i = index; at(i).parent >= 0; i = at(i).parent) {
    if (!at(i).container) ++depth;
  }
  return depth;
}

const char* rule_name(Rule rule) {
  switch (rule) {
    case Rule::kSameName:
      return "same_name";
    case Rule::kFused:
      return "fused";
    case Rule::kInherited:
      return "inherited";
    case Rule::kRoot:
      return "root";
  }
  return "root";
}

std::unordered_map<std::string, NodeModule> attribute_nodes(const onnx::GraphProto& tagged,
                                                            const onnx::GraphProto& executed,
                                                            ModuleIndex& modules) {
  // The package's nodes by name (subgraph nodes too: they run under their own names) and the
  // producer of each tensor of its main graph.
  std::unordered_map<std::string, std::string> module_by_name;
  std::function<void(const onnx::GraphProto&)> index_graph = [&](const onnx::GraphProto& graph) {
    for (const auto& node : graph.node()) {
      if (const std::string* module = hierarchy::node_module(node)) {
        module_by_name.emplace(node.name(), *module);
      }
      for (const auto& attribute : node.attribute()) {
        if (attribute.has_g()) index_graph(attribute.g());
        for (const auto& sub : attribute.graphs()) index_graph(sub);
      }
    }
  };
  index_graph(tagged);
  if (module_by_name.empty()) {
    throw std::invalid_argument(
        "the model has no hierarchy tags (exported with --clean-onnx?): nothing to attribute "
        "node times to");
  }
  std::unordered_map<std::string_view, int> producer;
  for (int i = 0; i < tagged.node_size(); ++i) {
    for (const auto& output : tagged.node(i).output()) producer.emplace(output, i);
  }

  // What the run graph still has: node names and tensors (a replaced subgraph's inner tensors
  // are gone; the tensors it reads and writes remain).
  std::unordered_set<std::string_view> executed_names;
  std::unordered_set<std::string_view> executed_tensors;
  for (const auto& input : executed.input()) executed_tensors.insert(input.name());
  for (const auto& initializer : executed.initializer())
    executed_tensors.insert(initializer.name());
  for (const auto& node : executed.node()) {
    executed_names.insert(node.name());
    for (const auto& output : node.output()) executed_tensors.insert(output);
  }

  std::unordered_map<std::string, NodeModule> result;
  std::vector<int> pending;
  for (int n = 0; n < executed.node_size(); ++n) {
    const auto& node = executed.node(n);
    const auto same = module_by_name.find(node.name());
    if (same != module_by_name.end()) {
      result[node.name()] = {same->second, Rule::kSameName};
      continue;
    }
    // Walk back from the producers of its outputs through nodes that are gone, stopping at
    // tensors the run graph still has: those nodes are what it replaced.
    std::vector<int> stack;
    for (const auto& output : node.output()) {
      const auto it = producer.find(output);
      if (it != producer.end()) stack.push_back(it->second);
    }
    std::unordered_set<int> seen;
    std::optional<std::string> module;
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      if (!seen.insert(i).second) continue;
      const auto& replaced = tagged.node(i);
      if (executed_names.count(replaced.name()) != 0) continue;  // still runs: not replaced
      if (const std::string* tag = hierarchy::node_module(replaced)) {
        module = module ? modules.common(*module, *tag) : *tag;
      }
      for (const auto& input : replaced.input()) {
        if (input.empty() || executed_tensors.count(input) != 0) continue;
        const auto it = producer.find(input);
        if (it != producer.end()) stack.push_back(it->second);
      }
    }
    if (module) {
      result[node.name()] = {*module, Rule::kFused};
    } else {
      pending.push_back(n);
    }
  }

  // Inserted nodes: the common module of their consumers, else of their producers, repeated
  // until nothing changes (chains of inserted nodes).
  std::unordered_map<std::string_view, std::vector<int>> consumers;
  std::unordered_map<std::string_view, int> executed_producer;
  for (int n = 0; n < executed.node_size(); ++n) {
    for (const auto& input : executed.node(n).input()) consumers[input].push_back(n);
    for (const auto& output : executed.node(n).output()) executed_producer.emplace(output, n);
  }
  // One pass over the pending nodes, joining consumers' (or producers') modules; true when it
  // attributed any.
  const auto pass = [&](bool from_consumers) {
    std::vector<int> still;
    for (const int n : pending) {
      const auto& node = executed.node(n);
      std::optional<std::string> module;
      const auto join = [&](int other) {
        const auto it = result.find(executed.node(other).name());
        if (it == result.end()) return;
        module = module ? modules.common(*module, it->second.module) : it->second.module;
      };
      if (from_consumers) {
        for (const auto& output : node.output()) {
          const auto it = consumers.find(output);
          if (it == consumers.end()) continue;
          for (const int consumer : it->second) join(consumer);
        }
      } else {
        for (const auto& input : node.input()) {
          const auto it = executed_producer.find(input);
          if (it != executed_producer.end()) join(it->second);
        }
      }
      if (module) {
        result[node.name()] = {*module, Rule::kInherited};
      } else {
        still.push_back(n);
      }
    }
    const bool changed = still.size() != pending.size();
    pending = std::move(still);
    return changed;
  };
  // Consumers first, to a fixed point (a reshape feeding an inserted Gemm waits for the Gemm);
  // producers only for what no consumer decides.
  while (!pending.empty()) {
    while (pass(true)) {
    }
    if (pending.empty() || !pass(false)) break;
  }
  for (const int n : pending) result[executed.node(n).name()] = {"", Rule::kRoot};
  return result;
}

}  // namespace modelexport::profile
