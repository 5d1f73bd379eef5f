// write_package_model: tag, embed metadata, write model.onnx + model_hierarchy.json.
#include "modelexport/package_writer.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "modelexport/atomic_file.h"
#include "onnx/model_access.h"

namespace modelexport {
namespace {

void clear_node_metadata(OnnxModel& model) {
  for (auto& node : *OnnxModelAccess::proto(model).mutable_graph()->mutable_node()) {
    node.clear_metadata_props();
  }
}

// statistics.root_fallback of the original's hierarchy document; when there is none, as
// many as there are nodes (every kept root node is then counted as fallback).
std::size_t original_root_fallback(const std::string& hierarchy_path) {
  std::ifstream file(hierarchy_path);
  if (!file) return std::numeric_limits<std::size_t>::max();
  const auto document = nlohmann::json::parse(file, nullptr, false);
  const auto* statistics =
      document.is_object() && document.contains("statistics") ? &document["statistics"] : nullptr;
  if (statistics == nullptr || !(*statistics)["root_fallback"].is_number_unsigned()) {
    return std::numeric_limits<std::size_t>::max();
  }
  return (*statistics)["root_fallback"].get<std::size_t>();
}

}  // namespace

std::string write_package_model(const std::string& raw_model_path, const std::string& model_path,
                                const std::string& hierarchy_path, const PackageMetadata& meta,
                                const std::vector<ModuleInfo>& modules,
                                const ProjectionOptions& options) {
  OnnxModel model = OnnxModel::load(raw_model_path);
  std::string hierarchy = project_hierarchy(model, modules, options);
  apply_package_metadata(model, meta);
  model.save(model_path);
  write_file_atomically(hierarchy_path, hierarchy);
  return hierarchy;
}

std::string write_transformed_package_model(const std::string& original_path,
                                            const std::string& transformed_path,
                                            const std::string& model_path,
                                            const std::string& hierarchy_path,
                                            const std::vector<ModuleInfo>& modules,
                                            bool tag_nodes) {
  const OnnxModel original = OnnxModel::load(original_path);
  OnnxModel model = OnnxModel::load(transformed_path);
  std::string hierarchy;
  if (tag_nodes) {
    hierarchy = retag_after_pass(original, model, modules, original_root_fallback(hierarchy_path));
  } else {
    clear_node_metadata(model);
  }
  const MetadataProps kept = model.metadata_props();
  for (const auto& prop : original.metadata_props()) {
    const bool present = std::any_of(kept.begin(), kept.end(),
                                     [&](const auto& entry) { return entry.first == prop.first; });
    if (!present) model.set_metadata(prop.first, prop.second);
  }
  model.save(model_path);
  if (tag_nodes) write_file_atomically(hierarchy_path, hierarchy);
  return hierarchy;
}

}  // namespace modelexport
