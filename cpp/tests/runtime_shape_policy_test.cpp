// The shape policy on hand-written graph inputs: batches and padded lengths for fixed and
// dynamic axes.
#include "runtime/shape_policy.h"

#include <gtest/gtest.h>

namespace modelexport::runtime {
namespace {

std::vector<TensorInfo> inputs(std::vector<std::int64_t> dims) {
  std::vector<TensorInfo> specs(2);
  specs[0].name = "input_ids";
  specs[1].name = "attention_mask";
  for (auto& spec : specs) {
    spec.element_type = "int64";
    spec.dims = dims;
    spec.dim_names.assign(dims.size(), "");
  }
  return specs;
}

TEST(ShapePolicy, FixedBatchSplitsAndFillsUp) {
  const ShapePolicy policy(inputs({2, 8}), 16);
  EXPECT_EQ(policy.fixed_batch(), std::optional<std::size_t>(2));
  const auto batches = policy.batches(5);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].begin, 0u);
  EXPECT_EQ(batches[1].begin, 2u);
  EXPECT_EQ(batches[2].begin, 4u);
  EXPECT_EQ(batches[2].real, 1u);
  EXPECT_EQ(batches[2].rows, 2u);  // filled up to the fixed batch
  EXPECT_TRUE(policy.batches(0).empty());
}

TEST(ShapePolicy, FixedLengthPadsToItAndRefusesLongerRows) {
  const ShapePolicy policy(inputs({1, 8}), 16);
  EXPECT_EQ(policy.fixed_dim("input_ids", 1), std::optional<std::size_t>(8));
  EXPECT_EQ(policy.padded_length("input_ids", 1, 3), 8u);
  EXPECT_EQ(policy.padded_length("input_ids", 1, 8), 8u);
  EXPECT_THROW(policy.padded_length("input_ids", 1, 9), std::invalid_argument);
}

TEST(ShapePolicy, DynamicAxesTakeTheLongestAndMaxBatch) {
  const ShapePolicy policy(inputs({-1, -1}), 3);
  EXPECT_EQ(policy.fixed_batch(), std::nullopt);
  EXPECT_EQ(policy.fixed_dim("input_ids", 1), std::nullopt);
  EXPECT_EQ(policy.padded_length("input_ids", 1, 11), 11u);
  const auto batches = policy.batches(7);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].rows, 3u);
  EXPECT_EQ(batches[2].real, 1u);
  EXPECT_EQ(batches[2].rows, 1u);  // no filling without a fixed batch
  EXPECT_EQ(policy.fixed_dim("no_such_input", 0), std::nullopt);
}

TEST(ShapePolicy, ZeroMaxBatchMeansOne) {
  const ShapePolicy policy(inputs({-1, -1}), 0);
  EXPECT_EQ(policy.batches(2).size(), 2u);
}

}  // namespace
}  // namespace modelexport::runtime
