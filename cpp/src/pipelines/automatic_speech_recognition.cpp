// automatic-speech-recognition for CTC models: greedy CTC decoding with the Wav2Vec2CTCTokenizer
// rules (ctc_decoding.cpp), timestamps, and transformers' chunking of long audio.
#include "modelexport/pipelines/automatic_speech_recognition.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "modelexport/package.h"
#include "pipelines/audio_inputs.h"
#include "pipelines/model_runner.h"
#include "pipelines/task_support.h"

namespace modelexport {
namespace {

// Chunks prepared and run at a time: bounds the features held for hours-long audio.
constexpr std::size_t kChunksPerRun = 32;

std::vector<std::size_t> sizes_member(const nlohmann::json& config, const char* key,
                                      const std::string& origin) {
  std::vector<std::size_t> sizes;
  const auto it = config.find(key);
  if (it == config.end() || !it->is_array() || it->empty()) {
    throw std::invalid_argument(origin + ": config.json has no " + key +
                                " list (needed for the CTC frame count)");
  }
  for (const auto& size : *it) {
    if (!size.is_number_integer() || size.get<std::int64_t>() < 1 ||
        size.get<std::int64_t>() > 65536) {
      throw std::invalid_argument(origin + ": config.json " + key + " holds " + size.dump() +
                                  "; expected sizes in 1..65536");
    }
    sizes.push_back(size.get<std::size_t>());
  }
  return sizes;
}

}  // namespace

SpeechRecognitionPipeline::SpeechRecognitionPipeline(std::shared_ptr<const Package> package,
                                                     const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(package, options)) {
  const std::string& origin = package->model_path();
  runner_->processor_for<processors::AudioProcessor>("automatic-speech-recognition");
  const std::string config_name = "tokenizer_config.json";
  vocabulary_ =
      CtcVocabulary::parse(package->file_contents("vocab.json"), package->file_origin("vocab.json"),
                           package->has_file(config_name)
                               ? std::optional<std::string>(package->file_contents(config_name))
                               : std::nullopt,
                           package->file_origin(config_name));
  const auto config = nlohmann::json::parse(package->model_config_json());
  conv_kernels_ = sizes_member(config, "conv_kernel", origin);
  conv_strides_ = sizes_member(config, "conv_stride", origin);
  if (conv_kernels_.size() != conv_strides_.size()) {
    throw std::invalid_argument(origin +
                                ": config.json conv_kernel and conv_stride differ in length");
  }
  align_to_ = 1;
  for (std::size_t stride : conv_strides_) {
    align_to_ *= stride;
    if (align_to_ > (std::size_t{1} << 24)) {
      throw std::invalid_argument(origin + ": config.json conv_stride multiplies past 2^24");
    }
  }
  if (config.value("add_adapter", false)) {
    adapter_layers_ = config.value("num_adapter_layers", std::size_t{3});
    adapter_stride_ = std::max<std::size_t>(1, config.value("adapter_stride", std::size_t{2}));
  }
}

std::size_t SpeechRecognitionPipeline::frames_for(std::size_t samples) const {
  // Each convolution: floor((length - kernel) / stride) + 1, the adapter's with kernel 1.
  long long length = static_cast<long long>(samples);
  auto conv = [&](long long kernel, long long stride) {
    const long long span = length - kernel;
    length = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1;
  };
  for (std::size_t i = 0; i < conv_kernels_.size(); ++i) {
    conv(static_cast<long long>(conv_kernels_[i]), static_cast<long long>(conv_strides_[i]));
  }
  for (std::size_t i = 0; i < adapter_layers_; ++i)
    conv(1, static_cast<long long>(adapter_stride_));
  return static_cast<std::size_t>(std::max(0LL, length));
}

std::vector<std::int64_t> SpeechRecognitionPipeline::frame_ids(const FloatTensor& logits,
                                                               std::size_t samples) const {
  pipelines::check_output(logits, "logits", {std::nullopt, std::nullopt});
  const auto frames = static_cast<std::size_t>(logits.shape[0]);
  const auto vocab = static_cast<std::size_t>(logits.shape[1]);
  // A padded clip has more frames than its samples make: those are padding.
  const std::size_t kept = std::min(frames, frames_for(samples));
  std::vector<std::int64_t> ids(kept);
  for (std::size_t f = 0; f < kept; ++f) {
    const float* row = logits.data.data() + f * vocab;
    // torch.argmax: the first of equal maxima.
    ids[f] = static_cast<std::int64_t>(std::max_element(row, row + vocab) - row);
  }
  return ids;
}

std::vector<Transcription> SpeechRecognitionPipeline::operator()(
    const std::vector<Audio>& clips, TimestampKind timestamps,
    const ChunkingOptions& chunking) const {
  const auto& processor =
      runner_->processor_for<processors::AudioProcessor>("automatic-speech-recognition");
  const double rate = processor.sampling_rate();
  std::vector<Transcription> results;
  if (chunking.chunk_length_s == 0) {
    const auto rows = pipelines::run_clips(*runner_, processor,
                                           pipelines::prepare_clips(processor, clips), {"logits"});
    for (const auto& row : rows) {
      results.push_back(decode_ctc(frame_ids(row.outputs.front(), row.input.audio.samples),
                                   vocabulary_, timestamps, align_to_, rate));
    }
    return results;
  }
  for (std::size_t c = 0; c < clips.size(); ++c) {
    const std::string where = "input " + std::to_string(c + 1) + ": ";
    std::vector<float> mono;
    std::vector<AudioChunk> plan;
    try {
      mono = processor.to_model_rate(clips[c]);
      plan = plan_chunks(mono.size(), rate, align_to_, chunking);
    } catch (const std::invalid_argument& e) {
      throw PipelineError(where + e.what());
    }
    std::vector<std::int64_t> ids;
    for (std::size_t first = 0; first < plan.size(); first += kChunksPerRun) {
      const std::size_t last = std::min(plan.size(), first + kChunksPerRun);
      std::vector<processors::Prepared> prepared;
      for (std::size_t k = first; k < last; ++k) {
        try {
          prepared.push_back(processor.prepare_samples(
              std::vector<float>(mono.begin() + static_cast<std::ptrdiff_t>(plan[k].begin),
                                 mono.begin() + static_cast<std::ptrdiff_t>(plan[k].end))));
        } catch (const std::invalid_argument& e) {
          throw PipelineError(where + "chunk " + std::to_string(k + 1) + ": " + e.what());
        }
      }
      const auto rows = pipelines::run_clips(*runner_, processor, std::move(prepared), {"logits"});
      for (std::size_t k = first; k < last; ++k) {
        const AudioChunk& chunk = plan[k];
        const std::size_t length = chunk.end - chunk.begin;
        const auto chunk_ids = frame_ids(rows[k - first].outputs.front(), length);
        const auto [begin, end] = chunk_frame_range(chunk, align_to_, chunk_ids.size());
        ids.insert(ids.end(), chunk_ids.begin() + static_cast<std::ptrdiff_t>(begin),
                   chunk_ids.begin() + static_cast<std::ptrdiff_t>(end));
      }
    }
    results.push_back(decode_ctc(ids, vocabulary_, timestamps, align_to_, rate));
  }
  return results;
}

namespace {

class SpeechRecognitionTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "automatic-speech-recognition";

  SpeechRecognitionTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                        const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options), decode_(options.audio_decode) {}

 protected:
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    TimestampKind timestamps = TimestampKind::kNone;
    if (const Value* kind = options.find("return_timestamps"); kind && kind->is_string()) {
      timestamps = kind->as_string() == "word" ? TimestampKind::kWord : TimestampKind::kChar;
    }
    ChunkingOptions chunking;
    if (const Value* length = options.find("chunk_length_s"); length && length->is_number()) {
      chunking.chunk_length_s = length->as_number();
    }
    if (const Value* stride = options.find("stride_length_s"); stride && stride->is_number()) {
      chunking.stride_length_s = stride->as_number();
    }
    if (chunking.chunk_length_s < 0) throw PipelineError("chunk_length_s must not be negative");
    const auto transcriptions = typed_(
        pipelines::audio_inputs(inputs, typed_.sampling_rate(), decode_), timestamps, chunking);
    std::vector<Value> results;
    for (const auto& transcription : transcriptions) {
      Value result = Value::object({{"text", transcription.text}});
      if (timestamps != TimestampKind::kNone) {
        Value chunks = Value::array();
        for (const auto& chunk : transcription.chunks) {
          chunks.push_back(Value::object(
              {{"text", chunk.text}, {"timestamp", Value::tuple({chunk.start, chunk.end})}}));
        }
        result.set("chunks", std::move(chunks));
      }
      results.push_back(std::move(result));
    }
    return results;
  }

 private:
  SpeechRecognitionPipeline typed_;
  AudioDecodeOptions decode_;
};

}  // namespace

double SpeechRecognitionPipeline::sampling_rate() const {
  return runner_->processor_for<processors::AudioProcessor>("automatic-speech-recognition")
      .sampling_rate();
}

TaskInfo automatic_speech_recognition_task() {
  TaskInfo task = pipelines::audio_task("automatic-speech-recognition", "AutoModelForCTC",
                                        "ORTModelForCTC", {"logits"}, {"ForCTC"});
  task.options = {
      {"return_timestamps",
       OptionKind::kChoice,
       Value(),
       {"char", "word"},
       "add \"chunks\": each character or word with its (start, end) in seconds"},
      {"chunk_length_s",
       OptionKind::kNumber,
       Value(0.0),
       {},
       "split long audio into chunks of this many seconds, stitched as transformers does (0: "
       "whole clips)"},
      {"stride_length_s",
       OptionKind::kNumber,
       Value(),
       {},
       "context on each side of a chunk, in seconds (default chunk_length_s / 6)"},
  };
  task.create = pipelines::create_task_pipeline<SpeechRecognitionTask>;
  return task;
}

}  // namespace modelexport
