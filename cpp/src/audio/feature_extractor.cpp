// parse_feature_extractor: the registry from feature_extractor_type to the extractor's factory,
// and the configuration reader the factories share.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "audio/feature_config.h"
#include "text/json_document.h"

namespace modelexport::audio {
namespace {

struct Registration {
  const char* class_name;
  std::unique_ptr<FeatureExtractor> (*make)(const FeatureConfig&);
};

constexpr Registration kExtractors[] = {
    {"Wav2Vec2FeatureExtractor", &make_wav2vec2_features},
    {"ASTFeatureExtractor", &make_kaldi_fbank},
    {"WhisperFeatureExtractor", &make_whisper_log_mel},
};

std::string known_classes() {
  std::string names;
  for (const auto& entry : kExtractors)
    names += (names.empty() ? "" : ", ") + std::string(entry.class_name);
  return names;
}

}  // namespace

void FeatureConfig::fail(const std::string& key, const std::string& what) const {
  throw std::invalid_argument(origin_ + ": " + key + ": " + what);
}

const nlohmann::json* FeatureConfig::find(const std::string& key) const {
  const auto it = config_.find(key);
  if (it == config_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool FeatureConfig::flag(const std::string& key, bool fallback) const {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) fail(key, "must be true or false");
  return value->get<bool>();
}

double FeatureConfig::number(const std::string& key, double fallback) const {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return fallback;
  if (!value->is_number() || !std::isfinite(value->get<double>())) {
    fail(key, "must be a finite number");
  }
  return value->get<double>();
}

std::int64_t FeatureConfig::integer(const std::string& key, std::int64_t fallback, std::int64_t min,
                                    std::int64_t max) const {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return fallback;
  const std::string range =
      "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!value->is_number()) fail(key, range);
  const double number = value->get<double>();
  if (!std::isfinite(number) || number != std::floor(number) || number < static_cast<double>(min) ||
      number > static_cast<double>(max)) {
    fail(key, range + ", got " + value->dump());
  }
  return static_cast<std::int64_t>(number);
}

void check_samples(const std::vector<float>& samples, const std::string& class_name) {
  if (samples.empty()) throw std::invalid_argument(class_name + ": the audio clip is empty");
  const auto bad =
      std::find_if(samples.begin(), samples.end(), [](float s) { return !std::isfinite(s); });
  if (bad != samples.end()) {
    throw std::invalid_argument(class_name + ": sample " + std::to_string(bad - samples.begin()) +
                                " is not finite (NaN or infinity)");
  }
}

void normalize_in_place(std::vector<float>& samples) {
  if (samples.empty()) return;
  const double count = static_cast<double>(samples.size());
  double sum = 0.0;
  for (float s : samples) sum += s;
  const double mean = sum / count;
  double squares = 0.0;
  for (float s : samples) squares += (s - mean) * (s - mean);
  const double scale = 1.0 / std::sqrt(squares / count + 1e-7);
  for (float& s : samples) s = static_cast<float>((s - mean) * scale);
}

std::unique_ptr<FeatureExtractor> parse_feature_extractor(const std::string& json_text,
                                                          const std::string& origin) {
  const auto config =
      text::parse_json_document(json_text, origin, text::JsonNumbers::kCorrectlyRounded);
  if (!config.is_object()) throw std::invalid_argument(origin + ": must be a JSON object");
  const auto type = config.find("feature_extractor_type");
  if (type == config.end() || !type->is_string()) {
    throw std::invalid_argument(origin + ": feature_extractor_type: missing (one of " +
                                known_classes() + ")");
  }
  const std::string name = type->get<std::string>();
  for (const auto& entry : kExtractors) {
    if (name != entry.class_name) continue;
    const FeatureConfig settings(config, origin);
    // Every class has the key; a malformed one is an error, but whether the graph gets a mask
    // is the graph's to say (the audio processor reads its inputs).
    settings.flag("return_attention_mask", false);
    return entry.make(settings);
  }
  throw std::invalid_argument(origin + ": feature_extractor_type: unsupported class '" + name +
                              "' (supported: " + known_classes() + ")");
}

}  // namespace modelexport::audio
