// Hierarchy-preserving export (HTP): projecting the PyTorch module tree onto every ONNX node,
// and the tools built on the tags (module subgraph extraction, GraphML).
//
// Each node gets three standard node metadata_props: `namespace` (Model Explorer's
// '/'-separated layer path), `modelexport.module` (dotted module path, "" for the root) and
// `modelexport.tag` (class chain such as /BertModel/BertEncoder/BertLayer.0/BertAttention).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "modelexport/onnx_model.h"

namespace modelexport {

// One entry of `named_modules()`: dotted path ("" for the root), class name, the number of
// parameters the module owns directly, and whether it is a pure container (ModuleList/
// ModuleDict: it never runs, its children appear as `name.index` in tags).
struct ModuleInfo {
  std::string path;
  std::string class_name;
  std::int64_t own_parameters = 0;
  bool container = false;
};

struct ProjectionOptions {
  // Scope component of the exported wrapper's attribute holding the model: scopes are
  // recorded relative to the wrapper, the module tree relative to the model.
  std::string scope_root = "model";
  // false: write no tags and drop the exporter's node metadata (--clean-onnx).
  bool write_tags = true;
};

struct ProjectionStats {
  std::size_t total_nodes = 0;    // including nodes of subgraphs (If/Loop bodies)
  std::size_t direct = 0;         // the exporter recorded the node's module
  std::size_t inherited = 0;      // module taken from consumers, producers or enclosing node
  std::size_t root_fallback = 0;  // nothing applied: tagged with the root module
};

// Tags every node of `model` (in place) and returns the hierarchy document written as
// model_hierarchy.json: the module tree with classes, parameter counts, own/subtree node counts
// and the statistics. Throws std::invalid_argument when `modules` has no root entry.
std::string project_hierarchy(OnnxModel& model, const std::vector<ModuleInfo>& modules,
                              const ProjectionOptions& options, ProjectionStats* stats = nullptr);

// Re-tags `transformed`, the result of a graph pass (ONNX Runtime's fusions or quantization)
// over the tagged `original`, in place. Nodes the pass kept (same name and op type) keep their
// module. A node it created gets the common module of the original nodes it replaced: the
// removed nodes producing its outputs plus the removed nodes feeding only them, back to its
// inputs (or, when none of its outputs existed before, the removed original consumers of its
// inputs); failing that the module of the nodes it serves (data flow, as the projection does);
// the root last. Returns the hierarchy document of the transformed graph; its statistics count
// kept nodes as direct and new ones as inherited, except root fallback: new nodes nothing
// applied to, plus kept root nodes up to `original_root_fallback` (the original's count: the
// tags do not say which root nodes were fallback); they add "graph_pass" {kept,
// from_replaced_nodes, from_data_flow}.
std::string retag_after_pass(const OnnxModel& original, OnnxModel& transformed,
                             const std::vector<ModuleInfo>& modules,
                             std::size_t original_root_fallback, ProjectionStats* stats = nullptr);

// The subgraph of the nodes tagged with `module_path` or a module inside it, as a standalone
// model: inputs are the tensors entering it, outputs the tensors leaving it (consumed outside
// or graph outputs), initializers it uses copied. Throws std::invalid_argument when no node
// carries that module or a boundary tensor has no type information.
OnnxModel extract_module(const OnnxModel& model, std::string_view module_path);

// extract_module on a file, written as a standalone model: weights the source keeps in
// external data (inside the source's folder only) are inlined, or, above 1.8 GB, written to
// "<output>.data" beside it. Refuses an output that is the source model or its weights file.
void extract_module_file(const std::string& model_path, std::string_view module_path,
                         const std::string& output_path);

// GraphML of the graph with one nested (compound) node per module, readable by networkx and
// yEd-style tools.
std::string hierarchy_graphml(const OnnxModel& model);

}  // namespace modelexport
