// The small numeric helpers every pipeline's post-processing shares, in double precision
// (transformers computes them in numpy float64 or torch float32; double keeps parity at 1e-4
// and makes ties deterministic).
#pragma once

#include <cstddef>
#include <vector>

namespace modelexport::pipelines {

// exp(x - max) / sum, in place; `scores` must not be empty.
void softmax_in_place(std::vector<double>& scores);
// The softmax of `size` logits.
std::vector<double> softmax(const float* logits, std::size_t size);
// 1 / (1 + exp(-x)), in place.
void sigmoid_in_place(std::vector<double>& scores);

}  // namespace modelexport::pipelines
