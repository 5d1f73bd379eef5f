// Post-processing of the vision tasks on hand-made outputs: detection boxes and thresholds,
// torch-equivalent bilinear resizing of segmentation logits, masks per class.
#include <gtest/gtest.h>

#include <cmath>

#include "modelexport/pipelines/image_segmentation.h"
#include "modelexport/pipelines/object_detection.h"

namespace modelexport {
namespace {

FloatTensor tensor(std::vector<std::int64_t> shape, std::vector<float> data) {
  return FloatTensor{std::move(shape), std::move(data)};
}

TEST(DetectObjects, KeepsQueriesAboveThresholdWithPixelBoxes) {
  // Query 0: class 1 dominates; query 1: "no object" dominates, so its best real class scores
  // low; query 2: class 0 at an exact tie with no-object.
  const auto logits = tensor({3, 3}, {0, 5, 0, 0, 0, 6, 2, 0, 2});
  const auto boxes =
      tensor({3, 4}, {0.5F, 0.5F, 0.5F, 0.25F, 0.1F, 0.1F, 0.1F, 0.1F, 0.25F, 0.75F, 0.5F, 0.5F});
  const auto objects = detect_objects(logits, boxes, {"cat", "dog"}, 640, 480, 0.4);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].label, "dog");
  EXPECT_NEAR(objects[0].score, std::exp(5.0) / (std::exp(5.0) + 2), 1e-6);
  EXPECT_EQ(objects[0].box.xmin, 160);
  EXPECT_EQ(objects[0].box.ymin, 180);
  EXPECT_EQ(objects[0].box.xmax, 480);
  EXPECT_EQ(objects[0].box.ymax, 300);
  EXPECT_EQ(objects[1].label, "cat");
  // Boxes leaving the image are kept as the model gives them (transformers does not clip);
  // truncation is toward zero.
  EXPECT_EQ(objects[1].box.xmin, 0);
  EXPECT_EQ(objects[1].box.ymin, 240);
  EXPECT_EQ(objects[1].box.xmax, 320);
  EXPECT_EQ(objects[1].box.ymax, 480);
  EXPECT_TRUE(detect_objects(logits, boxes, {"cat", "dog"}, 640, 480, 0.99).empty());
}

TEST(DetectObjects, LabelsPastId2LabelAndShapeErrors) {
  const auto logits = tensor({1, 4}, {0, 0, 9, 0});
  const auto boxes = tensor({1, 4}, {0.5F, 0.5F, 1, 1});
  EXPECT_EQ(detect_objects(logits, boxes, {"a"}, 10, 10, 0.5).at(0).label, "LABEL_2");
  EXPECT_THROW(detect_objects(logits, tensor({1, 3}, {0, 0, 0}), {}, 10, 10, 0.5),
               std::runtime_error);
}

TEST(ResizeLogits, MatchesTorchBilinearAlignCornersFalse) {
  // torch.nn.functional.interpolate(x, size=(3, 4), mode="bilinear", align_corners=False) of
  // [[0, 1], [2, 3]] is, row by row: y at source 0, 1/6 ... clamped at the edges.
  const auto resized = resize_logits_bilinear(tensor({1, 2, 2}, {0, 1, 2, 3}), 3, 4);
  const std::vector<float> expected = {0.0F,  0.25F, 0.75F, 1.0F,  1.0F,  1.25F,
                                       1.75F, 2.0F,  2.0F,  2.25F, 2.75F, 3.0F};
  ASSERT_EQ(resized.data.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(resized.data[i], expected[i], 1e-6) << i;
  }
}

TEST(SemanticSegments, OneMaskPerPresentClassInIdOrder) {
  // Two classes over 1x2 logits: the left pixel class 1, the right class 0; class 2 never wins.
  const auto logits = tensor({3, 1, 2}, {0, 5, 5, 0, -1, -1});
  const auto segments = semantic_segments(logits, {"sky", "road", "car"}, 4, 2);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].label, "sky");
  EXPECT_FALSE(segments[0].score.has_value());
  EXPECT_EQ(segments[0].mask.width, 4u);
  EXPECT_EQ(segments[0].mask.height, 2u);
  EXPECT_EQ(segments[0].mask.channels, 1u);
  EXPECT_EQ(segments[0].mask.pixels[0], 0);
  EXPECT_EQ(segments[0].mask.pixels[3], 255);
  EXPECT_EQ(segments[1].label, "road");
  EXPECT_EQ(segments[1].mask.pixels[0], 255);
}

}  // namespace
}  // namespace modelexport
