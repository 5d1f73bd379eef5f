// Audio: float32 samples with interleaved channels at a sampling rate, as decoded from a file or
// given by a caller.
#pragma once

#include <cstddef>
#include <vector>

namespace modelexport {

struct Audio {
  std::vector<float> samples;  // frames * channels, interleaved, nominally in [-1, 1]
  std::size_t channels = 1;
  // Hz. 0 means "at the model's rate": a bare array, which transformers takes as already
  // sampled at the feature extractor's rate.
  double sampling_rate = 0.0;

  std::size_t frames() const { return channels == 0 ? 0 : samples.size() / channels; }
};

}  // namespace modelexport
