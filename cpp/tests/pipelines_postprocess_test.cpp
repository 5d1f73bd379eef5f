// Every task's post-processing on small hand-made tensors (no model, no export): the expected
// values are worked out by hand from transformers' rules, noted beside each case.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "modelexport/pipelines/feature_extraction.h"
#include "modelexport/pipelines/fill_mask.h"
#include "modelexport/pipelines/question_answering.h"
#include "modelexport/pipelines/text_classification.h"
#include "modelexport/pipelines/zero_shot_classification.h"
#include "modelexport/pipelines/zero_shot_image_classification.h"

namespace modelexport {
namespace {

TEST(ZeroShot, LabelsSplitAndTemplatesFormatAsPython) {
  // transformers: labels.split(","), each stripped, empty ones dropped.
  EXPECT_EQ(split_candidate_labels(" a ,b,, c d ,"), (std::vector<std::string>{"a", "b", "c d"}));
  EXPECT_TRUE(split_candidate_labels(" , ").empty());
  // str.format: {} and {0} take the label, doubled braces are literal.
  EXPECT_EQ(format_hypothesis("It is {}.", "x"), "It is x.");
  EXPECT_EQ(format_hypothesis("{0} {{}} {}", "x"), "x {} x");
  EXPECT_THROW(format_hypothesis("no field", "x"), PipelineError);
  EXPECT_THROW(format_hypothesis("{name}", "x"), PipelineError);
  EXPECT_THROW(format_hypothesis("{} {", "x"), PipelineError);
  EXPECT_THROW(format_hypothesis("{} }", "x"), PipelineError);
}

TEST(ZeroShotImage, SoftmaxForClipSigmoidForSiglipTiesInLabelOrder) {
  const auto clip = rank_similarities({1.0, 3.0, 1.0}, {"a", "b", "c"}, SimilarityScore::kSoftmax);
  ASSERT_EQ(clip.size(), 3u);
  EXPECT_EQ(clip[0].label, "b");
  EXPECT_NEAR(clip[0].score, std::exp(3.0) / (2 * std::exp(1.0) + std::exp(3.0)), 1e-12);
  EXPECT_EQ(clip[1].label, "a");  // Python's sorted is stable
  EXPECT_EQ(clip[2].label, "c");
  const auto siglip = rank_similarities({0.0, -2.0}, {"x", "y"}, SimilarityScore::kSigmoid);
  EXPECT_NEAR(siglip[0].score, 0.5, 1e-12);
  EXPECT_NEAR(siglip[1].score, 1.0 / (1.0 + std::exp(2.0)), 1e-12);
}

TEST(ZeroShot, EntailmentIdComesFromLabel2idInAnyCase) {
  EXPECT_EQ(
      entailment_id(R"({"label2id": {"CONTRADICTION": 0, "ENTAILMENT": 2, "NEUTRAL": 1}})", "c"),
      2u);
  EXPECT_THROW(entailment_id(R"({"label2id": {"NEGATIVE": 0, "POSITIVE": 1}})", "c"),
               PipelineError);
  EXPECT_THROW(entailment_id("{}", "c"), PipelineError);
}

TEST(ZeroShot, SingleLabelSoftmaxesAcrossLabelsMultiLabelPerLabel) {
  // Rows: (contradiction, neutral, entailment) logits of each candidate.
  const std::vector<std::vector<float>> logits = {{0, 0, 1}, {0, 0, 3}};
  const auto across = rank_candidates("s", logits, {"a", "b"}, 2, false);
  EXPECT_EQ(across.labels, (std::vector<std::string>{"b", "a"}));
  EXPECT_NEAR(across.scores[0], std::exp(3.0) / (std::exp(1.0) + std::exp(3.0)), 1e-12);
  // multi_label: softmax of (contradiction, entailment) per label.
  const auto each = rank_candidates("s", logits, {"a", "b"}, 2, true);
  EXPECT_NEAR(each.scores[0], 1.0 / (1.0 + std::exp(-3.0)), 1e-12);
  EXPECT_NEAR(each.scores[1], 1.0 / (1.0 + std::exp(-1.0)), 1e-12);
  // Ties: numpy's argsort reversed puts the later label first.
  const auto tied = rank_candidates("s", {{0, 0, 1}, {0, 0, 1}}, {"first", "second"}, 2, false);
  EXPECT_EQ(tied.labels, (std::vector<std::string>{"second", "first"}));
}

TEST(ClassifyLogits, SoftmaxForSeveralLabelsBestFirst) {
  const auto ranked = classify_logits({1.0f, 3.0f, 2.0f}, {"a", "b", "c"}, "",
                                      ClassificationFunction::kDefault, std::nullopt);
  ASSERT_EQ(ranked.size(), 3u);
  const double total = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_EQ(ranked[0].label, "b");
  EXPECT_NEAR(ranked[0].score, std::exp(3.0) / total, 1e-12);
  EXPECT_EQ(ranked[1].label, "c");
  EXPECT_EQ(ranked[2].label, "a");
}

TEST(ClassifyLogits, ProblemTypeAndLabelCountPickTheFunction) {
  // One label: sigmoid; regression: the raw value; multi-label: sigmoid per label.
  EXPECT_NEAR(classify_logits({0.0f}, {"x"}, "", ClassificationFunction::kDefault, 1)[0].score, 0.5,
              1e-12);
  EXPECT_NEAR(
      classify_logits({2.5f}, {"x"}, "regression", ClassificationFunction::kDefault, 1)[0].score,
      2.5, 1e-6);
  const auto multi = classify_logits({0.0f, 0.0f}, {"a", "b"}, "multi_label_classification",
                                     ClassificationFunction::kDefault, std::nullopt);
  EXPECT_NEAR(multi[0].score + multi[1].score, 1.0, 1e-12);  // 0.5 each, not a softmax by luck
  EXPECT_NEAR(multi[0].score, 0.5, 1e-12);
  // An explicit function wins over the config.
  EXPECT_NEAR(classify_logits({0.0f, 0.0f}, {"a", "b"}, "multi_label_classification",
                              ClassificationFunction::kNone, 1)[0]
                  .score,
              0.0, 1e-12);
}

TEST(ClassifyLogits, TopKAndMissingLabels) {
  const auto ranked =
      classify_logits({0.0f, 5.0f, 1.0f}, {"a"}, "", ClassificationFunction::kSoftmax, 2);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].label, "LABEL_1");
  EXPECT_EQ(ranked[1].label, "LABEL_2");
}

TEST(TopTokens, BestFirstTiesByLowerIdAndTargets) {
  const std::vector<float> logits = {0.0f, 3.0f, 3.0f, 1.0f};
  const auto best = top_tokens(logits, 3, {});
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[0].first, 1);
  EXPECT_EQ(best[1].first, 2);
  EXPECT_EQ(best[2].first, 3);
  const double total = 1 + 2 * std::exp(3.0) + std::exp(1.0);
  EXPECT_NEAR(best[0].second, std::exp(3.0) / total, 1e-12);
  const auto targeted = top_tokens(logits, 5, {0, 3});
  ASSERT_EQ(targeted.size(), 2u);  // top_k larger than the targets: all of them
  EXPECT_EQ(targeted[0].first, 3);
  EXPECT_EQ(targeted[1].first, 0);
  EXPECT_NEAR(targeted[1].second, 1 / total, 1e-12);  // still the full-vocabulary softmax
}

TEST(PoolTokens, MeanClsMaxAndNormalize) {
  const std::vector<std::vector<float>> tokens = {{1, 2}, {3, 6}};
  EXPECT_EQ(pool_tokens(tokens, {"mean", false}), (std::vector<float>{2, 4}));
  EXPECT_EQ(pool_tokens(tokens, {"cls", false}), (std::vector<float>{1, 2}));
  EXPECT_EQ(pool_tokens({{1, 7}, {3, 6}}, {"max", false}), (std::vector<float>{3, 7}));
  const auto unit = pool_tokens(tokens, {"mean", true});
  EXPECT_NEAR(unit[0], 2 / std::sqrt(20.0), 1e-7);
  EXPECT_NEAR(unit[1], 4 / std::sqrt(20.0), 1e-7);
  EXPECT_THROW(pool_tokens({}, {"mean", false}), std::invalid_argument);
}

TEST(BestSpans, ScoresProductsWithinTheLengthLimit) {
  const std::vector<double> start = {0.0, 0.6, 0.3, 0.1};
  const std::vector<double> end = {0.0, 0.1, 0.7, 0.2};
  const std::vector<bool> allowed = {false, true, true, true};
  // Pairs s <= e < s + 2: (1,1) .06, (1,2) .42, (2,2) .21, (2,3) .06, (3,3) .02.
  const auto spans = best_spans(start, end, allowed, 2, 2);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].start, 1u);
  EXPECT_EQ(spans[0].end, 2u);
  EXPECT_NEAR(spans[0].score, 0.42, 1e-12);
  EXPECT_EQ(spans[1].start, 2u);
  EXPECT_EQ(spans[1].end, 2u);
  // max_answer_len 1: single tokens only; equal scores (1,1) and (2,3) cannot both appear.
  const auto single = best_spans(start, end, allowed, 2, 1);
  ASSERT_EQ(single.size(), 2u);
  EXPECT_EQ(single[0].start, 2u);
  EXPECT_EQ(single[1].start, 1u);
  EXPECT_EQ(single[1].end, 1u);
}

TEST(BestSpans, ZeroScorePairsFillUpTopKThenDisallowedEndsAreDropped) {
  // Nothing scores above zero: transformers' argsort still yields top_k pairs, row-major,
  // then drops those ending on a position that is not allowed (0 passes when any is).
  const std::vector<double> zeros = {0.0, 0.0, 0.0};
  const auto spans = best_spans(zeros, zeros, {false, false, true}, 4, 15);
  // Row-major candidates (0,0) (0,1) (0,2) (1,0): position 1 is not allowed.
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].start, 0u);
  EXPECT_EQ(spans[0].end, 0u);
  EXPECT_EQ(spans[1].end, 2u);
  EXPECT_EQ(spans[1].score, 0.0);
}

}  // namespace
}  // namespace modelexport
