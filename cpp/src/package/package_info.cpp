// Package resolution and the JSON description printed by `inspect`.
#include "modelexport/package_info.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "modelexport/metadata.h"
#include "modelexport/onnx_model.h"
#include "modelexport/single_file.h"
#include "text/json_document.h"

namespace modelexport {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

Json tensor_json(const TensorInfo& info) {
  Json shape = Json::array();
  // A fixed axis as its size, a dynamic one by its symbolic name ("?" when unnamed).
  for (std::size_t axis = 0; axis < info.dims.size(); ++axis) {
    if (info.is_fixed(axis)) {
      shape.push_back(info.dims[axis]);
    } else {
      const std::string& name = info.dim_names[axis];
      shape.push_back(name.empty() ? "?" : name);
    }
  }
  Json out = {{"name", info.name}, {"type", info.element_type}};
  out["shape"] = info.rank_known ? shape : Json(nullptr);
  return out;
}

// JSON-valued metadata is shown parsed; anything else stays a string.
Json metadata_value_json(const std::string& value) {
  if (!value.empty() && (value.front() == '{' || value.front() == '[')) {
    try {  // bounded nesting: the description is copied and dumped recursively
      return text::parse_json_document<Json>(value, "metadata",
                                             text::JsonNumbers::kCorrectlyRounded);
    } catch (const std::invalid_argument&) {
      // shown as the string it is
    }
  }
  return value;
}

}  // namespace

std::string resolve_model_path(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    fs::path model = p / "model.onnx";
    if (!fs::is_regular_file(model, ec)) {
      throw std::invalid_argument(path + ": directory has no model.onnx");
    }
    return model.string();
  }
  if (fs::is_regular_file(p, ec)) return p.string();
  throw std::invalid_argument(path + ": no such package directory or .onnx file");
}

std::string describe_package_json(const std::string& path) {
  const std::string model_path = resolve_model_path(path);
  const OnnxModel model = OnnxModel::load(model_path);
  const MetadataProps props = decoded_metadata_props(model, model_path);

  Json out;
  out["model_path"] = model_path;
  Json metadata = Json::object();
  Json embedded = nullptr;
  for (const auto& [key, value] : props) {
    if (key == metadata_keys::kEmbeddedFiles) {
      // A single file: what it embeds (verified), not the encoded bytes.
      embedded = Json::array();
      for (const auto& file : decode_embedded_files(value, model_path)) {
        char crc[9];
        std::snprintf(crc, sizeof(crc), "%08x", file.info.crc32);
        embedded.push_back({{"name", file.info.name},
                            {"bytes", file.info.size},
                            {"stored_bytes", file.info.stored_size},
                            {"crc32", crc}});
      }
      continue;
    }
    metadata[key] = metadata_value_json(value);
  }
  out["task"] = metadata.contains(metadata_keys::kPipelineTask)
                    ? metadata[std::string(metadata_keys::kPipelineTask)]
                    : Json(nullptr);
  Json inputs = Json::array();
  for (const auto& info : model.inputs()) inputs.push_back(tensor_json(info));
  Json outputs = Json::array();
  for (const auto& info : model.outputs()) outputs.push_back(tensor_json(info));
  out["inputs"] = inputs;
  out["outputs"] = outputs;
  Json opsets = Json::object();
  for (const auto& [domain, version] : model.opset_imports()) opsets[domain] = version;
  out["opsets"] = opsets;
  out["ir_version"] = model.ir_version();
  out["producer"] = model.producer_name() + " " + model.producer_version();
  out["node_count"] = model.node_count();
  out["initializer_count"] = model.initializer_count();
  out["metadata"] = metadata;

  out["self_contained"] = !embedded.is_null();
  out["embedded_files"] = embedded.is_null() ? Json::array() : embedded;

  // A folder package: the files of its folder; a single file: itself (its folder may hold
  // anything else).
  Json files = Json::array();
  std::vector<fs::directory_entry> entries;
  if (!embedded.is_null()) {
    entries.emplace_back(fs::path(model_path));
  } else {
    for (const auto& entry : fs::directory_iterator(fs::path(model_path).parent_path().empty()
                                                        ? fs::path(".")
                                                        : fs::path(model_path).parent_path())) {
      if (entry.is_regular_file()) entries.push_back(entry);
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  for (const auto& entry : entries) {
    files.push_back({{"name", entry.path().filename().string()}, {"bytes", entry.file_size()}});
  }
  out["files"] = files;
  // Metadata values are bytes from strangers: invalid UTF-8 is shown as U+FFFD, not an error.
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace modelexport
