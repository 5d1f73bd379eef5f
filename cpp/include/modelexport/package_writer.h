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

}  // namespace modelexport
