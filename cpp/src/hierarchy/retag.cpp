// Re-tagging after a graph pass: nodes the pass kept keep their module (matched by name and
// op type, since ONNX Runtime's tools drop node metadata on some paths); nodes it created get
// the common module of the original nodes they replaced, else the module of the nodes they
// serve (data flow), the root last.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hierarchy/data_flow.h"
#include "hierarchy/document.h"
#include "hierarchy/module_tree.h"
#include "hierarchy/node_tags.h"
#include "modelexport/hierarchy.h"
#include "onnx/model_access.h"

namespace modelexport {
namespace {

using hierarchy::kNoModule;
using hierarchy::ModuleTree;

// The tagged graph before the pass: what each node was, and its main graph's data flow.
class OriginalGraph {
 public:
  OriginalGraph(const onnx::GraphProto& graph, const ModuleTree& tree) : graph_(graph) {
    index_names(graph, tree);
    for (int i = 0; i < graph.node_size(); ++i) {
      const auto& node = graph.node(i);
      for (const auto& output : node.output()) {
        if (!output.empty()) producer_.emplace(output, i);
      }
      for (const auto& input : hierarchy::consumed_names(node)) consumers_[input].push_back(i);
    }
    removed_.assign(static_cast<std::size_t>(graph.node_size()), true);
  }

  // The module of the original node called `name` with that op type (any graph), or kNoModule.
  // Marks a main-graph node as kept.
  int kept_module(const onnx::NodeProto& node) {
    if (node.name().empty()) return kNoModule;
    auto it = by_name_.find(node.name());
    if (it == by_name_.end() || it->second.op_type != node.op_type()) return kNoModule;
    if (it->second.main_index >= 0)
      removed_[static_cast<std::size_t>(it->second.main_index)] = false;
    return it->second.module;
  }

  // The common module of the removed original nodes a new node replaced: those producing its
  // outputs and the removed nodes feeding them that nothing else consumed, up to its inputs;
  // when none of its outputs existed before, the removed original consumers of its inputs.
  int replaced_module(const onnx::NodeProto& node, const ModuleTree& tree) const {
    std::unordered_set<std::string_view> inputs;
    for (const auto& input : node.input()) {
      if (!input.empty()) inputs.insert(input);
    }
    std::unordered_set<int> roots;
    for (const auto& output : node.output()) {
      auto it = producer_.find(output);
      if (it != producer_.end() && removed(it->second)) roots.insert(it->second);
    }
    std::vector<int> replaced;
    if (!roots.empty()) {
      replaced = exclusive_cone(roots, inputs);
    } else {
      for (const auto& input : inputs) {
        auto it = consumers_.find(input);
        if (it == consumers_.end()) continue;
        for (int consumer : it->second) {
          if (removed(consumer)) replaced.push_back(consumer);
        }
      }
    }
    int found = kNoModule;
    for (int index : replaced) {
      const int module = main_modules_[static_cast<std::size_t>(index)];
      found = found == kNoModule ? module : tree.lowest_common_ancestor(found, module);
    }
    return found;
  }

 private:
  struct Entry {
    std::string op_type;
    int module = kNoModule;
    int main_index = -1;  // index in the main graph, -1 inside subgraphs
  };

  void index_names(const onnx::GraphProto& graph, const ModuleTree& tree) {
    const bool main = &graph == &graph_;
    for (int i = 0; i < graph.node_size(); ++i) {
      const auto& node = graph.node(i);
      const std::string* path = hierarchy::node_module(node);
      int module = path != nullptr ? tree.find(*path) : kNoModule;
      if (module == kNoModule) module = ModuleTree::root();
      if (main) main_modules_.push_back(module);
      if (!node.name().empty()) {
        by_name_.emplace(node.name(), Entry{node.op_type(), module, main ? i : -1});
      }
      for (const auto& attribute : node.attribute()) {
        if (attribute.has_g()) index_names(attribute.g(), tree);
        for (const auto& subgraph : attribute.graphs()) index_names(subgraph, tree);
      }
    }
  }

  bool removed(int index) const { return removed_[static_cast<std::size_t>(index)]; }

  // Removed nodes reachable backwards from `roots` without crossing `inputs`, then pruned to
  // those whose outputs only feed the cone (shared producers, such as an attention mask
  // computed once for all layers, were not replaced by this node alone).
  std::vector<int> exclusive_cone(const std::unordered_set<int>& roots,
                                  const std::unordered_set<std::string_view>& inputs) const {
    std::unordered_set<int> cone(roots);
    std::vector<int> stack(roots.begin(), roots.end());
    while (!stack.empty()) {
      const int index = stack.back();
      stack.pop_back();
      for (const auto& input : hierarchy::consumed_names(graph_.node(index))) {
        if (inputs.count(input) != 0) continue;
        auto it = producer_.find(input);
        if (it != producer_.end() && removed(it->second) && cone.insert(it->second).second) {
          stack.push_back(it->second);
        }
      }
    }
    for (bool changed = true; changed;) {
      changed = false;
      for (auto it = cone.begin(); it != cone.end();) {
        if (roots.count(*it) == 0 && !feeds_only(*it, cone)) {
          it = cone.erase(it);
          changed = true;
        } else {
          ++it;
        }
      }
    }
    std::vector<int> result(cone.begin(), cone.end());
    std::sort(result.begin(), result.end());
    return result;
  }

  bool feeds_only(int index, const std::unordered_set<int>& cone) const {
    for (const auto& output : graph_.node(index).output()) {
      auto it = consumers_.find(output);
      if (it == consumers_.end()) continue;
      for (int consumer : it->second) {
        if (cone.count(consumer) == 0) return false;
      }
    }
    return true;
  }

  const onnx::GraphProto& graph_;
  std::unordered_map<std::string, Entry> by_name_;
  std::vector<int> main_modules_;
  std::unordered_map<std::string_view, int> producer_;
  std::unordered_map<std::string_view, std::vector<int>> consumers_;
  std::vector<bool> removed_;
};

enum class Origin { kKept, kReplaced, kDataFlow, kRootFallback };

class Retagger {
 public:
  Retagger(const ModuleTree& tree, OriginalGraph& original)
      : tree_(tree), original_(original), own_nodes_(static_cast<std::size_t>(tree.size()), 0) {}

  void retag_main(onnx::GraphProto& graph) {
    const int count = graph.node_size();
    std::vector<int> module(static_cast<std::size_t>(count), kNoModule);
    std::vector<Origin> origin(static_cast<std::size_t>(count), Origin::kDataFlow);
    for (int i = 0; i < count; ++i) {
      module[i] = original_.kept_module(graph.node(i));
      if (module[i] != kNoModule) origin[i] = Origin::kKept;
    }
    // Only now is every kept node known, so "removed" is final.
    for (int i = 0; i < count; ++i) {
      if (module[i] != kNoModule) continue;
      module[i] = original_.replaced_module(graph.node(i), tree_);
      if (module[i] != kNoModule) origin[i] = Origin::kReplaced;
    }
    hierarchy::inherit_by_data_flow(tree_, graph, module);
    for (int i = 0; i < count; ++i) {
      if (module[i] == kNoModule) {
        module[i] = ModuleTree::root();
        origin[i] = Origin::kRootFallback;
      }
      write(*graph.mutable_node(i), module[i], origin[i]);
    }
  }

  // Kept nodes count as direct, new ones as inherited, except what fell back to the root. The
  // tags do not say which kept root nodes were root fallback before the pass: at most
  // `original_root_fallback` of them, and that many are counted so.
  ProjectionStats stats(std::size_t original_root_fallback) const {
    ProjectionStats stats = stats_;
    const std::size_t carried = std::min(original_root_fallback, kept_at_root_);
    stats.direct -= carried;
    stats.root_fallback += carried;
    return stats;
  }
  const std::vector<std::size_t>& own_nodes() const { return own_nodes_; }
  std::size_t kept() const { return kept_; }
  std::size_t replaced() const { return replaced_; }
  std::size_t data_flow() const { return data_flow_; }

 private:
  void write(onnx::NodeProto& node, int module, Origin origin) {
    ++stats_.total_nodes;
    if (origin == Origin::kRootFallback) {
      ++stats_.root_fallback;
    } else if (origin == Origin::kKept) {
      ++stats_.direct;
      kept_at_root_ += module == ModuleTree::root() ? 1 : 0;
    } else {
      ++stats_.inherited;
    }
    kept_ += origin == Origin::kKept ? 1 : 0;
    replaced_ += origin == Origin::kReplaced ? 1 : 0;
    data_flow_ += origin == Origin::kDataFlow ? 1 : 0;
    ++own_nodes_[static_cast<std::size_t>(module)];
    hierarchy::write_node_tags(node, tree_.at(module));
    for (auto& attribute : *node.mutable_attribute()) {
      if (attribute.has_g()) retag_subgraph(*attribute.mutable_g(), module);
      for (auto& subgraph : *attribute.mutable_graphs()) retag_subgraph(subgraph, module);
    }
  }

  // Subgraph nodes: kept ones by name, new ones take the enclosing node's module.
  void retag_subgraph(onnx::GraphProto& graph, int enclosing) {
    for (auto& node : *graph.mutable_node()) {
      const int module = original_.kept_module(node);
      write(node, module == kNoModule ? enclosing : module,
            module == kNoModule ? Origin::kDataFlow : Origin::kKept);
    }
  }

  const ModuleTree& tree_;
  OriginalGraph& original_;
  std::vector<std::size_t> own_nodes_;
  ProjectionStats stats_;
  std::size_t kept_ = 0;
  std::size_t kept_at_root_ = 0;
  std::size_t replaced_ = 0;
  std::size_t data_flow_ = 0;
};

}  // namespace

std::string retag_after_pass(const OnnxModel& original, OnnxModel& transformed,
                             const std::vector<ModuleInfo>& modules,
                             std::size_t original_root_fallback, ProjectionStats* stats) {
  ModuleTree tree(modules);
  OriginalGraph before(OnnxModelAccess::proto(original).graph(), tree);
  Retagger retagger(tree, before);
  retagger.retag_main(*OnnxModelAccess::proto(transformed).mutable_graph());
  ProjectionStats result = retagger.stats(original_root_fallback);
  if (stats != nullptr) *stats = result;
  nlohmann::ordered_json extra = {{"graph_pass",
                                   {{"kept", retagger.kept()},
                                    {"from_replaced_nodes", retagger.replaced()},
                                    {"from_data_flow", retagger.data_flow()}}}};
  return hierarchy::hierarchy_document(tree, retagger.own_nodes(), result, true, extra);
}

}  // namespace modelexport
