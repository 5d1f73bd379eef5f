// The pipelines' shared numeric helpers, against values computed by hand (numpy agrees).
#include "pipelines/numeric.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace modelexport::pipelines {
namespace {

TEST(Softmax, SumsToOneAndKeepsOrderAndIsShiftInvariant) {
  const std::vector<float> logits = {1.0f, 2.0f, 3.0f};
  const std::vector<double> p = softmax(logits.data(), logits.size());
  const double total = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(p[0], std::exp(1.0) / total, 1e-15);
  EXPECT_NEAR(p[2], std::exp(3.0) / total, 1e-15);
  std::vector<double> shifted = {1001.0, 1002.0, 1003.0};  // no overflow: max is subtracted
  softmax_in_place(shifted);
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(shifted[i], p[i], 1e-15);
}

TEST(Sigmoid, MatchesTheDefinition) {
  std::vector<double> x = {0.0, 2.0, -2.0, -800.0};
  sigmoid_in_place(x);
  EXPECT_EQ(x[0], 0.5);
  EXPECT_NEAR(x[1], 1.0 / (1.0 + std::exp(-2.0)), 1e-15);
  EXPECT_NEAR(x[1] + x[2], 1.0, 1e-15);
  EXPECT_EQ(x[3], 0.0);
}

}  // namespace
}  // namespace modelexport::pipelines
