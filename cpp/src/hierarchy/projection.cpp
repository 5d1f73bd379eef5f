// Projection of the module tree onto every node: recorded scopes first, then data flow
// (consumers, then producers, then the enclosing node for subgraphs), the root last.
#include <string>
#include <vector>

#include "hierarchy/data_flow.h"
#include "hierarchy/document.h"
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
    hierarchy::inherit_by_data_flow(tree_, graph, module);
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

}  // namespace

std::string project_hierarchy(OnnxModel& model, const std::vector<ModuleInfo>& modules,
                              const ProjectionOptions& options, ProjectionStats* stats) {
  ModuleTree tree(modules);
  ScopeResolver resolver(tree, options.scope_root);
  Projector projector(tree, resolver, options);
  projector.project(*OnnxModelAccess::proto(model).mutable_graph(), kNoModule);
  ProjectionStats result = projector.stats();
  if (stats != nullptr) *stats = result;

  return hierarchy::hierarchy_document(tree, projector.own_nodes(), result, options.write_tags);
}

}  // namespace modelexport
