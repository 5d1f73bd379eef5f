// Reading and writing the hierarchy tags of a node, and the tensors a node consumes
// (including outer-scope names its subgraphs use).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hierarchy/module_tree.h"
#include "onnx/onnx-ml.pb.h"

namespace modelexport::hierarchy {

inline constexpr std::string_view kNamespaceKey = "namespace";
inline constexpr std::string_view kModuleKey = "modelexport.module";
inline constexpr std::string_view kTagKey = "modelexport.tag";

// Sets the three tags (replacing any the exporter wrote) and drops the exporter's bulky
// per-node debugging props (stack traces with local file paths, FX node dumps).
void write_node_tags(onnx::NodeProto& node, const Module& module);

// The node's modelexport.module, or nullptr when it has none.
const std::string* node_module(const onnx::NodeProto& node);

// Non-empty inputs of the node plus the outer-scope names read inside its subgraphs, unique.
std::vector<std::string_view> consumed_names(const onnx::NodeProto& node);

// True when `path` is `module` or inside it, component-wise.
bool module_contains(std::string_view module, std::string_view path);

}  // namespace modelexport::hierarchy
