// The package metadata format (version 2.2): the model-level metadata_props keys of model.onnx,
// how long values are stored (gzip+base64 behind a "gz:" prefix), and the typed view of them.
// This is the only implementation of the format; Python reaches it through the bindings.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "modelexport/onnx_model.h"

namespace modelexport {
namespace metadata_keys {
inline constexpr std::string_view kVersion = "hf_metadata_version";
inline constexpr std::string_view kPipelineTask = "hf_pipeline_task";
inline constexpr std::string_view kModelConfig = "hf_model_config";
inline constexpr std::string_view kProcessorConfig = "hf_processor_config";
inline constexpr std::string_view kModelSource = "hf_model_source";
inline constexpr std::string_view kHubId = "hf_hub_id";
inline constexpr std::string_view kHubRevision = "hf_hub_revision";
inline constexpr std::string_view kOriginalPath = "hf_original_path";
inline constexpr std::string_view kExportConfig = "hf_export_config";
inline constexpr std::string_view kExportTimestamp = "hf_export_timestamp";
// Single-file packages only: the embedded side files (modelexport/single_file.h). Format 2.1.
inline constexpr std::string_view kEmbeddedFiles = "hf_embedded_files";
}  // namespace metadata_keys

inline constexpr std::string_view kMetadataFormatVersion = "2.2";
// Values longer than this are stored compressed.
inline constexpr std::size_t kCompressThreshold = 10 * 1024;

// "gz:" + base64(gzip(value)) when the value exceeds kCompressThreshold, else the value itself.
std::string encode_metadata_value(std::string_view value);
// Inverse of encode_metadata_value; plain values pass through. Throws std::invalid_argument
// naming `key` when a "gz:" value is not valid base64/gzip.
std::string decode_metadata_value(std::string_view stored, std::string_view key);

struct ModelSource {
  std::string kind;  // "hub" or "local"
  std::string hub_id;
  std::string hub_revision;
  std::string original_path;
};

// What the exporter knows about a package. JSON members hold JSON object text.
struct PackageMetadata {
  std::string task;
  std::string model_config_json;
  std::string processor_config_json;
  ModelSource source;
  std::string export_config_json;
  std::string export_timestamp;  // ISO 8601 UTC; the current time when left empty
};

// The metadata_props for `meta`: validated (task set, JSON members are JSON objects, source
// complete for its kind), JSON compacted, long values encoded. Throws std::invalid_argument.
MetadataProps to_metadata_props(const PackageMetadata& meta);

// Reads the typed view back from decoded props; `origin` names the file in error messages.
PackageMetadata from_metadata_props(const MetadataProps& props, const std::string& origin);

// All props of a model with every value decoded.
MetadataProps decoded_metadata_props(const OnnxModel& model, const std::string& origin);
MetadataProps decoded_metadata_props(MetadataProps props, const std::string& origin);

// Writes `meta` into the model, replacing the hf_* keys it sets and keeping every other key.
void apply_package_metadata(OnnxModel& model, const PackageMetadata& meta);

// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_timestamp_now();

}  // namespace modelexport
