// Audio inputs (see audio_inputs.h).
#include "pipelines/audio_inputs.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "modelexport/pipeline.h"
#include "pipelines/model_runner.h"

namespace modelexport::pipelines {
namespace {

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

Audio checked_samples(const Audio& given, double rate, const AudioDecodeOptions& options,
                      const std::string& where) {
  Audio audio = given;
  audio.sampling_rate = rate;
  if (audio.channels == 0 || audio.samples.empty())
    throw PipelineError(where + ": the audio is empty");
  for (float sample : audio.samples) {
    if (!std::isfinite(sample)) throw PipelineError(where + ": audio samples are NaN or infinite");
  }
  const double seconds = static_cast<double>(audio.frames()) / rate;
  if (seconds > options.max_seconds) {
    throw PipelineError(where + ": audio of " + std::to_string(static_cast<long long>(seconds)) +
                        " s exceeds the limit of " +
                        std::to_string(static_cast<long long>(options.max_seconds)) + " s");
  }
  return audio;
}

Audio audio_input(const Value& input, std::size_t index, double model_rate,
                  const AudioDecodeOptions& options) {
  const std::string where = "input " + std::to_string(index + 1);
  if (input.is_string()) {
    const std::string& path = input.as_string();
    if (starts_with(path, "http://") || starts_with(path, "https://") ||
        starts_with(path, "ftp://")) {
      throw PipelineError(path +
                          ": URLs are not fetched (modelexport runs offline); download the file "
                          "and pass its path");
    }
    try {
      return load_audio_file(path, options);
    } catch (const std::exception& e) {
      throw PipelineError(e.what());  // names the file
    }
  }
  if (input.is_bytes()) {
    const std::string& bytes = input.as_bytes();
    try {
      return decode_audio(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(),
                          options);
    } catch (const std::invalid_argument& e) {
      throw PipelineError(where + " (bytes): " + e.what());
    }
  }
  if (input.is_audio()) return checked_samples(input.as_audio(), model_rate, options, where);
  if (input.is_object()) {
    const Value* samples = input.find("raw");
    if (samples == nullptr) samples = input.find("array");
    const Value* rate = input.find("sampling_rate");
    if (samples == nullptr || rate == nullptr) {
      throw PipelineError(
          where + ": a dict input needs \"raw\" (or \"array\") samples and \"sampling_rate\"");
    }
    if (!samples->is_audio()) {
      throw PipelineError(where + ": \"raw\" must be an array of samples, got " +
                          Value::kind_name(samples->kind()));
    }
    if (!rate->is_number()) {
      throw PipelineError(where + ": \"sampling_rate\" must be a number, got " +
                          Value::kind_name(rate->kind()));
    }
    try {
      check_sampling_rate(rate->as_number());
    } catch (const std::invalid_argument& e) {
      throw PipelineError(where + ": " + e.what());
    }
    return checked_samples(samples->as_audio(), rate->as_number(), options, where);
  }
  throw PipelineError(where + ": expected audio (a file path, bytes, samples or {\"raw\", " +
                      "\"sampling_rate\"}), got " + Value::kind_name(input.kind()));
}

}  // namespace

std::vector<Audio> audio_inputs(const std::vector<Value>& inputs, double model_rate,
                                const AudioDecodeOptions& options) {
  AudioDecodeOptions decode = options;
  decode.target_rate = model_rate;
  std::vector<Audio> clips;
  clips.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    clips.push_back(audio_input(inputs[i], i, model_rate, decode));
  }
  return clips;
}

std::vector<processors::Prepared> prepare_clips(const processors::AudioProcessor& processor,
                                                const std::vector<Audio>& clips) {
  std::vector<processors::Prepared> prepared;
  prepared.reserve(clips.size());
  for (std::size_t i = 0; i < clips.size(); ++i) {
    try {
      prepared.push_back(processor.prepare(clips[i]));
    } catch (const std::invalid_argument& e) {
      throw PipelineError("input " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  return prepared;
}

std::vector<ModelRunner::Row> run_clips(const ModelRunner& runner,
                                        const processors::AudioProcessor& processor,
                                        std::vector<processors::Prepared> clips,
                                        const std::vector<std::string>& outputs) {
  if (!processor.padding_changes_results()) return runner.run(std::move(clips), outputs);
  // Clips of equal length run together (the chunks of a long clip), every other one alone.
  std::vector<std::size_t> order(clips.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return clips[a].audio.samples < clips[b].audio.samples;
  });
  std::vector<ModelRunner::Row> rows(clips.size());
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first + 1;
    while (last < order.size() &&
           clips[order[last]].audio.samples == clips[order[first]].audio.samples) {
      ++last;
    }
    std::vector<processors::Prepared> group;
    for (std::size_t i = first; i < last; ++i) group.push_back(std::move(clips[order[i]]));
    auto done = runner.run(std::move(group), outputs);
    for (std::size_t i = first; i < last; ++i) rows[order[i]] = std::move(done[i - first]);
    first = last;
  }
  return rows;
}

}  // namespace modelexport::pipelines
