// The audio processor: a clip mixed down to mono, resampled to the feature extractor's rate
// (libsoxr), turned into the model's features by the transformers feature extractor of the
// package's class (audio/feature_extractor.h), then fitted to the graph by the shape policy:
// the time axis padded with the extractor's padding value to the graph's fixed length (or the
// batch's longest clip), and attention_mask ones over each clip when the graph takes one.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "audio/feature_extractor.h"
#include "modelexport/audio.h"
#include "processors/processor.h"

namespace modelexport::processors {

class AudioProcessor final : public Processor {
 public:
  static constexpr const char* kType = "audio";

  // From the package's hf_processor_config "feature_extractor" (else preprocessor_config.json).
  AudioProcessor(const Package& package, const runtime::ShapePolicy& policy);

  const std::string& type() const override;
  Feeds feeds(std::vector<Prepared>& rows, const runtime::ShapePolicy& policy) const override;

  // One clip: mono, at the extractor's rate, its features. A clip with sampling_rate 0 is taken
  // to be at the extractor's rate already (as transformers takes a bare array). Throws
  // std::invalid_argument for an empty clip, non-finite samples, a rate outside the limits, or
  // a clip longer than the graph's fixed length.
  Prepared prepare(const Audio& clip) const;
  // The clip mixed down to mono and resampled to the extractor's rate (what prepare() starts
  // with); the same errors.
  std::vector<float> to_model_rate(const Audio& clip) const;
  // prepare() for mono samples already at the extractor's rate (a chunk of a longer clip).
  Prepared prepare_samples(std::vector<float> mono) const;

  const audio::FeatureExtractor& extractor() const { return *extractor_; }
  double sampling_rate() const { return extractor_->sampling_rate(); }
  // Whether clips of different lengths change each other's results when batched: a dynamic
  // raw-waveform graph pads the shorter clips. Even with an attention mask that is not exact
  // (data2vec-audio's stacked positional convolutions read the padded frames), and transformers'
  // pipeline runs one clip at a time, so such batches hold clips of one length only.
  bool padding_changes_results() const;

 private:
  std::unique_ptr<audio::FeatureExtractor> extractor_;
  std::string feature_name_;
  std::size_t graph_time_axis_ = 1;  // the time axis of the graph's feature input
  std::optional<std::size_t> fixed_time_;
  // The longest clip, in samples, a fixed raw-waveform graph takes (nullopt: any length).
  std::optional<std::size_t> max_samples_;
  bool has_attention_mask_ = false;
};

}  // namespace modelexport::processors
