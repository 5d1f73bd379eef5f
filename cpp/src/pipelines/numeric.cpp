// Numeric helpers of the pipelines (see numeric.h).
#include "pipelines/numeric.h"

#include <algorithm>
#include <cmath>

namespace modelexport::pipelines {

void softmax_in_place(std::vector<double>& scores) {
  const double peak = *std::max_element(scores.begin(), scores.end());
  double total = 0;
  for (double& s : scores) total += (s = std::exp(s - peak));
  for (double& s : scores) s /= total;
}

std::vector<double> softmax(const float* logits, std::size_t size) {
  std::vector<double> scores(logits, logits + size);
  softmax_in_place(scores);
  return scores;
}

void sigmoid_in_place(std::vector<double>& scores) {
  for (double& s : scores) s = 1.0 / (1.0 + std::exp(-s));
}

}  // namespace modelexport::pipelines
