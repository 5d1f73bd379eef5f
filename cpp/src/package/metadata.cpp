// Package metadata format 2.x: value encoding, validation and the typed <-> props mapping.
#include "modelexport/metadata.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "modelexport/limits.h"
#include "onnx/codec.h"
#include "text/json_document.h"

namespace modelexport {
namespace {

namespace keys = metadata_keys;
using Json = nlohmann::ordered_json;
constexpr std::string_view kCompressedPrefix = "gz:";

std::string compact_json_object(const std::string& text, std::string_view key) {
  const Json parsed =
      text::parse_json_document<Json>(text, std::string(key), text::JsonNumbers::kCorrectlyRounded);
  if (!parsed.is_object())
    throw std::invalid_argument(std::string(key) + ": must be a JSON object");
  return parsed.dump();
}

const std::string* find_prop(const MetadataProps& props, std::string_view key) {
  for (const auto& [k, v] : props) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string prop_or_empty(const MetadataProps& props, std::string_view key) {
  const std::string* value = find_prop(props, key);
  return value ? *value : std::string();
}

}  // namespace

std::string encode_metadata_value(std::string_view value) {
  if (value.size() <= kCompressThreshold) return std::string(value);
  return std::string(kCompressedPrefix) + codec::base64_encode(codec::gzip_compress(value));
}

std::string decode_metadata_value(std::string_view stored, std::string_view key) {
  if (stored.substr(0, kCompressedPrefix.size()) != kCompressedPrefix) return std::string(stored);
  try {
    const std::string compressed = codec::base64_decode(stored.substr(kCompressedPrefix.size()));
    const std::size_t limit =
        std::min(limits::kMaxDecodedMetadataBytes,
                 compressed.size() * limits::kMaxMetadataExpansion + (std::size_t{1} << 20));
    return codec::gzip_decompress(compressed, limit);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("metadata key " + std::string(key) + ": corrupt gz: value (" +
                                e.what() + ")");
  }
}

MetadataProps to_metadata_props(const PackageMetadata& meta) {
  if (meta.task.empty()) throw std::invalid_argument("package metadata: task is empty");
  MetadataProps props;
  props.emplace_back(keys::kVersion, kMetadataFormatVersion);
  props.emplace_back(keys::kPipelineTask, meta.task);
  props.emplace_back(keys::kModelConfig,
                     compact_json_object(meta.model_config_json, keys::kModelConfig));
  props.emplace_back(keys::kProcessorConfig,
                     compact_json_object(meta.processor_config_json, keys::kProcessorConfig));
  const ModelSource& source = meta.source;
  if (source.kind == "hub") {
    if (source.hub_id.empty() || source.hub_revision.empty()) {
      throw std::invalid_argument("package metadata: a hub source needs hub_id and hub_revision");
    }
    props.emplace_back(keys::kModelSource, "hub");
    props.emplace_back(keys::kHubId, source.hub_id);
    props.emplace_back(keys::kHubRevision, source.hub_revision);
  } else if (source.kind == "local") {
    if (source.original_path.empty()) {
      throw std::invalid_argument("package metadata: a local source needs original_path");
    }
    props.emplace_back(keys::kModelSource, "local");
    props.emplace_back(keys::kOriginalPath, source.original_path);
  } else {
    throw std::invalid_argument("package metadata: source kind must be 'hub' or 'local', got '" +
                                source.kind + "'");
  }
  props.emplace_back(keys::kExportConfig,
                     compact_json_object(meta.export_config_json, keys::kExportConfig));
  props.emplace_back(keys::kExportTimestamp,
                     meta.export_timestamp.empty() ? utc_timestamp_now() : meta.export_timestamp);
  for (auto& prop : props) prop.second = encode_metadata_value(prop.second);
  return props;
}

MetadataProps decoded_metadata_props(const OnnxModel& model, const std::string& origin) {
  return decoded_metadata_props(model.metadata_props(), origin);
}

MetadataProps decoded_metadata_props(MetadataProps props, const std::string& origin) {
  for (auto& [key, value] : props) {
    try {
      value = decode_metadata_value(value, key);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(origin + ": " + e.what());
    }
  }
  return props;
}

PackageMetadata from_metadata_props(const MetadataProps& props, const std::string& origin) {
  const std::string* version = find_prop(props, keys::kVersion);
  if (version == nullptr) {
    throw std::invalid_argument(origin + ": no " + std::string(keys::kVersion) +
                                " metadata (not exported by modelexport?)");
  }
  // Any 2.x: minor versions only add what readers may ignore (docs/package_format.md).
  const auto major = [](std::string_view v) { return v.substr(0, v.find('.')); };
  if (major(*version) != major(kMetadataFormatVersion)) {
    throw std::invalid_argument(origin + ": unsupported metadata version " + *version);
  }
  PackageMetadata meta;
  meta.task = prop_or_empty(props, keys::kPipelineTask);
  meta.model_config_json = prop_or_empty(props, keys::kModelConfig);
  meta.processor_config_json = prop_or_empty(props, keys::kProcessorConfig);
  meta.source.kind = prop_or_empty(props, keys::kModelSource);
  meta.source.hub_id = prop_or_empty(props, keys::kHubId);
  meta.source.hub_revision = prop_or_empty(props, keys::kHubRevision);
  meta.source.original_path = prop_or_empty(props, keys::kOriginalPath);
  meta.export_config_json = prop_or_empty(props, keys::kExportConfig);
  meta.export_timestamp = prop_or_empty(props, keys::kExportTimestamp);
  return meta;
}

void apply_package_metadata(OnnxModel& model, const PackageMetadata& meta) {
  MetadataProps props = to_metadata_props(meta);
  // A re-export may switch source kind; drop the keys of the other kind so none go stale.
  for (auto key : {keys::kHubId, keys::kHubRevision, keys::kOriginalPath})
    model.erase_metadata(key);
  for (const auto& [key, value] : props) model.set_metadata(key, value);
}

std::string utc_timestamp_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace modelexport
