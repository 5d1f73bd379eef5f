// The audio feature extractors: preprocessor_config.json read into the transformers feature
// extractor of the same class (Wav2Vec2FeatureExtractor, ASTFeatureExtractor,
// WhisperFeatureExtractor), computing the same features from mono float32 samples at the
// extractor's sampling rate. One registry by feature_extractor_type (feature_extractor.cpp).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "modelexport/session.h"

namespace modelexport::audio {

// What one clip becomes.
struct AudioFeatures {
  // The features of one clip, without a batch axis, as transformers returns them for one clip:
  //   Wav2Vec2FeatureExtractor: [samples]            (input_values)
  //   ASTFeatureExtractor:      [max_length, mel_bins] (input_values, padded/truncated)
  //   WhisperFeatureExtractor:  [mel_bins, frames]   (input_features, 30 s padded/truncated)
  FloatTensor values;
  // How many steps of the time axis hold the clip (the rest is padding): the attention mask's
  // ones, for extractors that return one.
  std::size_t valid_length = 0;
};

class FeatureExtractor {
 public:
  virtual ~FeatureExtractor() = default;
  // transformers' class name, e.g. "WhisperFeatureExtractor".
  virtual const std::string& class_name() const = 0;
  // The rate the samples must have (Hz).
  virtual double sampling_rate() const = 0;
  // The graph input the features feed: "input_values" or "input_features".
  virtual const std::string& feature_name() const = 0;
  // Which axis of AudioFeatures::values is time (0 for [samples] and [frames, bins], 1 for
  // Whisper's [bins, frames]).
  virtual std::size_t time_axis() const = 0;
  // The length of the time axis when the extractor fixes it (AST's max_length, Whisper's
  // nb_max_frames), else 0: the clip's own length.
  virtual std::size_t fixed_time_length() const = 0;
  // The value transformers pads the time axis with when batching (padding_value).
  virtual float padding_value() const = 0;
  // Features of one mono clip at sampling_rate(). Throws std::invalid_argument for an empty clip
  // or non-finite samples.
  virtual AudioFeatures extract(const std::vector<float>& samples) const = 0;
};

// The extractor preprocessor_config.json (its text) describes: the class from
// feature_extractor_type, keys the file leaves out take that class's transformers defaults.
// Throws std::invalid_argument naming `origin` and the key for an unsupported class or a
// malformed value.
std::unique_ptr<FeatureExtractor> parse_feature_extractor(const std::string& json_text,
                                                          const std::string& origin);

}  // namespace modelexport::audio
