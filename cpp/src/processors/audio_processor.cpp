// The audio processor (see audio_processor.h).
#include "processors/audio_processor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "modelexport/audio_decode.h"
#include "modelexport/package.h"

namespace modelexport::processors {
namespace {

constexpr const char* kAttentionMask = "attention_mask";

std::string seconds_text(std::size_t samples, double rate) {
  const double seconds = static_cast<double>(samples) / rate;
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

}  // namespace

AudioProcessor::AudioProcessor(const Package& package, const runtime::ShapePolicy& policy)
    : extractor_(audio::parse_feature_extractor(package.feature_extractor_config(),
                                                package.model_path() + ": feature_extractor")),
      feature_name_(extractor_->feature_name()) {
  const std::string& origin = package.model_path();
  for (const auto& spec : policy.inputs()) {
    if (spec.name == kAttentionMask) {
      has_attention_mask_ = true;
    } else if (spec.name != feature_name_) {
      throw std::invalid_argument(origin + ": unexpected graph input '" + spec.name + "' for " +
                                  extractor_->class_name() + " features (" + feature_name_ + ")");
    }
  }
  const TensorInfo* features = policy.input(feature_name_);
  if (features == nullptr) {
    throw std::invalid_argument(origin + ": the graph has no " + feature_name_ + " input");
  }
  // The extractor's features gain the batch axis in front.
  const std::size_t rank =
      extractor_->time_axis() == 0 && extractor_->fixed_time_length() == 0 ? 2 : 3;
  if (features->rank_known && features->dims.size() != rank) {
    throw std::invalid_argument(origin + ": " + feature_name_ + " has " +
                                std::to_string(features->dims.size()) + " axes; " +
                                extractor_->class_name() + " makes " + std::to_string(rank));
  }
  graph_time_axis_ = extractor_->time_axis() + 1;
  fixed_time_ = policy.fixed_dim(feature_name_, graph_time_axis_);
  if (const std::size_t fixed = extractor_->fixed_time_length(); fixed != 0) {
    if (fixed_time_ && *fixed_time_ != fixed) {
      throw std::invalid_argument(origin + ": " + extractor_->class_name() + " makes " +
                                  std::to_string(fixed) + " frames; the graph takes " +
                                  std::to_string(*fixed_time_));
    }
  } else if (fixed_time_) {
    max_samples_ = *fixed_time_;
  }
}

const std::string& AudioProcessor::type() const {
  static const std::string type = kType;
  return type;
}

bool AudioProcessor::padding_changes_results() const {
  return !fixed_time_ && extractor_->fixed_time_length() == 0;
}

std::vector<float> AudioProcessor::to_model_rate(const Audio& clip) const {
  if (clip.channels == 0 || clip.samples.empty()) throw std::invalid_argument("the audio is empty");
  if (clip.samples.size() % clip.channels != 0) {
    throw std::invalid_argument("the audio's samples do not divide into its " +
                                std::to_string(clip.channels) + " channels");
  }
  std::vector<float> mono = mix_to_mono(clip);
  if (clip.sampling_rate != 0.0 && clip.sampling_rate != sampling_rate()) {
    for (float sample : mono) {
      if (!std::isfinite(sample)) throw std::invalid_argument("audio samples are NaN or infinite");
    }
    mono = resample_audio(mono, clip.sampling_rate, sampling_rate());
  }
  return mono;
}

Prepared AudioProcessor::prepare(const Audio& clip) const {
  return prepare_samples(to_model_rate(clip));
}

Prepared AudioProcessor::prepare_samples(std::vector<float> mono) const {
  if (mono.empty()) throw std::invalid_argument("the audio is empty");
  if (max_samples_ && mono.size() > *max_samples_) {
    throw std::invalid_argument(
        "a clip of " + seconds_text(mono.size(), sampling_rate()) + " is longer than the " +
        seconds_text(*max_samples_, sampling_rate()) +
        " the graph takes (speech recognition: pass chunk_length_s; or export with --dynamic)");
  }
  Prepared prepared;
  prepared.audio.samples = mono.size();
  audio::AudioFeatures features = extractor_->extract(mono);
  prepared.audio.features = std::move(features.values);
  prepared.audio.valid_length = features.valid_length;
  return prepared;
}

Feeds AudioProcessor::feeds(std::vector<Prepared>& rows, const runtime::ShapePolicy& policy) const {
  const std::size_t time_axis = extractor_->time_axis();
  // The extractor's shape of one clip, time axis aside (all clips share it).
  std::vector<std::int64_t> clip_shape;
  std::size_t longest = 0;
  for (const auto& row : rows) {
    const auto& shape = row.audio.features.shape;
    if (shape.empty()) continue;  // a filler row
    if (clip_shape.empty()) clip_shape = shape;
    longest = std::max(longest, static_cast<std::size_t>(shape[time_axis]));
  }
  if (clip_shape.empty()) throw std::logic_error("an audio batch without clips");
  const std::size_t length = policy.padded_length(feature_name_, graph_time_axis_, longest);
  clip_shape[time_axis] = static_cast<std::int64_t>(length);
  // Rows as [outer, time, inner]: time is axis 0 ([samples], [frames, bins]) or 1 ([bins,
  // frames]).
  const std::size_t outer = time_axis == 0 ? 1 : static_cast<std::size_t>(clip_shape[0]);
  const std::size_t inner =
      time_axis == 0 && clip_shape.size() > 1 ? static_cast<std::size_t>(clip_shape[1]) : 1;
  const std::size_t row_size = outer * length * inner;

  FloatTensor values;
  values.shape = {static_cast<std::int64_t>(rows.size())};
  values.shape.insert(values.shape.end(), clip_shape.begin(), clip_shape.end());
  values.data.assign(rows.size() * row_size, extractor_->padding_value());
  Int64Tensor mask;
  if (has_attention_mask_) {
    mask.shape = {static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(length)};
    mask.data.assign(rows.size() * length, 0);
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const FloatTensor& clip = rows[r].audio.features;
    if (clip.shape.empty()) continue;
    const auto clip_time = static_cast<std::size_t>(clip.shape[time_axis]);
    float* out = values.data.data() + r * row_size;
    for (std::size_t o = 0; o < outer; ++o) {
      std::copy_n(clip.data.data() + o * clip_time * inner, clip_time * inner,
                  out + o * length * inner);
    }
    if (has_attention_mask_) {
      std::fill_n(mask.data.begin() + static_cast<std::ptrdiff_t>(r * length),
                  std::min(rows[r].audio.valid_length, length), 1);
    }
  }
  Feeds feeds;
  feeds.emplace_back(feature_name_, std::move(values));
  if (has_attention_mask_) feeds.emplace_back(kAttentionMask, std::move(mask));
  return feeds;
}

}  // namespace modelexport::processors
