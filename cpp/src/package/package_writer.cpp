// write_package_model: tag, embed metadata, write model.onnx + model_hierarchy.json.
#include "modelexport/package_writer.h"

#include "modelexport/atomic_file.h"

namespace modelexport {

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

}  // namespace modelexport
