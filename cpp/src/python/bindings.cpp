// The modelexport._native extension: thin nanobind wrappers over the public C++ API.
#include <nanobind/nanobind.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "modelexport/metadata.h"
#include "modelexport/onnx_model.h"
#include "modelexport/package_info.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

void embed_package_metadata(const std::string& source_path, const std::string& target_path,
                            const modelexport::PackageMetadata& meta) {
  modelexport::OnnxModel model = modelexport::OnnxModel::load(source_path);
  modelexport::apply_package_metadata(model, meta);
  model.save(target_path);
}

modelexport::MetadataProps read_metadata(const std::string& path) {
  const std::string model_path = modelexport::resolve_model_path(path);
  return modelexport::decoded_metadata_props(modelexport::OnnxModel::load(model_path), model_path);
}

}  // namespace

NB_MODULE(_native, m) {
  m.doc() = "modelexport C++ core";

  nb::class_<modelexport::ModelSource>(m, "ModelSource")
      .def(nb::init<>())
      .def_rw("kind", &modelexport::ModelSource::kind)
      .def_rw("hub_id", &modelexport::ModelSource::hub_id)
      .def_rw("hub_revision", &modelexport::ModelSource::hub_revision)
      .def_rw("original_path", &modelexport::ModelSource::original_path);

  nb::class_<modelexport::PackageMetadata>(m, "PackageMetadata")
      .def(nb::init<>())
      .def_rw("task", &modelexport::PackageMetadata::task)
      .def_rw("model_config_json", &modelexport::PackageMetadata::model_config_json)
      .def_rw("processor_config_json", &modelexport::PackageMetadata::processor_config_json)
      .def_rw("source", &modelexport::PackageMetadata::source)
      .def_rw("export_config_json", &modelexport::PackageMetadata::export_config_json)
      .def_rw("export_timestamp", &modelexport::PackageMetadata::export_timestamp);

  m.def("embed_package_metadata", &embed_package_metadata, "source_path"_a, "target_path"_a,
        "metadata"_a, nb::call_guard<nb::gil_scoped_release>(),
        "Write package metadata into an ONNX model (other keys kept); the target is written "
        "atomically.");
  m.def("read_metadata", &read_metadata, "path"_a, nb::call_guard<nb::gil_scoped_release>(),
        "All model-level metadata_props of a package or .onnx file, values decoded.");
  m.def("describe_package_json", &modelexport::describe_package_json, "path"_a,
        nb::call_guard<nb::gil_scoped_release>(),
        "JSON description of a package (what inspect prints).");
  m.def("resolve_model_path", &modelexport::resolve_model_path, "path"_a);
  m.def("encode_metadata_value", &modelexport::encode_metadata_value, "value"_a);
  m.def("decode_metadata_value", &modelexport::decode_metadata_value, "stored"_a, "key"_a);
}
