// Projection of the module tree onto every node: recorded scopes first, then data flow
// (consumers, then producers, then the enclosing node for subgraphs), the root last.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hierarchy/module_tree.h"
#include "hierarchy/node_tags.h"
#include "hierarchy/scope.h"
#include "modelexport/hierarchy.h"
#include "onnx/model_access.h"

namespace modelexport {
namespace {

using hierarchy::kNoModule;
using hierarchy::ModuleTree;
using hierarchy::ScopeResolver;
using Json = nlohmann::ordered_json;

enum class Origin { kDirect, kInherited, kRootFallback };

class Projector {
 public:
  Projector(const ModuleTree& tree, const ScopeResolver& resolver, const ProjectionOptions& options)
      : tree_(tree), resolver_(resolver), options_(options), own_nodes_(tree.size(), 0) {}

  // `enclosing` is the module of the node owning this subgraph (kNoModule for the main graph).
  void project(onnx::GraphProto& graph, int enclosing) {
    const int count = graph.node_size();
    std::vector<int> module(static_cast<std::size_t>(count), kNoModule);
    std::vector<Origin> origin(static_cast<std::size_t>(count), Origin::kInherited);
    for (int i = 0; i < count; ++i) {
      module[i] = resolver_.resolve(graph.node(i));
      if (module[i] != kNoModule) origin[i] = Origin::kDirect;
    }
    inherit_by_data_flow(graph, module);
    for (int i = 0; i < count; ++i) {
      if (module[i] != kNoModule) continue;
      if (enclosing != kNoModule) {
        module[i] = enclosing;
      } else {
        module[i] = ModuleTree::root();
        origin[i] = Origin::kRootFallback;
      }
    }
    for (int i = 0; i < count; ++i) {
      onnx::NodeProto& node = *graph.mutable_node(i);
      record(node, module[i], origin[i]);
      for (auto& attribute : *node.mutable_attribute()) {
        if (attribute.has_g()) project(*attribute.mutable_g(), module[i]);
        for (auto& subgraph : *attribute.mutable_graphs()) project(subgraph, module[i]);
      }
    }
  }

  ProjectionStats stats() const { return stats_; }
  const std::vector<std::size_t>& own_nodes() const { return own_nodes_; }

 private:
  using Consumers = std::unordered_map<std::string_view, std::vector<int>>;
  using Producers = std::unordered_map<std::string_view, int>;

  void inherit_by_data_flow(const onnx::GraphProto& graph, std::vector<int>& module) const {
    const int count = graph.node_size();
    Producers producer;
    Consumers consumers;
    for (int i = 0; i < count; ++i) {
      const auto& node = graph.node(i);
      for (const auto& output : node.output()) {
        if (!output.empty()) producer.emplace(output, i);
      }
      for (const auto& input : hierarchy::consumed_names(node)) consumers[input].push_back(i);
    }
    // Nodes are topologically sorted: walking backwards sees consumers before producers, so
    // chains of unscoped nodes (shape -> gather -> unsqueeze -> concat) resolve in one pass.
    // Alternate both directions until nothing changes.
    for (bool changed = true; changed;) {
      changed = false;
      for (int i = count - 1; i >= 0; --i) {
        if (module[i] == kNoModule) {
          changed |= assign(module[i], from_consumers(graph.node(i), consumers, module, true));
        }
      }
      for (int i = 0; i < count; ++i) {
        // A node with consumers waits for them; one feeding only graph outputs follows its inputs.
        if (module[i] == kNoModule && !has_consumers(graph.node(i), consumers)) {
          changed |= assign(module[i], from_producers(graph.node(i), producer, module));
        }
      }
      if (!changed) changed = settle_partially_known(graph, consumers, producer, module);
    }
  }

  static bool assign(int& slot, int found) {
    if (found == kNoModule) return false;
    slot = found;
    return true;
  }

  static bool has_consumers(const onnx::NodeProto& node, const Consumers& consumers) {
    return std::any_of(node.output().begin(), node.output().end(),
                       [&](const std::string& output) { return consumers.count(output) != 0; });
  }

  // The deepest module containing the modules of the node's consumers; kNoModule when none is
  // known, or, when `strict`, when any consumer is still unknown.
  int from_consumers(const onnx::NodeProto& node, const Consumers& consumers,
                     const std::vector<int>& module, bool strict) const {
    int found = kNoModule;
    for (const auto& output : node.output()) {
      auto it = consumers.find(output);
      if (it == consumers.end()) continue;
      for (int consumer : it->second) {
        if (module[consumer] != kNoModule) {
          found = lca(found, module[consumer]);
        } else if (strict) {
          return kNoModule;
        }
      }
    }
    return found;
  }

  int from_producers(const onnx::NodeProto& node, const Producers& producer,
                     const std::vector<int>& module) const {
    int found = kNoModule;
    for (const auto& input : hierarchy::consumed_names(node)) {
      auto it = producer.find(input);
      if (it != producer.end() && module[it->second] != kNoModule) {
        found = lca(found, module[it->second]);
      }
    }
    return found;
  }

  // When the strict rules stall (an unscoped node waits on an unscoped consumer that itself
  // waits on it), use whatever is known: first the known consumers, then the known producers.
  bool settle_partially_known(const onnx::GraphProto& graph, const Consumers& consumers,
                              const Producers& producer, std::vector<int>& module) const {
    bool changed = false;
    for (int i = graph.node_size() - 1; i >= 0; --i) {
      if (module[i] == kNoModule) {
        changed |= assign(module[i], from_consumers(graph.node(i), consumers, module, false));
      }
    }
    for (int i = 0; !changed && i < graph.node_size(); ++i) {
      if (module[i] == kNoModule) {
        changed |= assign(module[i], from_producers(graph.node(i), producer, module));
      }
    }
    return changed;
  }

  int lca(int current, int candidate) const {
    return current == kNoModule ? candidate : tree_.lowest_common_ancestor(current, candidate);
  }

  void record(onnx::NodeProto& node, int module, Origin origin) {
    ++stats_.total_nodes;
    switch (origin) {
      case Origin::kDirect:
        ++stats_.direct;
        break;
      case Origin::kInherited:
        ++stats_.inherited;
        break;
      case Origin::kRootFallback:
        ++stats_.root_fallback;
        break;
    }
    ++own_nodes_[static_cast<std::size_t>(module)];
    if (options_.write_tags) {
      hierarchy::write_node_tags(node, tree_.at(module));
    } else {
      node.clear_metadata_props();
    }
  }

  const ModuleTree& tree_;
  const ScopeResolver& resolver_;
  const ProjectionOptions& options_;
  std::vector<std::size_t> own_nodes_;
  ProjectionStats stats_;
};

struct TreeCounts {
  std::vector<std::size_t> subtree_nodes;
  std::vector<std::int64_t> subtree_parameters;
};

TreeCounts count_subtrees(const ModuleTree& tree, const std::vector<std::size_t>& own_nodes) {
  TreeCounts counts{own_nodes, std::vector<std::int64_t>(static_cast<std::size_t>(tree.size()))};
  for (int i = 0; i < tree.size(); ++i) counts.subtree_parameters[i] = tree.at(i).own_parameters;
  // Children have larger indices than their parents.
  for (int i = tree.size() - 1; i > 0; --i) {
    auto parent = static_cast<std::size_t>(tree.at(i).parent);
    counts.subtree_nodes[parent] += counts.subtree_nodes[i];
    counts.subtree_parameters[parent] += counts.subtree_parameters[i];
  }
  return counts;
}

Json module_json(const ModuleTree& tree, int index, const std::vector<std::size_t>& own_nodes,
                 const TreeCounts& counts) {
  const auto& module = tree.at(index);
  auto i = static_cast<std::size_t>(index);
  Json out = {{"path", module.path},
              {"class", module.class_name},
              {"tag", module.tag},
              {"parameters", counts.subtree_parameters[i]},
              {"own_parameters", module.own_parameters},
              {"nodes", own_nodes[i]},
              {"subtree_nodes", counts.subtree_nodes[i]}};
  Json children = Json::array();
  for (int child : module.children) children.push_back(module_json(tree, child, own_nodes, counts));
  out["children"] = std::move(children);
  return out;
}

}  // namespace

std::string project_hierarchy(OnnxModel& model, const std::vector<ModuleInfo>& modules,
                              const ProjectionOptions& options, ProjectionStats* stats) {
  ModuleTree tree(modules);
  ScopeResolver resolver(tree, options.scope_root);
  Projector projector(tree, resolver, options);
  projector.project(*OnnxModelAccess::proto(model).mutable_graph(), kNoModule);
  ProjectionStats result = projector.stats();
  if (stats != nullptr) *stats = result;

  const auto& own = projector.own_nodes();
  TreeCounts counts = count_subtrees(tree, own);
  Json unused = Json::array();
  std::size_t with_nodes = 0;
  for (int i = 0; i < tree.size(); ++i) {
    if (own[static_cast<std::size_t>(i)] > 0) ++with_nodes;
    if (counts.subtree_nodes[static_cast<std::size_t>(i)] == 0) unused.push_back(tree.at(i).path);
  }
  auto percent = [&](std::size_t n) {
    return result.total_nodes == 0
               ? 0.0
               : 100.0 * static_cast<double>(n) / static_cast<double>(result.total_nodes);
  };
  Json document;
  document["format"] = "modelexport-hierarchy/1";
  document["tagged"] = options.write_tags;
  document["statistics"] = {{"total_nodes", result.total_nodes},
                            {"direct", result.direct},
                            {"inherited", result.inherited},
                            {"root_fallback", result.root_fallback},
                            {"root_fallback_percent", percent(result.root_fallback)},
                            {"modules", tree.size()},
                            {"modules_with_nodes", with_nodes},
                            {"unused_modules", unused}};
  document["tree"] = module_json(tree, ModuleTree::root(), own, counts);
  return document.dump();
}

}  // namespace modelexport
