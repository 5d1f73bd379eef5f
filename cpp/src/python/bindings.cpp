// The modelexport._native extension: thin nanobind wrappers over the public C++ API.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <tuple>

#include "modelexport/atomic_file.h"
#include "modelexport/graph_slices.h"
#include "modelexport/hierarchy.h"
#include "modelexport/image.h"
#include "modelexport/metadata.h"
#include "modelexport/onnx_model.h"
#include "modelexport/package.h"
#include "modelexport/package_info.h"
#include "modelexport/package_writer.h"
#include "modelexport/shape_buckets.h"
#include "modelexport/single_file.h"
#include "modelexport/task.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using ModuleTuple = std::tuple<std::string, std::string, std::int64_t, bool>;

std::vector<modelexport::ModuleInfo> module_infos(const std::vector<ModuleTuple>& modules) {
  std::vector<modelexport::ModuleInfo> infos;
  infos.reserve(modules.size());
  for (const auto& [path, class_name, own_parameters, container] : modules) {
    infos.push_back({path, class_name, own_parameters, container});
  }
  return infos;
}

std::string write_package_model(const std::string& source_path, const std::string& model_path,
                                const std::string& hierarchy_path,
                                const modelexport::PackageMetadata& meta,
                                const std::vector<ModuleTuple>& modules, bool tag_nodes,
                                const std::string& scope_root) {
  const auto infos = module_infos(modules);
  modelexport::ProjectionOptions options;
  options.write_tags = tag_nodes;
  options.scope_root = scope_root;
  return modelexport::write_package_model(source_path, model_path, hierarchy_path, meta, infos,
                                          options);
}

std::string write_transformed_package_model(const std::string& original_path,
                                            const std::string& transformed_path,
                                            const std::string& model_path,
                                            const std::string& hierarchy_path,
                                            const std::vector<ModuleTuple>& modules,
                                            bool tag_nodes) {
  return modelexport::write_transformed_package_model(original_path, transformed_path, model_path,
                                                      hierarchy_path, module_infos(modules),
                                                      tag_nodes);
}

void write_graph_slices(
    const std::string& model_path,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& slices) {
  std::vector<modelexport::GraphSlice> wanted;
  for (const auto& [file_name, outputs] : slices) wanted.push_back({file_name, outputs});
  modelexport::write_graph_slices(model_path, wanted);
}

void write_graphml(const std::string& model_path, const std::string& output_path) {
  modelexport::write_file_atomically(
      output_path, modelexport::hierarchy_graphml(modelexport::OnnxModel::load(model_path)));
}

modelexport::MetadataProps read_metadata(const std::string& path) {
  const std::string model_path = modelexport::resolve_model_path(path);
  return modelexport::decoded_metadata_props(modelexport::read_metadata_props(model_path),
                                             model_path);
}

}  // namespace

void bind_image(nb::module_& m);            // image_bindings.cpp
void bind_pipelines(nb::module_& m);        // pipeline_bindings.cpp
void bind_tokenizer(nb::module_& m);        // tokenizer_bindings.cpp
void bind_image_processor(nb::module_& m);  // image_processor_bindings.cpp
void bind_audio(nb::module_& m);            // audio_bindings.cpp
void bind_audio_features(nb::module_& m);   // audio_feature_bindings.cpp
void bind_ocr(nb::module_& m);              // ocr_bindings.cpp

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

  m.def("write_package_model", &write_package_model, "source_path"_a, "model_path"_a,
        "hierarchy_path"_a, "metadata"_a, "modules"_a, "tag_nodes"_a, "scope_root"_a,
        nb::call_guard<nb::gil_scoped_release>(),
        "Tag every node with its module (unless tag_nodes is false), embed the package "
        "metadata, write model.onnx and model_hierarchy.json; returns the hierarchy JSON.");
  m.def("write_transformed_package_model", &write_transformed_package_model, "original_path"_a,
        "transformed_path"_a, "model_path"_a, "hierarchy_path"_a, "modules"_a, "tag_nodes"_a,
        nb::call_guard<nb::gil_scoped_release>(),
        "After a graph pass (fusions, quantization) over the tagged original: re-tag the "
        "transformed graph by the projection rules (or drop all node tags when tag_nodes is "
        "false), keep the package metadata, write model.onnx and model_hierarchy.json; returns "
        "the hierarchy JSON ('' when not tagging).");
  m.def("extract_module", &modelexport::extract_module_file, "model_path"_a, "module_path"_a,
        "output_path"_a, nb::call_guard<nb::gil_scoped_release>(),
        "Write one module's subgraph as a standalone ONNX model.");
  m.def("write_graph_slices", &write_graph_slices, "model_path"_a, "slices"_a,
        nb::call_guard<nb::gil_scoped_release>(),
        "Move the model's weights to external data and write graphs cut from it by outputs "
        "(file name, output names) beside it, sharing those weights.");
  m.def("write_shape_buckets", &modelexport::write_shape_buckets, "model_path"_a, "axis_name"_a,
        "lengths"_a, nb::call_guard<nb::gil_scoped_release>(),
        "Make model.onnx the largest shape bucket (axis_name fixed to the largest length) and "
        "write the other buckets beside it, all sharing external weights.");
  m.def("remove_shape_buckets", &modelexport::remove_shape_buckets, "model_path"_a,
        nb::call_guard<nb::gil_scoped_release>(),
        "Make a bucketed package one graph: forget the buckets in model.onnx's metadata and "
        "delete the smaller buckets' files.");
  m.def("shape_bucket_file", &modelexport::shape_bucket_file, "length"_a,
        "The file name of the shape bucket of `length` (the largest is model.onnx).");
  m.def("default_shape_buckets", &modelexport::default_shape_buckets, "export_length"_a,
        "The default sequence-length ladder up to export_length.");
  m.def("write_graphml", &write_graphml, "model_path"_a, "output_path"_a,
        nb::call_guard<nb::gil_scoped_release>(),
        "Write the graph as GraphML with one compound node per module.");
  m.def("read_metadata", &read_metadata, "path"_a, nb::call_guard<nb::gil_scoped_release>(),
        "All model-level metadata_props of a package or .onnx file, values decoded.");
  m.def("describe_package_json", &modelexport::describe_package_json, "path"_a,
        nb::call_guard<nb::gil_scoped_release>(),
        "JSON description of a package (what inspect prints).");
  m.def("resolve_model_path", &modelexport::resolve_model_path, "path"_a);

  nb::class_<modelexport::EmbeddedFile>(m, "EmbeddedFile",
                                        "A file embedded in a single-file package.")
      .def_ro("name", &modelexport::EmbeddedFile::name)
      .def_ro("size", &modelexport::EmbeddedFile::size)
      .def_ro("stored_size", &modelexport::EmbeddedFile::stored_size)
      .def_ro("crc32", &modelexport::EmbeddedFile::crc32);
  nb::class_<modelexport::PackResult>(m, "PackResult", "What pack_package wrote.")
      .def_ro("output_path", &modelexport::PackResult::output_path)
      .def_ro("bytes", &modelexport::PackResult::bytes)
      .def_ro("folder_bytes", &modelexport::PackResult::folder_bytes)
      .def_ro("inlined_external_data", &modelexport::PackResult::inlined_external_data)
      .def_ro("dropped_buckets", &modelexport::PackResult::dropped_buckets)
      .def_ro("files", &modelexport::PackResult::files);
  m.def("pack_package", &modelexport::pack_package, "package_path"_a, "output_path"_a,
        "overwrite"_a = false, nb::call_guard<nb::gil_scoped_release>(),
        "Write a package folder as one self-contained .onnx (side files embedded, external "
        "weights inlined), atomically; refuses a result over 2 GB.");
  m.def("unpack_package", &modelexport::unpack_package, "model_path"_a, "output_dir"_a,
        nb::call_guard<nb::gil_scoped_release>(),
        "Restore the package folder of a single-file package into a new folder.");
  m.def("extract_embedded_files", &modelexport::extract_embedded_files, "model_path"_a,
        "output_dir"_a, nb::call_guard<nb::gil_scoped_release>(),
        "Write the embedded files of a single-file package (not the model) into an existing "
        "folder; returns their names.");
  m.def(
      "package_file",
      [](const std::string& path, const std::string& name) {
        std::string bytes;
        {
          nb::gil_scoped_release release;
          bytes = modelexport::Package::open(path).file_contents(name);
        }
        return nb::bytes(bytes.data(), bytes.size());
      },
      "path"_a, "name"_a,
      "The bytes of a package's file (embedded in a single file, or beside model.onnx).");
  m.def("max_sequence_length", &modelexport::max_sequence_length, "tokenizer_max"_a.none(),
        "config_json"_a,
        "The longest input a model accepts (the rule the runtime uses), or None when unknown.");
  // The metadata keys of the package format (a namespace), so that no Python file spells one.
  namespace k = modelexport::metadata_keys;
  nb::dict keys;
  for (const auto& [name, key] : {std::pair<const char*, std::string_view>{"VERSION", k::kVersion},
                                  {"PIPELINE_TASK", k::kPipelineTask},
                                  {"MODEL_CONFIG", k::kModelConfig},
                                  {"PROCESSOR_CONFIG", k::kProcessorConfig},
                                  {"MODEL_SOURCE", k::kModelSource},
                                  {"HUB_ID", k::kHubId},
                                  {"HUB_REVISION", k::kHubRevision},
                                  {"ORIGINAL_PATH", k::kOriginalPath},
                                  {"EXPORT_CONFIG", k::kExportConfig},
                                  {"EXPORT_TIMESTAMP", k::kExportTimestamp},
                                  {"EMBEDDED_FILES", k::kEmbeddedFiles}}) {
    keys[name] = std::string(key);
  }
  keys["FORMAT_VERSION"] = std::string(modelexport::kMetadataFormatVersion);
  m.attr("metadata_keys") = nb::module_::import_("types").attr("SimpleNamespace")(**keys);
  m.def(
      "task_registry",
      [] {
        nb::list tasks;
        for (const auto& task : modelexport::task_registry()) {
          nb::dict entry;
          entry["name"] = task.name;
          entry["modality"] = task.modality;
          entry["processor"] = task.processor;
          entry["auto_model_class"] = task.auto_model_class;
          entry["ort_model_class"] = task.ort_model_class;
          entry["outputs"] = nb::tuple(nb::cast(task.outputs));
          entry["architecture_suffixes"] = nb::tuple(nb::cast(task.architecture_suffixes));
          entry["text_pairs"] = task.text_pairs;
          nb::list options;
          for (const auto& option : task.options) options.append(option.name);
          entry["options"] = nb::tuple(options);
          tasks.append(entry);
        }
        return tasks;
      },
      "The task registry of the C++ core, in display order: one dict per task.");
  m.def(
      "detect_task",
      [](const std::string& config_json, bool sentence_transformers, const std::string& origin,
         const std::string& modality) {
        return modelexport::detect_task(config_json, sentence_transformers, origin, modality);
      },
      "config_json"_a, "sentence_transformers"_a, "origin"_a, "modality"_a = "text",
      "The pipeline task for a config.json (architectures), as the runtime decides it.");
  m.def("folder_modality", &modelexport::folder_modality, "model_dir"_a,
        "'image', 'audio' or 'text': what a model folder's preprocessor_config.json says its "
        "inputs are.");
  m.def(
      "resize_image",
      [](nb::bytes pixels, std::size_t width, std::size_t height, std::size_t channels,
         std::size_t out_width, std::size_t out_height, int resample) {
        modelexport::Image image{width, height, channels, {}};
        const auto* data = static_cast<const std::uint8_t*>(pixels.data());
        image.pixels.assign(data, data + pixels.size());
        modelexport::Image out;
        {
          nb::gil_scoped_release release;
          out = modelexport::resize(image, out_width, out_height,
                                    modelexport::resample_from_pil(resample));
        }
        return nb::bytes(reinterpret_cast<const char*>(out.pixels.data()), out.pixels.size());
      },
      "pixels"_a, "width"_a, "height"_a, "channels"_a, "out_width"_a, "out_height"_a, "resample"_a,
      "8-bit interleaved pixels resized as Pillow's Image.resize does (resample: PIL's filter "
      "number).");
  bind_image(m);
  bind_ocr(m);
  bind_pipelines(m);
  bind_tokenizer(m);
  bind_image_processor(m);
  bind_audio(m);
  bind_audio_features(m);
}
