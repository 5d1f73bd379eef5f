// Module inheritance by data flow (see data_flow.h).
#include "hierarchy/data_flow.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "hierarchy/node_tags.h"

namespace modelexport::hierarchy {
namespace {

using Consumers = std::unordered_map<std::string_view, std::vector<int>>;
using Producers = std::unordered_map<std::string_view, int>;

class DataFlow {
 public:
  DataFlow(const ModuleTree& tree, const onnx::GraphProto& graph) : tree_(tree), graph_(graph) {
    for (int i = 0; i < graph.node_size(); ++i) {
      const auto& node = graph.node(i);
      for (const auto& output : node.output()) {
        if (!output.empty()) producer_.emplace(output, i);
      }
      for (const auto& input : consumed_names(node)) consumers_[input].push_back(i);
    }
  }

  void run(std::vector<int>& module) const {
    const int count = graph_.node_size();
    // Nodes are topologically sorted: walking backwards sees consumers before producers, so
    // chains of unscoped nodes (shape -> gather -> unsqueeze -> concat) resolve in one pass.
    // Alternate both directions until nothing changes.
    for (bool changed = true; changed;) {
      changed = false;
      for (int i = count - 1; i >= 0; --i) {
        if (module[i] == kNoModule) {
          changed |= assign(module[i], from_consumers(graph_.node(i), module, true));
        }
      }
      for (int i = 0; i < count; ++i) {
        // A node with consumers waits for them; one feeding only graph outputs follows its inputs.
        if (module[i] == kNoModule && !has_consumers(graph_.node(i))) {
          changed |= assign(module[i], from_producers(graph_.node(i), module));
        }
      }
      if (!changed) changed = settle_partially_known(module);
    }
  }

 private:
  static bool assign(int& slot, int found) {
    if (found == kNoModule) return false;
    slot = found;
    return true;
  }

  bool has_consumers(const onnx::NodeProto& node) const {
    return std::any_of(node.output().begin(), node.output().end(),
                       [&](const std::string& output) { return consumers_.count(output) != 0; });
  }

  // The deepest module containing the modules of the node's consumers; kNoModule when none is
  // known, or, when `strict`, when any consumer is still unknown.
  int from_consumers(const onnx::NodeProto& node, const std::vector<int>& module,
                     bool strict) const {
    int found = kNoModule;
    for (const auto& output : node.output()) {
      auto it = consumers_.find(output);
      if (it == consumers_.end()) continue;
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

  int from_producers(const onnx::NodeProto& node, const std::vector<int>& module) const {
    int found = kNoModule;
    for (const auto& input : consumed_names(node)) {
      auto it = producer_.find(input);
      if (it != producer_.end() && module[it->second] != kNoModule) {
        found = lca(found, module[it->second]);
      }
    }
    return found;
  }

  // When the strict rules stall (an unscoped node waits on an unscoped consumer that itself
  // waits on it), use whatever is known: first the known consumers, then the known producers.
  bool settle_partially_known(std::vector<int>& module) const {
    bool changed = false;
    for (int i = graph_.node_size() - 1; i >= 0; --i) {
      if (module[i] == kNoModule) {
        changed |= assign(module[i], from_consumers(graph_.node(i), module, false));
      }
    }
    for (int i = 0; !changed && i < graph_.node_size(); ++i) {
      if (module[i] == kNoModule) {
        changed |= assign(module[i], from_producers(graph_.node(i), module));
      }
    }
    return changed;
  }

  int lca(int current, int candidate) const {
    return current == kNoModule ? candidate : tree_.lowest_common_ancestor(current, candidate);
  }

  const ModuleTree& tree_;
  const onnx::GraphProto& graph_;
  Producers producer_;
  Consumers consumers_;
};

}  // namespace

void inherit_by_data_flow(const ModuleTree& tree, const onnx::GraphProto& graph,
                          std::vector<int>& module) {
  DataFlow(tree, graph).run(module);
}

}  // namespace modelexport::hierarchy
