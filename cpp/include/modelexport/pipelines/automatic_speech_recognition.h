// automatic-speech-recognition for CTC models, typed: greedy CTC decoding with the
// Wav2Vec2CTCTokenizer rules, character or word timestamps, and long audio in overlapping chunks
// stitched as transformers' AutomaticSpeechRecognitionPipeline stitches them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "modelexport/audio.h"
#include "modelexport/pipeline.h"

namespace modelexport {
namespace pipelines {
class ModelRunner;
}

enum class TimestampKind { kNone, kChar, kWord };

// A character or word of the transcription and where it is, in seconds.
struct TimedText {
  std::string text;
  double start = 0;
  double end = 0;
};

struct Transcription {
  std::string text;
  std::vector<TimedText> chunks;  // with timestamps only
};

// transformers' chunk_length_s / stride_length_s: 0 processes each clip in one piece.
struct ChunkingOptions {
  double chunk_length_s = 0;
  // Overlap on each side of a chunk; nullopt: chunk_length_s / 6, as transformers.
  std::optional<double> stride_length_s;
};

// The CTC tokenizer's decoding rules (vocab.json, tokenizer_config.json).
struct CtcVocabulary {
  std::vector<std::string> tokens;  // by id; ids the vocabulary lacks are unk_token
  std::string pad_token = "<pad>";  // the CTC blank
  std::string unk_token = "<unk>";
  std::string word_delimiter_token = "|";
  std::string replace_word_delimiter_char = " ";
  bool do_lower_case = false;
  bool clean_up_tokenization_spaces = false;

  // From a package folder's tokenizer files. Throws std::invalid_argument naming the file.
  static CtcVocabulary load(const std::string& vocab_json_path,
                            const std::string& tokenizer_config_path);
  // From their contents (tokenizer_config.json optional); the origins name them in errors.
  static CtcVocabulary parse(const std::string& vocab_json, const std::string& vocab_origin,
                             const std::optional<std::string>& tokenizer_config_json,
                             const std::string& config_origin);
  const std::string& token(std::int64_t id) const;
};

// Greedy CTC decoding of one sequence of frame ids, as Wav2Vec2CTCTokenizer.decode(ids,
// skip_special_tokens=False) (what the pipeline calls): repeated tokens merged, blanks dropped,
// the word delimiter replaced, stripped (and lowercased / cleaned up as configured). A chunk's
// times are its first and past-the-end frames x `align_to` samples / `sampling_rate`.
Transcription decode_ctc(const std::vector<std::int64_t>& ids, const CtcVocabulary& vocabulary,
                         TimestampKind timestamps, std::size_t align_to, double sampling_rate);

// transformers' chunking of one clip of `samples` samples: each chunk's [begin, end) and how
// many samples on its left and right only give context (rounded to `align_to` samples, as the
// pipeline rounds). Throws std::invalid_argument when the strides do not fit in a chunk.
struct AudioChunk {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t stride_left = 0;
  std::size_t stride_right = 0;
};
std::vector<AudioChunk> plan_chunks(std::size_t samples, double sampling_rate, std::size_t align_to,
                                    const ChunkingOptions& options);

// The frames [begin, end) of a chunk's `frames` logits frames that go into the transcription:
// its strides converted to frames and cut off, as transformers' rescale_stride and the slice
// after it do (Python's rounding and slice clamping).
std::pair<std::size_t, std::size_t> chunk_frame_range(const AudioChunk& chunk, std::size_t align_to,
                                                      std::size_t frames);

class SpeechRecognitionPipeline {
 public:
  explicit SpeechRecognitionPipeline(std::shared_ptr<const Package> package,
                                     const PipelineOptions& options = {});
  std::vector<Transcription> operator()(const std::vector<Audio>& clips,
                                        TimestampKind timestamps = TimestampKind::kNone,
                                        const ChunkingOptions& chunking = {}) const;
  // The rate the model's feature extractor takes (Hz).
  double sampling_rate() const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
  CtcVocabulary vocabulary_;
  // Logits frames for a clip of `samples` samples (the model's own length arithmetic).
  std::size_t frames_for(std::size_t samples) const;
  // Greedy ids of one clip's logits, the frames its `samples` make.
  std::vector<std::int64_t> frame_ids(const FloatTensor& logits, std::size_t samples) const;

  std::vector<std::size_t> conv_kernels_;  // the feature encoder's, for the frame count
  std::vector<std::size_t> conv_strides_;
  std::size_t adapter_layers_ = 0;  // add_adapter: num_adapter_layers of adapter_stride
  std::size_t adapter_stride_ = 1;
  std::size_t align_to_ = 1;  // samples per logits frame (config inputs_to_logits_ratio)
};

}  // namespace modelexport
