// Module inheritance by data flow, shared by the projection of a fresh export and the
// re-tagging after a graph pass: a node without a module takes the deepest module containing
// its consumers' modules (or, feeding only graph outputs, its producers').
#pragma once

#include <vector>

#include "hierarchy/module_tree.h"
#include "onnx/onnx-ml.pb.h"

namespace modelexport::hierarchy {

// `module[i]` is the module of graph.node(i), kNoModule where unknown; fills in what data flow
// determines and leaves kNoModule where nothing applies (the caller's fallback decides).
void inherit_by_data_flow(const ModuleTree& tree, const onnx::GraphProto& graph,
                          std::vector<int>& module);

}  // namespace modelexport::hierarchy
