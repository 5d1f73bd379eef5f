// The exporter's final step on a raw ONNX export: hierarchy tags on every node (or none, for
// --clean-onnx), the package metadata, then model.onnx and model_hierarchy.json written
// atomically.
#pragma once

#include <string>
#include <vector>

#include "modelexport/hierarchy.h"
#include "modelexport/metadata.h"

namespace modelexport {

// Returns the hierarchy document it wrote to `hierarchy_path`.
std::string write_package_model(const std::string& raw_model_path, const std::string& model_path,
                                const std::string& hierarchy_path, const PackageMetadata& meta,
                                const std::vector<ModuleInfo>& modules,
                                const ProjectionOptions& options);

// After a graph pass rewrote the package's `original_path` into `transformed_path`: re-tag it
// (retag_after_pass; with `tag_nodes` false, drop every node's metadata instead), restore any
// model-level metadata key the pass lost, and write `model_path` and, when tagging,
// `hierarchy_path` atomically. Returns the hierarchy document ("" when not tagging).
std::string write_transformed_package_model(const std::string& original_path,
                                            const std::string& transformed_path,
                                            const std::string& model_path,
                                            const std::string& hierarchy_path,
                                            const std::vector<ModuleInfo>& modules, bool tag_nodes);

}  // namespace modelexport
