// Tokenizer: loading tokenizer.json into the five-stage pipeline and running it, mirroring
// tokenizers' tokenizer/mod.rs (encode, post_process with truncation and padding, decode).
#include "modelexport/tokenizer.h"

#include "modelexport/limits.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "text/added_vocabulary.h"
#include "text/decoders/decoder.h"
#include "text/encoding_data.h"
#include "text/json_document.h"
#include "text/json_util.h"
#include "text/models/model.h"
#include "text/normalizers/normalizer.h"
#include "text/post_processors/post_processor.h"
#include "text/pre_tokenizers/pre_tokenizer.h"
#include "text/utf8.h"

namespace modelexport {
namespace text {
namespace {

// The loaded, immutable stages; shared by copies of a Tokenizer.
struct Pipeline {
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<PreTokenizer> pre_tokenizer;
  std::unique_ptr<Model> model;
  std::unique_ptr<PostProcessor> post_processor;
  std::unique_ptr<Decoder> decoder;
  AddedVocabulary added;
  std::optional<std::string> continuing_subword_prefix;
};

TruncationOptions truncation_from_json(const JsonRef& json) {
  TruncationOptions options;
  options.max_length = json.at("max_length").as_uint();
  if (auto strategy = json.find("strategy")) {
    const std::string name = strategy->as_string();
    if (name == "LongestFirst") {
      options.strategy = TruncationStrategy::kLongestFirst;
    } else if (name == "OnlyFirst") {
      options.strategy = TruncationStrategy::kOnlyFirst;
    } else if (name == "OnlySecond") {
      options.strategy = TruncationStrategy::kOnlySecond;
    } else {
      strategy->fail("unknown truncation strategy '" + name + "'");
    }
  }
  options.stride = json.uint_or("stride", 0);
  if (auto direction = json.find("direction")) {
    const std::string name = direction->as_string();
    if (name != "Left" && name != "Right") direction->fail("unknown direction '" + name + "'");
    options.direction = name == "Left" ? Direction::kLeft : Direction::kRight;
  }
  return options;
}

PaddingOptions padding_from_json(const JsonRef& json) {
  PaddingOptions options;
  if (auto strategy = json.find("strategy")) {
    if (strategy->json().is_string()) {
      if (strategy->as_string() != "BatchLongest") {
        strategy->fail("unknown padding strategy '" + strategy->as_string() + "'");
      }
    } else {
      const JsonRef fixed = strategy->at("Fixed");
      options.length = fixed.as_uint();
      if (*options.length > limits::kMaxPaddingLength) {
        fixed.fail("padding length " + std::to_string(*options.length) + " is over the limit of " +
                   std::to_string(limits::kMaxPaddingLength));
      }
    }
  }
  if (auto direction = json.find("direction")) {
    const std::string name = direction->as_string();
    if (name != "Left" && name != "Right") direction->fail("unknown direction '" + name + "'");
    options.direction = name == "Left" ? Direction::kLeft : Direction::kRight;
  }
  if (auto multiple = json.find("pad_to_multiple_of")) {
    options.pad_to_multiple_of = multiple->as_uint();
    if (*options.pad_to_multiple_of > limits::kMaxPadToMultipleOf) {
      multiple->fail(std::to_string(*options.pad_to_multiple_of) + " is over the limit of " +
                     std::to_string(limits::kMaxPadToMultipleOf));
    }
  }
  options.pad_id = json.find("pad_id") ? json.at("pad_id").as_uint32() : 0;
  options.pad_type_id = json.find("pad_type_id") ? json.at("pad_type_id").as_uint32() : 0;
  options.pad_token = json.string_or("pad_token", "[PAD]");
  return options;
}

std::vector<AddedToken> added_tokens_from_json(const JsonRef& json) {
  std::vector<AddedToken> tokens;
  for (const JsonRef& item : json.elements()) {
    AddedToken token;
    token.content = item.at("content").as_string();
    token.special = item.bool_or("special", false);
    token.single_word = item.bool_or("single_word", false);
    token.lstrip = item.bool_or("lstrip", false);
    token.rstrip = item.bool_or("rstrip", false);
    token.normalized = item.bool_or("normalized", !token.special);
    if (auto id = item.find("id")) id->as_uint32();  // informative only, as in tokenizers
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::size_t added_tokens(const Pipeline& p, bool is_pair) {
  return p.post_processor ? p.post_processor->added_tokens(is_pair) : 0;
}

// tokenizers' encode_single_sequence + do_tokenize + into_encoding (character offsets). A
// pre-tokenized word (`word_index`) gives all its tokens that word index.
EncodingData encode_sequence(const Pipeline& p, std::string_view input, std::uint32_t type_id,
                             std::optional<std::uint32_t> word_index = std::nullopt) {
  PreTokenizedString pre_tokenized =
      p.added.extract_and_normalize(p.normalizer.get(), to_valid_utf8(input));
  if (p.pre_tokenizer) p.pre_tokenizer->pre_tokenize(pre_tokenized);

  EncodingData encoding;
  if (pre_tokenized.splits().empty()) return encoding;
  // The model's tokens of all splits in one buffer; ends[i]: where those of split i end.
  std::vector<Token> model_tokens;
  model_tokens.reserve(2 * pre_tokenized.splits().size() + 8);  // usually enough
  std::vector<std::size_t> ends;
  ends.reserve(pre_tokenized.splits().size());
  std::size_t count = 0;
  for (const Split& split : pre_tokenized.splits()) {
    if (split.tokens) {
      count += split.tokens->size();
    } else {
      const std::size_t before = model_tokens.size();
      p.model->tokenize(split.normalized.get(), model_tokens);
      count += model_tokens.size() - before;
    }
    ends.push_back(model_tokens.size());
  }
  // Room for the special tokens too: post-processors add them in place.
  encoding.reserve(count + added_tokens(p, /*is_pair=*/true));
  const ByteToCharOffsets to_chars(pre_tokenized.original());
  std::uint32_t word = 0;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < pre_tokenized.splits().size(); ++i) {
    Split& split = pre_tokenized.splits()[i];
    Token* first = model_tokens.data() + begin;
    Token* last = model_tokens.data() + ends[i];
    if (split.tokens) {
      first = split.tokens->data();
      last = first + split.tokens->size();
    }
    begin = ends[i];
    const std::size_t shift = split.normalized.offsets_original().first;
    for (Token* it = first; it != last; ++it) {
      Token& token = *it;
      Offsets offsets = token.offsets;
      if (auto original =
              split.normalized.normalized_to_original(token.offsets.first, token.offsets.second)) {
        offsets = {shift + original->first, shift + original->second};
      }
      encoding.push(token.id, std::move(token.value), to_chars.convert(offsets),
                    word_index.value_or(word), type_id, 0);
    }
    ++word;
  }
  return encoding;
}

// tokenizers' encode_single_sequence on an InputSequence::PreTokenized: each word through the
// whole pipeline on its own, the encodings merged without growing offsets (each word's offsets
// stay relative to that word).
EncodingData encode_words(const Pipeline& p, const std::vector<std::string>& words,
                          std::uint32_t type_id) {
  EncodingData merged;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > std::numeric_limits<std::uint32_t>::max()) {
      throw std::invalid_argument("too many words to encode");
    }
    merged.merge_with(encode_sequence(p, words[i], type_id, static_cast<std::uint32_t>(i)),
                      /*growing_offsets=*/false);
  }
  return merged;
}

// tokenizers' truncate_encodings.
void truncate_encodings(EncodingData& first, std::optional<EncodingData>& second,
                        const TruncationOptions& params) {
  if (params.max_length == 0) {
    first.truncate(0, params.stride, params.direction);
    if (second) second->truncate(0, params.stride, params.direction);
    return;
  }
  const std::size_t total = first.size() + (second ? second->size() : 0);
  if (total <= params.max_length) return;
  const std::size_t to_remove = total - params.max_length;
  switch (params.strategy) {
    case TruncationStrategy::kLongestFirst: {
      if (!second) {
        first.truncate(total - to_remove, params.stride, params.direction);
        return;
      }
      std::size_t n1 = first.size();
      std::size_t n2 = second->size();
      const bool swap = n1 > n2;
      if (swap) std::swap(n1, n2);
      n2 = n1 > params.max_length ? n1 : std::max(n1, params.max_length - n1);
      if (n1 + n2 > params.max_length) {
        n1 = params.max_length / 2;
        n2 = n1 + params.max_length % 2;
      }
      if (swap) std::swap(n1, n2);
      first.truncate(n1, params.stride, params.direction);
      second->truncate(n2, params.stride, params.direction);
      return;
    }
    case TruncationStrategy::kOnlyFirst:
    case TruncationStrategy::kOnlySecond: {
      EncodingData* target = &first;
      if (params.strategy == TruncationStrategy::kOnlySecond) {
        if (!second) throw std::invalid_argument("Truncation error: Second sequence not provided");
        target = &*second;
      }
      if (target->size() <= to_remove) {
        throw std::invalid_argument(
            "Truncation error: Sequence to truncate too short to respect the provided max_length");
      }
      target->truncate(target->size() - to_remove, params.stride, params.direction);
      return;
    }
  }
}

void pad_encodings(std::vector<EncodingData>& encodings, const PaddingOptions& params) {
  if (encodings.empty()) return;
  std::size_t length = 0;
  if (params.length) {
    length = *params.length;
  } else {
    for (const auto& e : encodings) length = std::max(length, e.size());
  }
  if (params.pad_to_multiple_of && *params.pad_to_multiple_of > 0 &&
      length % *params.pad_to_multiple_of > 0) {
    length += *params.pad_to_multiple_of - length % *params.pad_to_multiple_of;
  }
  for (auto& e : encodings) {
    e.pad(length, static_cast<std::uint32_t>(params.pad_id),
          static_cast<std::uint32_t>(params.pad_type_id), params.pad_token, params.direction);
  }
}

void check_padding(const PaddingOptions& options) {
  constexpr std::int64_t kMax = std::numeric_limits<std::uint32_t>::max();
  if (options.pad_id < 0 || options.pad_id > kMax) {
    throw std::invalid_argument("padding: pad_id must be in 0..2^32-1");
  }
  if (options.pad_type_id < 0 || options.pad_type_id > kMax) {
    throw std::invalid_argument("padding: pad_type_id must be in 0..2^32-1");
  }
}

}  // namespace
}  // namespace text

struct Tokenizer::Impl {
  std::shared_ptr<const text::Pipeline> pipeline;
  std::optional<TruncationOptions> truncation;
  std::optional<PaddingOptions> padding;

  // tokenizers' encode + post_process, without the final (batch) padding.
  text::EncodingData encode_unpadded(std::string_view input, std::optional<std::string_view> pair,
                                     bool add_special_tokens) const {
    const text::Pipeline& p = *pipeline;
    text::EncodingData first = text::encode_sequence(p, input, 0);
    std::optional<text::EncodingData> second;
    if (pair) second = text::encode_sequence(p, *pair, 1);
    return post_process(std::move(first), std::move(second), add_special_tokens);
  }

  // tokenizers' post_process: truncation, then the post-processor's special tokens.
  text::EncodingData post_process(text::EncodingData first,
                                  std::optional<text::EncodingData> second,
                                  bool add_special_tokens) const {
    const text::Pipeline& p = *pipeline;
    if (truncation) {
      TruncationOptions params = *truncation;
      const std::size_t n_added = text::added_tokens(p, second.has_value());
      // Unsigned wrap-around on purpose: tokenizers computes this in usize, so a max_length
      // below the number of special tokens disables truncation instead of failing.
      if (add_special_tokens && n_added > 0) params.max_length = params.max_length - n_added;
      text::truncate_encodings(first, second, params);
    }
    if (p.post_processor)
      return p.post_processor->process(std::move(first), std::move(second), add_special_tokens);
    return text::default_post_process(std::move(first), std::move(second));
  }
};

TruncationStrategy parse_truncation_strategy(std::string_view name) {
  if (name == "longest_first") return TruncationStrategy::kLongestFirst;
  if (name == "only_first") return TruncationStrategy::kOnlyFirst;
  if (name == "only_second") return TruncationStrategy::kOnlySecond;
  throw std::invalid_argument("unknown truncation strategy '" + std::string(name) +
                              "' (use longest_first, only_first or only_second)");
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(const Tokenizer& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Tokenizer& Tokenizer::operator=(const Tokenizer& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read tokenizer file " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read tokenizer file " + path);
  return from_json_string(buffer.str(), path);
}

Tokenizer Tokenizer::from_json_string(std::string_view json_text, const std::string& origin) {
  const nlohmann::json document = text::parse_json_document(json_text, origin);
  const text::JsonRef root(document, "", origin);
  if (!document.is_object()) root.fail("expected a JSON object");
  if (auto version = root.find("version"); version && version->as_string() != "1.0") {
    version->fail("unknown tokenizer version '" + version->as_string() + "'");
  }
  auto pipeline = std::make_shared<text::Pipeline>();
  pipeline->model = text::model_from_json(root.at("model"));
  if (auto prefix = root.at("model").find("continuing_subword_prefix")) {
    if (prefix->json().is_string() && !prefix->as_string().empty()) {
      pipeline->continuing_subword_prefix = prefix->as_string();
    }
  }
  if (auto j = root.find("normalizer")) pipeline->normalizer = text::normalizer_from_json(*j);
  if (auto j = root.find("pre_tokenizer"))
    pipeline->pre_tokenizer = text::pre_tokenizer_from_json(*j);
  if (auto j = root.find("post_processor")) {
    pipeline->post_processor = text::post_processor_from_json(*j);
  }
  if (auto j = root.find("decoder")) pipeline->decoder = text::decoder_from_json(*j);
  if (auto j = root.find("added_tokens")) {
    pipeline->added.add_tokens(text::added_tokens_from_json(*j), *pipeline->model,
                               pipeline->normalizer.get());
  }
  auto impl = std::make_unique<Impl>();
  if (auto j = root.find("truncation")) impl->truncation = text::truncation_from_json(*j);
  if (auto j = root.find("padding")) {
    impl->padding = text::padding_from_json(*j);
  }
  impl->pipeline = std::move(pipeline);
  return Tokenizer(std::move(impl));
}

Encoding Tokenizer::encode(std::string_view text, std::optional<std::string_view> pair,
                           bool add_special_tokens) const {
  std::vector<text::EncodingData> one;
  one.push_back(impl_->encode_unpadded(text, pair, add_special_tokens));
  if (impl_->padding) text::pad_encodings(one, *impl_->padding);
  return std::move(one.front()).to_public();
}

Encoding Tokenizer::encode_words(const std::vector<std::string>& words,
                                 const std::optional<std::vector<std::string>>& pair,
                                 bool add_special_tokens) const {
  const text::Pipeline& p = *impl_->pipeline;
  std::optional<text::EncodingData> second;
  if (pair) second = text::encode_words(p, *pair, 1);
  std::vector<text::EncodingData> one;
  one.push_back(
      impl_->post_process(text::encode_words(p, words, 0), std::move(second), add_special_tokens));
  if (impl_->padding) text::pad_encodings(one, *impl_->padding);
  return std::move(one.front()).to_public();
}

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                              bool add_special_tokens) const {
  std::vector<text::EncodingData> encodings;
  encodings.reserve(texts.size());
  for (const auto& t : texts) {
    encodings.push_back(impl_->encode_unpadded(t, std::nullopt, add_special_tokens));
  }
  // Padding to the longest of the batch; a fixed length pads each the same.
  if (impl_->padding) text::pad_encodings(encodings, *impl_->padding);
  std::vector<Encoding> out;
  out.reserve(encodings.size());
  for (auto& e : encodings) out.push_back(std::move(e).to_public());
  return out;
}

std::vector<Encoding> Tokenizer::encode_batch(
    const std::vector<std::pair<std::string, std::string>>& pairs, bool add_special_tokens) const {
  std::vector<text::EncodingData> encodings;
  encodings.reserve(pairs.size());
  for (const auto& [first, second] : pairs) {
    encodings.push_back(impl_->encode_unpadded(first, second, add_special_tokens));
  }
  if (impl_->padding) text::pad_encodings(encodings, *impl_->padding);
  std::vector<Encoding> out;
  out.reserve(encodings.size());
  for (auto& e : encodings) out.push_back(std::move(e).to_public());
  return out;
}

std::string Tokenizer::decode(const std::vector<std::int64_t>& ids,
                              bool skip_special_tokens) const {
  const text::Pipeline& p = *impl_->pipeline;
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (std::int64_t id : ids) {
    auto token = id_to_token(id);
    if (!token) continue;
    if (skip_special_tokens && p.added.is_special_token(*token)) continue;
    tokens.push_back(std::move(*token));
  }
  return decode_tokens(std::move(tokens));
}

std::string Tokenizer::decode_tokens(std::vector<std::string> tokens) const {
  const text::Pipeline& p = *impl_->pipeline;
  if (p.decoder) return p.decoder->decode(std::move(tokens));
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += ' ';
    out += tokens[i];
  }
  return out;
}

void Tokenizer::set_truncation(std::optional<TruncationOptions> options) {
  if (options) {
    // tokenizers' with_truncation check (in usize, hence the wrap-around when max_length is
    // below the number of special tokens).
    const std::size_t effective =
        options->max_length - text::added_tokens(*impl_->pipeline, /*is_pair=*/false);
    if (effective < options->stride) {
      throw std::invalid_argument(
          "tokenizer stride set to " + std::to_string(options->stride) +
          ", which is greater than or equal to its effective max length of " +
          std::to_string(effective));
    }
  }
  impl_->truncation = std::move(options);
}

void Tokenizer::set_padding(std::optional<PaddingOptions> options) {
  if (options) text::check_padding(*options);
  impl_->padding = std::move(options);
}

const std::optional<TruncationOptions>& Tokenizer::truncation() const { return impl_->truncation; }
const std::optional<PaddingOptions>& Tokenizer::padding() const { return impl_->padding; }

std::optional<std::int64_t> Tokenizer::token_to_id(std::string_view token) const {
  const text::Pipeline& p = *impl_->pipeline;
  if (auto id = p.added.token_to_id(token)) return *id;
  if (auto id = p.model->token_to_id(token)) return *id;
  return std::nullopt;
}

std::optional<std::string> Tokenizer::id_to_token(std::int64_t id) const {
  if (id < 0 || id > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  const text::Pipeline& p = *impl_->pipeline;
  const auto id32 = static_cast<std::uint32_t>(id);
  if (auto token = p.added.id_to_token(id32)) return token;
  if (auto token = p.model->id_to_token(id32)) return std::string(*token);
  return std::nullopt;
}

std::size_t Tokenizer::vocab_size(bool with_added_tokens) const {
  const text::Pipeline& p = *impl_->pipeline;
  const std::size_t base = p.model->vocab_size();
  return with_added_tokens ? base + p.added.count_not_in(*p.model) : base;
}

std::optional<std::string> Tokenizer::continuing_subword_prefix() const {
  return impl_->pipeline->continuing_subword_prefix;
}

std::size_t Tokenizer::num_special_tokens_to_add(bool is_pair) const {
  return text::added_tokens(*impl_->pipeline, is_pair);
}

}  // namespace modelexport
