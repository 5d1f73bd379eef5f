// OnnxModel: parsing, error messages, graph signature, metadata editing and atomic saves.
#include "modelexport/onnx_model.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "modelexport/atomic_file.h"
#include "test_helpers.h"

namespace modelexport {
namespace {

using testing::ScratchDir;

TEST(OnnxModel, ListsInputsWithoutInitializersAndKeepsSymbolicDims) {
  OnnxModel model = OnnxModel::parse(testing::identity_model_bytes(), "mem");
  auto inputs = model.inputs();
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_EQ(inputs[0].name, "x");
  EXPECT_EQ(inputs[0].element_type, "float32");
  EXPECT_EQ(inputs[0].dims, (std::vector<std::int64_t>{1, -1}));
  EXPECT_EQ(inputs[0].dim_names, (std::vector<std::string>{"", "sequence"}));
  ASSERT_EQ(model.outputs().size(), 1u);
  EXPECT_EQ(model.node_count(), 1u);
  EXPECT_EQ(model.initializer_count(), 1u);
  EXPECT_EQ(model.opset_imports().at(0), (std::pair<std::string, std::int64_t>{"ai.onnx", 17}));
}

TEST(OnnxModel, CorruptBytesNameTheOrigin) {
  try {
    OnnxModel::parse("this is not protobuf \xff\xff\xff", "/some/model.onnx");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/some/model.onnx"), std::string::npos) << e.what();
  }
  EXPECT_THROW(OnnxModel::parse("", "empty.onnx"), std::invalid_argument);
}

TEST(OnnxModel, MissingFileIsARuntimeErrorNamingIt) {
  try {
    OnnxModel::load("/nonexistent/dir/model.onnx");
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/model.onnx"), std::string::npos);
  }
}

TEST(ReadMetadataProps, SkipsTheGraphAndMatchesAFullParse) {
  ScratchDir dir;
  OnnxModel model = OnnxModel::parse(testing::identity_model_bytes(), "mem");
  model.set_metadata("hf_pipeline_task", "fill-mask");
  model.set_metadata("other", std::string(50000, 'x'));
  const std::string path = dir.file("model.onnx");
  model.save(path);
  EXPECT_EQ(read_metadata_props(path), model.metadata_props());

  const std::string bytes = model.serialize();
  for (std::size_t cut : {std::size_t{1}, bytes.size() / 2, bytes.size() - 1}) {
    testing::write_text(path, bytes.substr(0, cut));
    EXPECT_THROW(read_metadata_props(path), std::invalid_argument) << cut;
  }
  testing::write_text(path, "");
  EXPECT_THROW(read_metadata_props(path), std::invalid_argument);
  EXPECT_THROW(read_metadata_props(dir.file("absent.onnx")), std::runtime_error);
}

TEST(OnnxModel, SetMetadataReplacesInPlaceAndAppendsNewKeys) {
  OnnxModel model = OnnxModel::parse(testing::identity_model_bytes(), "mem");
  model.set_metadata("a", "1");
  model.set_metadata("b", "2");
  model.set_metadata("a", "3");
  EXPECT_EQ(model.metadata_props(), (MetadataProps{{"a", "3"}, {"b", "2"}}));
  EXPECT_TRUE(model.erase_metadata("a"));
  EXPECT_FALSE(model.erase_metadata("a"));
  EXPECT_EQ(model.metadata("b"), std::optional<std::string>("2"));
}

TEST(OnnxModel, SaveRoundTripsAndLeavesNoTemporaryFile) {
  ScratchDir dir;
  OnnxModel model = OnnxModel::parse(testing::identity_model_bytes(), "mem");
  model.set_metadata("key", "value");
  model.save(dir.file("model.onnx"));
  OnnxModel reloaded = OnnxModel::load(dir.file("model.onnx"));
  EXPECT_EQ(reloaded.metadata("key"), std::optional<std::string>("value"));
  EXPECT_EQ(reloaded.serialize(), model.serialize());
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++files;
  EXPECT_EQ(files, 1u);
}

TEST(AtomicFile, UnwritableDirectoryFailsWithThePathAndKeepsNothing) {
  try {
    write_file_atomically("/nonexistent/dir/out.onnx", "data");
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/out.onnx"), std::string::npos);
  }
}

TEST(AtomicFile, OverwritesExistingFileCompletely) {
  ScratchDir dir;
  write_file_atomically(dir.file("f"), "a much longer first version");
  write_file_atomically(dir.file("f"), "short");
  EXPECT_EQ(read_file(dir.file("f")), "short");
}

}  // namespace
}  // namespace modelexport
