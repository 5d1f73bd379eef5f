// Greedy CTC decoding with the Wav2Vec2CTCTokenizer rules, and transformers' chunk plan for long
// audio (see modelexport/pipelines/automatic_speech_recognition.h).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>

#include "modelexport/atomic_file.h"
#include "modelexport/pipelines/automatic_speech_recognition.h"
#include "text/json_document.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport {
namespace {

using OrderedJson = nlohmann::ordered_json;

OrderedJson read_json(const std::string& text, const std::string& origin) {
  return text::parse_json_document<OrderedJson>(text, origin, text::JsonNumbers::kCorrectlyRounded);
}

// A token setting as transformers saves it: a string, or an AddedToken dict with "content".
void read_token(const OrderedJson& config, const char* key, std::string& out) {
  const auto it = config.find(key);
  if (it == config.end()) return;
  if (it->is_string()) {
    out = it->get<std::string>();
  } else if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
    out = (*it)["content"].get<std::string>();
  }
}

void read_flag(const OrderedJson& config, const char* key, bool& out) {
  const auto it = config.find(key);
  if (it != config.end() && it->is_boolean()) out = it->get<bool>();
}

// Python's str.isspace for str.strip(): Unicode White_Space plus the ASCII separators U+001C to
// U+001F that Python also strips.
bool python_space(char32_t c) {
  return text::unicode::is_whitespace(c) || (c >= 0x1C && c <= 0x1F);
}

std::string python_strip(const std::string& s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    std::size_t next = begin;
    if (!python_space(text::decode_utf8(s, next))) break;
    begin = next;
  }
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t pos = start;
    if (!python_space(text::decode_utf8(s, pos))) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

std::string lowercase(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  std::size_t pos = 0;
  char32_t lowered[3];
  while (pos < s.size()) {
    const char32_t c = text::decode_utf8(s, pos);
    const std::size_t n = text::unicode::to_lowercase(c, lowered);
    for (std::size_t i = 0; i < n; ++i) text::append_utf8(out, lowered[i]);
  }
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos).append(to);
  }
  s = out.append(s, pos, std::string::npos);
}

// transformers' clean_up_tokenization, its replacements in its order.
std::string clean_up_tokenization(std::string s) {
  static const std::pair<const char*, const char*> kReplacements[] = {
      {" .", "."},     {" ?", "?"},   {" !", "!"},   {" ,", ","},     {" ' ", "'"},
      {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kReplacements) replace_all(s, from, to);
  return s;
}

// Python's round() to an integer: halves to even (the default rounding mode of nearbyint).
long long round_half_even(double x) { return static_cast<long long>(std::nearbyint(x)); }

}  // namespace

CtcVocabulary CtcVocabulary::load(const std::string& vocab_json_path,
                                  const std::string& tokenizer_config_path) {
  const bool has_config =
      !tokenizer_config_path.empty() && std::filesystem::exists(tokenizer_config_path);
  return parse(
      read_file(vocab_json_path), vocab_json_path,
      has_config ? std::optional<std::string>(read_file(tokenizer_config_path)) : std::nullopt,
      tokenizer_config_path);
}

CtcVocabulary CtcVocabulary::parse(const std::string& vocab_json, const std::string& vocab_origin,
                                   const std::optional<std::string>& tokenizer_config_json,
                                   const std::string& config_origin) {
  // The origins are how the messages below name the files.
  const std::string& vocab_json_path = vocab_origin;
  const std::string& tokenizer_config_path = config_origin;
  CtcVocabulary vocabulary;
  const OrderedJson vocab = read_json(vocab_json, vocab_json_path);
  if (!vocab.is_object() || vocab.empty()) {
    throw std::invalid_argument(vocab_json_path + ": expected an object of token ids");
  }
  OrderedJson config = OrderedJson::object();
  if (tokenizer_config_json) {
    config = read_json(*tokenizer_config_json, tokenizer_config_path);
    if (!config.is_object()) {
      throw std::invalid_argument(tokenizer_config_path + ": expected an object");
    }
  }
  if (config.contains("target_lang") && !config["target_lang"].is_null()) {
    throw std::invalid_argument(tokenizer_config_path +
                                ": target_lang (per-language vocabularies) is not supported");
  }
  constexpr std::int64_t kMaxId = std::int64_t{1} << 24;
  std::vector<std::pair<std::int64_t, std::string>> entries;
  for (const auto& [token, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<std::int64_t>() < 0 || id.get<std::int64_t>() >= kMaxId) {
      throw std::invalid_argument(vocab_json_path + ": the id of '" + token +
                                  "' is not an integer in 0.." + std::to_string(kMaxId - 1));
    }
    entries.emplace_back(id.get<std::int64_t>(), token);
  }
  read_token(config, "pad_token", vocabulary.pad_token);
  read_token(config, "unk_token", vocabulary.unk_token);
  read_token(config, "word_delimiter_token", vocabulary.word_delimiter_token);
  if (const auto it = config.find("replace_word_delimiter_char");
      it != config.end() && it->is_string()) {
    vocabulary.replace_word_delimiter_char = it->get<std::string>();
  }
  read_flag(config, "do_lower_case", vocabulary.do_lower_case);
  read_flag(config, "clean_up_tokenization_spaces", vocabulary.clean_up_tokenization_spaces);
  // Added tokens decode ids the vocabulary lacks (the vocabulary wins where both have one).
  std::vector<std::pair<std::int64_t, std::string>> added;
  if (const auto it = config.find("added_tokens_decoder"); it != config.end() && it->is_object()) {
    for (const auto& [key, token] : it->items()) {
      std::string content;
      read_token(OrderedJson::object({{"t", token}}), "t", content);
      char* end = nullptr;
      const long long id = std::strtoll(key.c_str(), &end, 10);
      if (end != key.c_str() && *end == '\0' && id >= 0 && id < kMaxId && !content.empty()) {
        added.emplace_back(id, content);
      }
    }
  }
  std::int64_t size = 0;
  for (const auto& [id, token] : entries) size = std::max(size, id + 1);
  for (const auto& [id, token] : added) size = std::max(size, id + 1);
  vocabulary.tokens.assign(static_cast<std::size_t>(size), std::string());
  std::vector<bool> known(static_cast<std::size_t>(size), false);
  for (const auto& [id, token] : added) {
    vocabulary.tokens[static_cast<std::size_t>(id)] = token;
    known[static_cast<std::size_t>(id)] = true;
  }
  // {token: id} inverted in file order: a later token with the same id wins, as in Python.
  for (const auto& [id, token] : entries) {
    vocabulary.tokens[static_cast<std::size_t>(id)] = token;
    known[static_cast<std::size_t>(id)] = true;
  }
  for (std::size_t id = 0; id < known.size(); ++id) {
    if (!known[id]) vocabulary.tokens[id] = vocabulary.unk_token;
  }
  return vocabulary;
}

const std::string& CtcVocabulary::token(std::int64_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= tokens.size()) return unk_token;
  return tokens[static_cast<std::size_t>(id)];
}

Transcription decode_ctc(const std::vector<std::int64_t>& ids, const CtcVocabulary& vocabulary,
                         TimestampKind timestamps, std::size_t align_to, double sampling_rate) {
  // Consecutive equal tokens (by text, as itertools.groupby over the token strings) are one
  // emission; blanks are dropped after grouping, so a blank separates true repeats.
  struct Emission {
    std::string text;
    std::size_t start;
    std::size_t end;
  };
  std::vector<Emission> emissions;
  for (std::size_t frame = 0; frame < ids.size(); ++frame) {
    const std::string& token = vocabulary.token(ids[frame]);
    if (!emissions.empty() && emissions.back().text == token && emissions.back().end == frame) {
      emissions.back().end = frame + 1;
    } else {
      emissions.push_back({token, frame, frame + 1});
    }
  }
  std::vector<Emission> kept;
  for (auto& emission : emissions) {
    if (emission.text == vocabulary.pad_token) continue;
    if (emission.text == vocabulary.word_delimiter_token) {
      emission.text = vocabulary.replace_word_delimiter_char;
    }
    kept.push_back(std::move(emission));
  }
  Transcription result;
  for (const auto& emission : kept) result.text += emission.text;
  result.text = python_strip(result.text);
  if (vocabulary.do_lower_case) result.text = lowercase(result.text);
  if (vocabulary.clean_up_tokenization_spaces) result.text = clean_up_tokenization(result.text);

  auto timed = [&](std::string text, std::size_t start, std::size_t end) {
    // As the pipeline computes them: (frame * align_to) / rate, one rounding.
    return TimedText{std::move(text), static_cast<double>(start * align_to) / sampling_rate,
                     static_cast<double>(end * align_to) / sampling_rate};
  };
  if (timestamps == TimestampKind::kChar) {
    for (const auto& emission : kept) {
      result.chunks.push_back(timed(emission.text, emission.start, emission.end));
    }
  } else if (timestamps == TimestampKind::kWord) {
    // Words are runs of non-delimiter characters (Wav2Vec2CTCTokenizer._get_word_offsets).
    const std::string& space = vocabulary.replace_word_delimiter_char;
    bool in_word = false;
    std::string word;
    std::size_t start = 0;
    std::size_t end = 0;
    for (const auto& emission : kept) {
      const bool is_space = emission.text == space;
      if (!is_space && in_word) {
        word += emission.text;
        end = emission.end;
      } else if (!is_space) {
        word = emission.text;
        start = emission.start;
        end = emission.end;
      } else if (in_word) {
        result.chunks.push_back(timed(word, start, end));
      }
      in_word = !is_space;
    }
    if (in_word) result.chunks.push_back(timed(word, start, end));
  }
  return result;
}

std::vector<AudioChunk> plan_chunks(std::size_t samples, double sampling_rate, std::size_t align_to,
                                    const ChunkingOptions& options) {
  const double stride_s = options.stride_length_s.value_or(options.chunk_length_s / 6.0);
  if (!(options.chunk_length_s > 0) || !std::isfinite(options.chunk_length_s) || !(stride_s >= 0) ||
      !std::isfinite(stride_s)) {
    throw std::invalid_argument("chunk_length_s must be positive and stride_length_s not negative");
  }
  const double align = static_cast<double>(align_to);
  auto aligned = [&](double seconds) {
    const long long n =
        round_half_even(seconds * sampling_rate / align) * static_cast<long long>(align_to);
    return static_cast<std::size_t>(std::max<long long>(0, n));
  };
  const std::size_t chunk_len = aligned(options.chunk_length_s);
  const std::size_t stride = aligned(stride_s);
  if (chunk_len < 2 * stride) {
    throw std::invalid_argument("chunk_length_s must be larger than twice stride_length_s");
  }
  const std::size_t step = chunk_len - 2 * stride;
  if (step == 0) throw std::invalid_argument("chunk_length_s leaves no audio between the strides");
  std::vector<AudioChunk> chunks;
  for (std::size_t begin = 0; begin < samples; begin += step) {
    const std::size_t end = begin + chunk_len;
    const bool is_last = end >= samples;
    AudioChunk chunk{begin, std::min(end, samples), begin == 0 ? 0 : stride, is_last ? 0 : stride};
    // transformers skips a chunk that is all left context.
    if (chunk.end - chunk.begin > chunk.stride_left) chunks.push_back(chunk);
    if (is_last) break;
  }
  return chunks;
}

std::pair<std::size_t, std::size_t> chunk_frame_range(const AudioChunk& chunk, std::size_t align_to,
                                                      std::size_t frames) {
  // rescale_stride: the chunk's token count, then each stride in tokens, Python's round().
  const double length = static_cast<double>(chunk.end - chunk.begin);
  const long long tokens = round_half_even(length * (1.0 / static_cast<double>(align_to)));
  const long long left = round_half_even(static_cast<double>(chunk.stride_left) / length *
                                         static_cast<double>(tokens));
  const long long right = round_half_even(static_cast<double>(chunk.stride_right) / length *
                                          static_cast<double>(tokens));
  // items[:, left:tokens - right], with Python's slice clamping.
  const auto size = static_cast<long long>(frames);
  const long long begin = std::clamp(left, 0LL, size);
  const long long end = std::max(begin, std::clamp(tokens - right, 0LL, size));
  return {static_cast<std::size_t>(begin), static_cast<std::size_t>(end)};
}

}  // namespace modelexport
