// Package resolution and the inspect description.
#include "modelexport/package_info.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "modelexport/metadata.h"
#include "modelexport/onnx_model.h"
#include "test_helpers.h"

namespace modelexport {
namespace {

using testing::ScratchDir;

TEST(ResolveModelPath, AcceptsDirectoryOrFileAndNamesWhatIsMissing) {
  ScratchDir dir;
  EXPECT_THROW(resolve_model_path(dir.path().string()), std::invalid_argument);
  testing::write_text(dir.file("model.onnx"), testing::identity_model_bytes());
  EXPECT_EQ(resolve_model_path(dir.path().string()), dir.file("model.onnx"));
  EXPECT_EQ(resolve_model_path(dir.file("model.onnx")), dir.file("model.onnx"));
  try {
    resolve_model_path(dir.file("absent"));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("absent"), std::string::npos);
  }
}

TEST(DescribePackage, ReportsSignatureMetadataAndFiles) {
  ScratchDir dir;
  OnnxModel model = OnnxModel::parse(testing::identity_model_bytes(), "mem");
  PackageMetadata meta;
  meta.task = "feature-extraction";
  meta.model_config_json = R"({"model_type":"bert"})";
  meta.processor_config_json = "{}";
  meta.source = {"hub", "org/model", "abc123", ""};
  meta.export_config_json = R"({"opset":18})";
  apply_package_metadata(model, meta);
  model.save(dir.file("model.onnx"));
  testing::write_text(dir.file("config.json"), "{}");

  auto info = nlohmann::json::parse(describe_package_json(dir.path().string()));
  EXPECT_EQ(info["task"], "feature-extraction");
  EXPECT_EQ(info["inputs"][0]["name"], "x");
  EXPECT_EQ(info["inputs"][0]["shape"], nlohmann::json::parse(R"([1, "sequence"])"));
  EXPECT_EQ(info["metadata"]["hf_model_config"]["model_type"], "bert");
  EXPECT_EQ(info["metadata"]["hf_hub_revision"], "abc123");
  ASSERT_EQ(info["files"].size(), 2u);
  EXPECT_EQ(info["files"][0]["name"], "config.json");
  EXPECT_EQ(info["files"][1]["name"], "model.onnx");
}

}  // namespace
}  // namespace modelexport
