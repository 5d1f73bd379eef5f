// preprocessor_config.json values for the feature extractors, read with the class's transformers
// defaults for keys the file leaves out (or sets to null) and errors that name the file and key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audio/feature_extractor.h"

namespace modelexport::audio {

class FeatureConfig {
 public:
  FeatureConfig(const nlohmann::json& config, std::string origin)
      : config_(config), origin_(std::move(origin)) {}

  const std::string& origin() const { return origin_; }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

  bool flag(const std::string& key, bool fallback) const;
  // A finite number.
  double number(const std::string& key, double fallback) const;
  // An integer from `min` to `max` (a float with an integral value is accepted, as Python
  // accepts 16000.0 where it multiplies or compares).
  std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) const;

 private:
  const nlohmann::json* find(const std::string& key) const;
  const nlohmann::json& config_;
  std::string origin_;
};

// Rejects an empty clip or non-finite samples: std::invalid_argument naming the extractor.
void check_samples(const std::vector<float>& samples, const std::string& class_name);

// Zero mean, unit variance over `samples` (mean and variance in double, epsilon 1e-7 on the
// variance as transformers' zero_mean_unit_var_norm).
void normalize_in_place(std::vector<float>& samples);

// The factories feature_extractor.cpp registers, one per file.
std::unique_ptr<FeatureExtractor> make_wav2vec2_features(const FeatureConfig& config);
std::unique_ptr<FeatureExtractor> make_kaldi_fbank(const FeatureConfig& config);
std::unique_ptr<FeatureExtractor> make_whisper_log_mel(const FeatureConfig& config);

}  // namespace modelexport::audio
