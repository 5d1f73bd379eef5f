// Where the exporter says a node came from: the dynamo exporter's per-node metadata
// (pkg.torch.onnx.name_scopes) or a TorchScript-style scoped node name
// (/model/bert/encoder/layer.0/attention/self/query/MatMul).
#pragma once

#include <string_view>

#include "hierarchy/module_tree.h"
#include "onnx/onnx-ml.pb.h"

namespace modelexport::hierarchy {

inline constexpr std::string_view kNameScopesKey = "pkg.torch.onnx.name_scopes";

class ScopeResolver {
 public:
  ScopeResolver(const ModuleTree& tree, std::string_view scope_root)
      : tree_(tree), scope_root_(scope_root) {}

  // The module the exporter recorded for `node`, or kNoModule when it recorded none (or only
  // the export wrapper itself).
  int resolve(const onnx::NodeProto& node) const;

  // The module of a dynamo name_scopes value: "['', 'model', 'model.bert', ..., 'add_3']".
  int resolve_name_scopes(std::string_view value) const;
  // The module of a TorchScript node name; components that are dotted relative paths
  // ("layer.0" after "layer") resolve against the parent too.
  int resolve_node_name(std::string_view name) const;

 private:
  // Strips the wrapper's scope_root component; false when the path is outside the model.
  bool strip_root(std::string_view& path) const;
  int deepest_known(std::string_view path) const;

  const ModuleTree& tree_;
  std::string_view scope_root_;
};

}  // namespace modelexport::hierarchy
