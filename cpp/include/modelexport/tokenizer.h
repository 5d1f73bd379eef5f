// Tokenizer: loads a Hugging Face `tokenizer.json` and encodes/decodes exactly like the
// `tokenizers` library (same ids, tokens, offsets, masks), with no Python. The pipeline has the
// same five stages: normalizer -> pre-tokenizer -> model -> post-processor -> decoder, plus the
// added-tokens vocabulary (special tokens are matched in the raw text before normalization).
//
// Supported components: normalizers BertNormalizer, Lowercase, NFC, NFD, NFKC, NFKD,
// StripAccents, Strip, Replace, Prepend, Precompiled, Nmt, Sequence; pre-tokenizers
// BertPreTokenizer, Whitespace, WhitespaceSplit, Punctuation, Digits, Metaspace, ByteLevel, Split,
// CharDelimiterSplit, UnicodeScripts, FixedLength, Sequence; models WordPiece, BPE, Unigram,
// WordLevel; post-processors TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel,
// Sequence; decoders ByteLevel, WordPiece, Metaspace, BPEDecoder, ByteFallback, Fuse, Strip,
// Replace, CTC, Sequence.
// Any other component "type" is rejected when loading, naming its JSON path.
//
// Text is UTF-8. Invalid UTF-8 in the input is replaced by U+FFFD (one per maximal ill-formed
// subsequence, like Python's bytes.decode("utf-8", "replace")) before encoding; offsets then
// index that repaired text. Offsets are character (Unicode code point) indices, as Python
// `tokenizers` returns them, so they index a Python `str` of the same text.
//
// Thread safety: const methods may be called concurrently; the setters may not run concurrently
// with anything else on the same object. Copies are cheap (the loaded pipeline is shared).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "modelexport/encoding.h"

namespace modelexport {

enum class TruncationStrategy { kLongestFirst, kOnlyFirst, kOnlySecond };

struct TruncationOptions {
  std::size_t max_length = 512;  // including the special tokens the post-processor adds
  TruncationStrategy strategy = TruncationStrategy::kLongestFirst;
  std::size_t stride = 0;  // tokens repeated between consecutive overflowing parts
  Direction direction = Direction::kRight;
};

struct PaddingOptions {
  std::optional<std::size_t> length;  // fixed length; nullopt pads to the longest in the batch
  Direction direction = Direction::kRight;
  std::optional<std::size_t> pad_to_multiple_of;
  std::int64_t pad_id = 0;
  std::int64_t pad_type_id = 0;
  std::string pad_token = "[PAD]";
};

// "longest_first" | "only_first" | "only_second"; throws std::invalid_argument otherwise.
TruncationStrategy parse_truncation_strategy(std::string_view name);

class Tokenizer {
 public:
  // Throws std::runtime_error when the file cannot be read, std::invalid_argument (naming the
  // file and the JSON path) when its content is not a supported tokenizer.
  static Tokenizer from_file(const std::string& path);
  // `origin` names the document in error messages.
  static Tokenizer from_json_string(std::string_view json,
                                    const std::string& origin = "tokenizer.json");

  Tokenizer(const Tokenizer& other);
  Tokenizer& operator=(const Tokenizer& other);
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // Encodes one sequence or a pair, then truncates, adds special tokens and pads as configured.
  // Throws std::invalid_argument when truncation cannot be satisfied (as tokenizers does).
  Encoding encode(std::string_view text, std::optional<std::string_view> pair = std::nullopt,
                  bool add_special_tokens = true) const;
  // Encodes words that are already split (transformers' is_split_into_words, tokenizers'
  // is_pretokenized), one sequence or a pair: each word normalized, pre-tokenized and tokenized
  // on its own, its tokens given its index as word id and offsets within the word.
  Encoding encode_words(const std::vector<std::string>& words,
                        const std::optional<std::vector<std::string>>& pair = std::nullopt,
                        bool add_special_tokens = true) const;
  // Like encode() for each input; padding to the longest applies across the batch.
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts,
                                     bool add_special_tokens = true) const;
  std::vector<Encoding> encode_batch(const std::vector<std::pair<std::string, std::string>>& pairs,
                                     bool add_special_tokens = true) const;

  // Ids that are unknown (or negative) are skipped, as tokenizers does.
  std::string decode(const std::vector<std::int64_t>& ids, bool skip_special_tokens = true) const;
  // Token strings through the decoder (space-joined without one), as transformers'
  // convert_tokens_to_string does with a fast tokenizer.
  std::string decode_tokens(std::vector<std::string> tokens) const;
  // The model's continuing_subword_prefix ("##" for WordPiece) when it has a non-empty one;
  // transformers takes such tokenizers as word-aware.
  std::optional<std::string> continuing_subword_prefix() const;

  // Truncation and padding start as tokenizer.json's "truncation" and "padding" sections say.
  // set_truncation throws std::invalid_argument when stride does not fit in max_length.
  void set_truncation(std::optional<TruncationOptions> options);
  void set_padding(std::optional<PaddingOptions> options);
  const std::optional<TruncationOptions>& truncation() const;
  const std::optional<PaddingOptions>& padding() const;

  std::optional<std::int64_t> token_to_id(std::string_view token) const;
  std::optional<std::string> id_to_token(std::int64_t id) const;
  std::size_t vocab_size(bool with_added_tokens = true) const;
  // Special tokens the post-processor adds to a single sequence or a pair.
  std::size_t num_special_tokens_to_add(bool is_pair) const;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace modelexport
