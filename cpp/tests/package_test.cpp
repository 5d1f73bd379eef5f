// Package::open on untrusted packages: every size and path the package controls is checked
// where it is read, with a one-line error naming the file, the key and the limit.
#include "modelexport/package.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "modelexport/metadata.h"
#include "modelexport/onnx_model.h"
#include "modelexport/package_info.h"
#include "modelexport/task.h"
#include "onnx/codec.h"
#include "test_helpers.h"

namespace modelexport {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

// A minimal package: the identity model with the current format's metadata, plus `overrides` (a
// value of "" removes the key).
std::string write_package(const ScratchDir& dir,
                          const std::vector<std::pair<std::string, std::string>>& overrides = {}) {
  OnnxModel model = OnnxModel::parse(testing::identity_model_bytes(), "identity");
  model.set_metadata(metadata_keys::kVersion, kMetadataFormatVersion);
  model.set_metadata(metadata_keys::kPipelineTask, "feature-extraction");
  model.set_metadata(metadata_keys::kModelConfig, R"({"model_type":"bert"})");
  model.set_metadata(metadata_keys::kProcessorConfig, R"({"processor_type":"tokenizer"})");
  for (const auto& [key, value] : overrides) {
    if (value.empty()) {
      model.erase_metadata(key);
    } else {
      model.set_metadata(key, value);
    }
  }
  const std::string path = dir.file("model.onnx");
  model.save(path);
  return path;
}

std::string open_error(const std::string& path) {
  try {
    Package::open(path);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(PackageOpen, AValidPackageOpens) {
  ScratchDir dir;
  const Package package = Package::open(write_package(dir));
  EXPECT_EQ(package.task(), "feature-extraction");
}

TEST(PackageOpen, GzipBombInMetadataIsRefusedWhileDecoding) {
  ScratchDir dir;
  const std::string bomb =
      "gz:" + codec::base64_encode(codec::gzip_compress(std::string(std::size_t{20} << 20, ' ')));
  const std::string error =
      open_error(write_package(dir, {{std::string(metadata_keys::kModelConfig), bomb}}));
  EXPECT_TRUE(contains(error, "hf_model_config")) << error;
  EXPECT_TRUE(contains(error, "limit")) << error;
}

TEST(PackageOpen, DeeplyNestedConfigIsAnErrorNotACrash) {
  ScratchDir dir;
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string nested = R"({"a":)" + deep + "}";
  const std::string path = write_package(dir, {{std::string(metadata_keys::kModelConfig), nested}});
  const std::string error = open_error(path);
  EXPECT_TRUE(contains(error, "hf_model_config")) << error;
  EXPECT_TRUE(contains(error, "nesting deeper than 127")) << error;
  // inspect shows the value as the string it is
  EXPECT_TRUE(contains(describe_package_json(path), "hf_model_config"));
}

TEST(PackageOpen, FormatVersionIsChecked) {
  ScratchDir dir;
  const std::string key(metadata_keys::kVersion);
  EXPECT_TRUE(contains(open_error(write_package(dir, {{key, "3.0"}})), "version 3.0"));
  EXPECT_TRUE(contains(open_error(write_package(dir, {{key, ""}})), "not a modelexport package"));
  EXPECT_EQ(Package::open(write_package(dir, {{key, "2.7"}})).task(), "feature-extraction");
}

TEST(PackageOpen, FilesOutsideThePackageAreRefused) {
  ScratchDir dir;
  ScratchDir elsewhere;
  testing::write_text(elsewhere.file("secret"), "TOP SECRET BYTES");
  const Package package = Package::open(write_package(dir));
  fs::create_symlink(elsewhere.file("secret"), dir.file("tokenizer.json"));
  try {
    package.file_contents("tokenizer.json");
    FAIL() << "a tokenizer.json pointing outside the package was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(contains(e.what(), "outside the package")) << e.what();
    EXPECT_FALSE(contains(e.what(), "TOP SECRET")) << e.what();
  }
  // config.json, read when the metadata has no model config, is checked the same way.
  fs::create_symlink(elsewhere.file("secret"), dir.file("config.json"));
  const std::string error =
      open_error(write_package(dir, {{std::string(metadata_keys::kModelConfig), ""}}));
  EXPECT_TRUE(contains(error, "outside the package")) << error;
}

TEST(PackageOpen, MissingTokenizerIsNamed) {
  ScratchDir dir;
  const Package package = Package::open(write_package(dir));
  EXPECT_FALSE(package.has_file("tokenizer.json"));
  EXPECT_THROW(package.file_contents("tokenizer.json"), std::invalid_argument);
}

}  // namespace
}  // namespace modelexport

namespace modelexport {
namespace {

TEST(TaskRegistry, NamesAreUniqueAndEveryTaskIsDetectedFromItsSuffixes) {
  std::vector<std::string> names;
  for (const auto& task : task_registry()) {
    EXPECT_EQ(std::count(names.begin(), names.end(), task.name), 0) << task.name;
    names.push_back(task.name);
    EXPECT_FALSE(task.outputs.empty()) << task.name;
    EXPECT_EQ(find_task(task.name), &task);
    for (const auto& suffix : task.architecture_suffixes) {
      const std::string config = R"({"architectures": ["Bert)" + suffix + R"("]})";
      EXPECT_EQ(detect_task(config, false, "config.json", task.modality), task.name) << suffix;
    }
  }
  EXPECT_EQ(supported_tasks(), names);
  EXPECT_EQ(find_task("no-such-task"), nullptr);
  EXPECT_THROW(detect_task(R"({"architectures": ["GPT2LMHeadModel"]})", false, "c"),
               std::invalid_argument);
  EXPECT_EQ(detect_task("{}", true, "c"), "feature-extraction");
  // A bare model is a feature extractor of the folder's modality.
  EXPECT_EQ(detect_task(R"({"architectures": ["ViTModel"]})", false, "c", "image"),
            "image-feature-extraction");
  EXPECT_EQ(detect_task(R"({"architectures": ["ViTModel"]})", false, "c"), "feature-extraction");
}

}  // namespace
}  // namespace modelexport

namespace modelexport {
namespace {

TEST(MaxSequenceLength, SmallestKnownLimitIgnoringSentinels) {
  EXPECT_EQ(max_sequence_length(512, R"({"max_position_embeddings": 514})"), 512);
  EXPECT_EQ(max_sequence_length(std::nullopt, R"({"n_positions": 1024})"), 1024);
  EXPECT_EQ(max_sequence_length(256, R"({"max_position_embeddings": 128})"), 128);
  EXPECT_EQ(max_sequence_length(1000000000000LL, R"({"max_position_embeddings": 512})"), 512);
  EXPECT_EQ(max_sequence_length(std::nullopt, "{}"), std::nullopt);
  EXPECT_EQ(max_sequence_length(-1, R"({"max_position_embeddings": 0})"), std::nullopt);
}

}  // namespace
}  // namespace modelexport
