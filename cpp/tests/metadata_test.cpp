// Package metadata format 2.0: encoding of long values, validation, preservation of other keys.
#include "modelexport/metadata.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_helpers.h"

namespace modelexport {
namespace {

PackageMetadata sample_metadata() {
  PackageMetadata meta;
  meta.task = "text-classification";
  meta.model_config_json = R"({ "model_type": "bert", "id2label": {"0": "NEG", "1": "POS"} })";
  meta.processor_config_json = R"({"processor_type": "tokenizer", "sequence_length": 128})";
  meta.source.kind = "local";
  meta.source.original_path = "/models/bert";
  meta.export_config_json = R"({"opset": 18, "dynamic": false})";
  meta.export_timestamp = "2026-01-02T03:04:05Z";
  return meta;
}

std::string value_of(const MetadataProps& props, std::string_view key) {
  for (const auto& [k, v] : props) {
    if (k == key) return v;
  }
  return "<missing>";
}

TEST(MetadataValue, ShortValuesAreStoredAsIs) {
  EXPECT_EQ(encode_metadata_value("{\"a\":1}"), "{\"a\":1}");
  EXPECT_EQ(decode_metadata_value("plain", "k"), "plain");
}

TEST(MetadataValue, LongValuesRoundTripThroughGzipBase64) {
  std::string long_value = "{\"labels\":[";
  for (int i = 0; i < 3000; ++i) long_value += "\"label_" + std::to_string(i) + "\",";
  long_value += "\"end\"]}";
  ASSERT_GT(long_value.size(), kCompressThreshold);
  std::string stored = encode_metadata_value(long_value);
  EXPECT_EQ(stored.rfind("gz:", 0), 0u);
  EXPECT_LT(stored.size(), long_value.size());
  EXPECT_EQ(decode_metadata_value(stored, "k"), long_value);
}

TEST(MetadataValue, CorruptCompressedValueNamesTheKey) {
  try {
    decode_metadata_value("gz:!!!not-base64", "hf_model_config");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("hf_model_config"), std::string::npos) << e.what();
  }
  EXPECT_THROW(decode_metadata_value("gz:aGVsbG8=", "k"), std::invalid_argument);  // not gzip
}

TEST(PackageMetadataProps, WritesEveryKeyWithCompactJson) {
  MetadataProps props = to_metadata_props(sample_metadata());
  EXPECT_EQ(value_of(props, metadata_keys::kVersion), "2.2");
  EXPECT_EQ(value_of(props, metadata_keys::kPipelineTask), "text-classification");
  EXPECT_EQ(value_of(props, metadata_keys::kModelConfig),
            R"({"model_type":"bert","id2label":{"0":"NEG","1":"POS"}})");
  EXPECT_EQ(value_of(props, metadata_keys::kModelSource), "local");
  EXPECT_EQ(value_of(props, metadata_keys::kOriginalPath), "/models/bert");
  EXPECT_EQ(value_of(props, metadata_keys::kHubId), "<missing>");
  EXPECT_EQ(value_of(props, metadata_keys::kExportTimestamp), "2026-01-02T03:04:05Z");
}

TEST(PackageMetadataProps, HubSourceNeedsIdAndRevision) {
  PackageMetadata meta = sample_metadata();
  meta.source = {"hub", "org/model", "", ""};
  EXPECT_THROW(to_metadata_props(meta), std::invalid_argument);
  meta.source.hub_revision = "0123abcd";
  MetadataProps props = to_metadata_props(meta);
  EXPECT_EQ(value_of(props, metadata_keys::kHubId), "org/model");
  EXPECT_EQ(value_of(props, metadata_keys::kHubRevision), "0123abcd");
}

TEST(PackageMetadataProps, RejectsMalformedJsonNamingTheKey) {
  PackageMetadata meta = sample_metadata();
  meta.processor_config_json = "{not json";
  try {
    to_metadata_props(meta);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("hf_processor_config"), std::string::npos) << e.what();
  }
  meta.processor_config_json = "[1, 2]";
  EXPECT_THROW(to_metadata_props(meta), std::invalid_argument);
  meta = sample_metadata();
  meta.task.clear();
  EXPECT_THROW(to_metadata_props(meta), std::invalid_argument);
}

TEST(PackageMetadataProps, EmptyTimestampBecomesCurrentUtcTime) {
  PackageMetadata meta = sample_metadata();
  meta.export_timestamp.clear();
  std::string stamp = value_of(to_metadata_props(meta), metadata_keys::kExportTimestamp);
  ASSERT_EQ(stamp.size(), 20u) << stamp;
  EXPECT_EQ(stamp[10], 'T');
  EXPECT_EQ(stamp.back(), 'Z');
}

TEST(ApplyPackageMetadata, KeepsUnknownKeysAndRoundTrips) {
  OnnxModel model = OnnxModel::parse(testing::identity_model_bytes(), "mem");
  model.set_metadata("user_key", "kept");
  model.set_metadata(metadata_keys::kHubId, "stale/id");
  PackageMetadata meta = sample_metadata();
  nlohmann::json big = nlohmann::json::object();
  for (int i = 0; i < 2000; ++i) big["id2label"][std::to_string(i)] = "LABEL_" + std::to_string(i);
  meta.model_config_json = big.dump();
  apply_package_metadata(model, meta);

  EXPECT_EQ(model.metadata("user_key"), std::optional<std::string>("kept"));
  EXPECT_FALSE(model.metadata(metadata_keys::kHubId).has_value());
  EXPECT_EQ(model.metadata(metadata_keys::kModelConfig)->rfind("gz:", 0), 0u);

  OnnxModel reloaded = OnnxModel::parse(model.serialize(), "mem");
  PackageMetadata back = from_metadata_props(decoded_metadata_props(reloaded, "mem"), "mem");
  EXPECT_EQ(back.task, meta.task);
  EXPECT_EQ(nlohmann::json::parse(back.model_config_json), big);
  EXPECT_EQ(back.source.kind, "local");
  EXPECT_EQ(back.source.original_path, "/models/bert");
}

TEST(FromMetadataProps, ModelWithoutMetadataSaysSo) {
  try {
    from_metadata_props({{"other", "x"}}, "plain.onnx");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("plain.onnx"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("hf_metadata_version"), std::string::npos);
  }
}

}  // namespace
}  // namespace modelexport

namespace modelexport {
namespace {

TEST(FromMetadataProps, AcceptsEveryMinorVersionOfTheMajorOne) {
  for (const char* version : {"2.0", "2.1", "2.9"}) {
    EXPECT_NO_THROW(from_metadata_props({{"hf_metadata_version", version}}, "m.onnx")) << version;
  }
  EXPECT_THROW(from_metadata_props({{"hf_metadata_version", "3.0"}}, "m.onnx"),
               std::invalid_argument);
}

}  // namespace
}  // namespace modelexport
