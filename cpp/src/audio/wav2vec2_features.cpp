// Wav2Vec2FeatureExtractor: the samples themselves, normalised to zero mean and unit variance
// over the clip when do_normalize (transformers' zero_mean_unit_var_norm, epsilon 1e-7).
#include <stdexcept>
#include <string>

#include "audio/feature_config.h"
#include "modelexport/limits.h"

namespace modelexport::audio {
namespace {

class Wav2Vec2Features final : public FeatureExtractor {
 public:
  explicit Wav2Vec2Features(const FeatureConfig& config)
      : sampling_rate_(
            static_cast<double>(config.integer("sampling_rate", 16000, 1, std::int64_t{1} << 24))),
        padding_value_(static_cast<float>(config.number("padding_value", 0.0))),
        normalize_(config.flag("do_normalize", true)) {
    // One value per time step: the graph's input_values are [batch, samples].
    config.integer("feature_size", 1, 1, 1);
  }

  const std::string& class_name() const override { return kName; }
  double sampling_rate() const override { return sampling_rate_; }
  const std::string& feature_name() const override { return kInput; }
  std::size_t time_axis() const override { return 0; }
  std::size_t fixed_time_length() const override { return 0; }
  float padding_value() const override { return padding_value_; }

  AudioFeatures extract(const std::vector<float>& samples) const override {
    check_samples(samples, kName);
    AudioFeatures features;
    features.values.shape = {static_cast<std::int64_t>(samples.size())};
    features.values.data = samples;
    if (normalize_) normalize_in_place(features.values.data);
    features.valid_length = samples.size();
    return features;
  }

 private:
  static inline const std::string kName = "Wav2Vec2FeatureExtractor";
  static inline const std::string kInput = "input_values";
  double sampling_rate_;
  float padding_value_;
  bool normalize_;
};

}  // namespace

std::unique_ptr<FeatureExtractor> make_wav2vec2_features(const FeatureConfig& config) {
  return std::make_unique<Wav2Vec2Features>(config);
}

}  // namespace modelexport::audio
