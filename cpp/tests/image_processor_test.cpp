// The image processor: preprocessor_config.json parsing (class defaults, errors naming the key),
// target-size rules, fitting to fixed and dynamic graphs, pixel_mask. Parity of the pixels with
// transformers is tests/test_image_processor_parity.py.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <variant>

#include "processors/image_processor.h"

namespace {

using modelexport::Image;
using modelexport::TensorInfo;
using modelexport::processors::ImageProcessor;
using modelexport::processors::parse_image_processor_config;
using modelexport::processors::ResizeRule;
using modelexport::processors::ResizeStep;
using modelexport::runtime::ShapePolicy;

ShapePolicy graph(std::int64_t height, std::int64_t width, bool mask, std::int64_t batch = -1) {
  std::vector<TensorInfo> inputs{{"pixel_values", "float32", {batch, 3, height, width}, {}}};
  if (mask) inputs.push_back({"pixel_mask", "int64", {batch, height, width}, {}});
  return ShapePolicy(inputs, 8);
}

Image solid(std::size_t width, std::size_t height, std::uint8_t value = 128) {
  return Image{width, height, 3, std::vector<std::uint8_t>(width * height * 3, value)};
}

std::string error_of(const std::string& config) {
  try {
    parse_image_processor_config(config, "preprocessor_config.json");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kDetr =
    R"({"feature_extractor_type": "DetrFeatureExtractor", "size": 80, "max_size": 120})";

TEST(ImageProcessorConfig, ClassDefaultsFillWhatTheFileLeavesOut) {
  // google/vit-base-patch16-224 has no do_rescale: ViTImageProcessor rescales by default.
  const auto config = parse_image_processor_config(
      R"({"feature_extractor_type": "ViTFeatureExtractor", "size": 224, "do_resize": true,
          "do_normalize": true, "image_mean": [0.5, 0.5, 0.5], "image_std": 0.5})",
      "x");
  EXPECT_EQ(config.class_name, "ViTImageProcessor");
  ASSERT_EQ(config.steps.size(), 3U);  // resize, rescale, normalize
  const auto& resize = std::get<ResizeStep>(config.steps[0]);
  EXPECT_EQ(resize.rule, ResizeRule::kExact);
  EXPECT_EQ(resize.height, 224U);
  ASSERT_TRUE(config.fixed_output.has_value());
  EXPECT_EQ((*config.fixed_output)[1], 224U);
  // An int size is the shortest edge for classes that do not default to square (MobileViT).
  const auto mobilevit = parse_image_processor_config(
      R"({"feature_extractor_type": "MobileViTFeatureExtractor", "size": 288, "crop_size": 256})",
      "x");
  EXPECT_EQ(std::get<ResizeStep>(mobilevit.steps[0]).rule, ResizeRule::kShortestEdge);
  EXPECT_EQ((*mobilevit.fixed_output)[0], 256U);
}

TEST(ImageProcessorConfig, ErrorsNameTheKey) {
  EXPECT_NE(
      error_of(R"({"image_processor_type": "ViTImageProcessor", "size": {"longest_edge": 5}})")
          .find("size"),
      std::string::npos);
  EXPECT_NE(
      error_of(R"({"image_processor_type": "ViTImageProcessor", "resample": 9})").find("resample"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"image_processor_type": "ViTImageProcessor", "image_mean": [1, 2]})")
                .find("image_mean"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"image_processor_type": "SamImageProcessor"})").find("SamImageProcessor"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"size": 3})").find("image_processor_type"), std::string::npos);
  // Settings transformers ignores for inference are accepted.
  EXPECT_EQ(error_of(R"({"image_processor_type": "SegformerImageProcessor", "reduce_labels": true,
                         "do_reduce_labels": true})"),
            "");
}

TEST(ImageProcessorResize, TargetSizesRoundAsTransformers) {
  ResizeStep detr;
  detr.rule = ResizeRule::kShortestLongest;
  detr.shortest_edge = 800;
  detr.longest_edge = 1333;
  EXPECT_EQ(detr.target(480, 640), (std::array<std::size_t, 2>{800, 1066}));
  EXPECT_EQ(detr.target(100, 1000), (std::array<std::size_t, 2>{133, 1333}));
  detr.rule = ResizeRule::kShortestLongestMod16;
  detr.shortest_edge = 512;
  EXPECT_EQ(detr.target(480, 640), (std::array<std::size_t, 2>{512, 672}));
  ResizeStep shortest;
  shortest.rule = ResizeRule::kShortestEdge;
  shortest.shortest_edge = 256;
  EXPECT_EQ(shortest.target(333, 127), (std::array<std::size_t, 2>{671, 256}));
  ResizeStep dpt;
  dpt.rule = ResizeRule::kFitMultiple;
  dpt.height = dpt.width = 518;
  dpt.keep_aspect_ratio = true;
  dpt.multiple = 14;
  EXPECT_EQ(dpt.target(480, 640), (std::array<std::size_t, 2>{518, 686}));
}

TEST(ImageProcessor, GeometryAndDynamicBatchPadding) {
  const auto policy = graph(-1, -1, true);
  const ImageProcessor processor(kDetr, policy, "detr");
  std::vector<modelexport::processors::Prepared> rows;
  rows.push_back(processor.prepare(solid(40, 20)));  // landscape -> 80 high, 120 wide (capped)
  rows.push_back(processor.prepare(solid(30, 60)));  // portrait -> 80 wide, 120 high... capped
  const auto& first = rows[0].image;
  EXPECT_EQ(first.original_width, 40U);
  EXPECT_EQ(first.original_height, 20U);
  EXPECT_EQ(first.resized_height, 60U);  // 40/20 * 80 > 120: longest edge 120
  EXPECT_EQ(first.resized_width, 120U);
  EXPECT_EQ(first.pixels.shape, (std::vector<std::int64_t>{3, 60, 120}));
  const auto feeds = processor.feeds(rows, policy);
  ASSERT_EQ(feeds.size(), 2U);
  const auto& pixels = std::get<modelexport::FloatTensor>(feeds[0].second);
  const auto& mask = std::get<modelexport::Int64Tensor>(feeds[1].second);
  const auto& second = rows[1].image;
  const auto height = std::max(first.height, second.height);
  const auto width = std::max(first.width, second.width);
  EXPECT_EQ(pixels.shape, (std::vector<std::int64_t>{2, 3, static_cast<std::int64_t>(height),
                                                     static_cast<std::int64_t>(width)}));
  std::int64_t ones = 0;
  for (std::size_t x = 0; x < height * width; ++x) ones += mask.data[x];
  EXPECT_EQ(ones, static_cast<std::int64_t>(first.height * first.width));
  EXPECT_EQ(mask.data[0], 1);
  EXPECT_EQ(mask.data[height * width - 1], first.height == height && first.width == width ? 1 : 0);
}

TEST(ImageProcessor, FixedGraphSizePadsAndFillerRowsAreZero) {
  const auto policy = graph(128, 128, true, 2);
  const ImageProcessor processor(kDetr, policy, "detr");
  std::vector<modelexport::processors::Prepared> rows;
  rows.push_back(processor.prepare(solid(50, 50, 255)));
  rows.emplace_back();  // a filler row
  const auto feeds = processor.feeds(rows, policy);
  const auto& pixels = std::get<modelexport::FloatTensor>(feeds[0].second);
  const auto& mask = std::get<modelexport::Int64Tensor>(feeds[1].second);
  EXPECT_EQ(pixels.shape, (std::vector<std::int64_t>{2, 3, 128, 128}));
  EXPECT_NE(pixels.data[0], 0.0F);
  EXPECT_EQ(pixels.data[80], 0.0F);  // right of the 80x80 image
  for (std::size_t i = 3 * 128 * 128; i < pixels.data.size(); ++i) ASSERT_EQ(pixels.data[i], 0.0F);
  EXPECT_EQ(mask.data[79], 1);
  EXPECT_EQ(mask.data[80], 0);
  // An image that does not fit names its size and the graph's.
  const ImageProcessor small(kDetr, graph(100, 100, true, 2), "detr");
  try {
    small.prepare(solid(10, 300));  // resizes to 4x120
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("10x300"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("100x100"), std::string::npos) << e.what();
  }
}

TEST(ImageProcessor, GraphMustTakeTheSizeTheStepsMake) {
  const std::string vit = R"({"image_processor_type": "ViTImageProcessor"})";
  EXPECT_THROW(ImageProcessor(vit, graph(384, 384, false), "vit"), std::invalid_argument);
  EXPECT_NO_THROW(ImageProcessor(vit, graph(224, 224, false), "vit"));
  const std::vector<TensorInfo> text{{"input_ids", "int64", {-1, -1}, {}}};
  EXPECT_THROW(ImageProcessor(vit, ShapePolicy(text, 1), "vit"), std::invalid_argument);
  // L images are converted to RGB.
  const ImageProcessor processor(vit, graph(224, 224, false), "vit");
  const Image gray{5, 4, 1, std::vector<std::uint8_t>(20, 255)};
  const auto prepared = processor.prepare(gray);
  EXPECT_EQ(prepared.image.pixels.data.size(), 3U * 224 * 224);
  EXPECT_FLOAT_EQ(prepared.image.pixels.data[0], 1.0F);
}

}  // namespace
