// The document processor (LayoutLM): a question and a page's words with their 0..1000 boxes,
// tokenized as transformers' document-question-answering pipeline does (the question split on
// whitespace and the words given as pre-split words, truncated only_second with a stride into
// windows), each token given its word's box and the other tokens the boxes the package records
// (hf_processor_config "token_boxes": LayoutLM's pipeline rule or LayoutLMv3's tokenizer
// boxes); fed as input_ids, bbox, attention_mask and token_type_ids, and for the models that
// read the page (LayoutLMv3) the page as pixel_values by the package's image processor.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/image.h"
#include "modelexport/ocr.h"
#include "modelexport/tokenizer.h"
#include "modelexport/value.h"
#include "processors/image_processor.h"
#include "processors/processor.h"
#include "runtime/shape_policy.h"

namespace modelexport::processors {

using WordBox = std::array<std::int64_t, 4>;

// The box of each kind of token that is not a page word.
struct TokenBoxes {
  WordBox cls{};
  WordBox sep{};
  WordBox pad{};
  WordBox question{};
  WordBox other{};
};

class DocumentProcessor final : public Processor {
 public:
  static constexpr const char* kType = "document";

  DocumentProcessor(const Package& package, const runtime::ShapePolicy& policy);

  const std::string& type() const override;
  Feeds feeds(std::vector<Prepared>& rows, const runtime::ShapePolicy& policy) const override;

  // The windows of one (question, page) pair, each with its tokens' boxes: at most max_seq_len
  // tokens, consecutive windows sharing doc_stride page tokens. Throws std::invalid_argument
  // when the words and boxes differ in number, or (as tokenizers does) when the question leaves
  // no room for the page.
  std::vector<Prepared> prepare(const std::string& question, const std::vector<std::string>& words,
                                const std::vector<WordBox>& boxes, std::size_t max_seq_len,
                                std::size_t doc_stride) const;

  // Whether the graph reads the page image (pixel_values).
  bool reads_image() const { return image_ != nullptr; }
  // The page prepared for pixel_values (reads_image() only); std::invalid_argument when the
  // graph fixes a size the page does not fit.
  PreparedImage prepare_image(const Image& page) const;
  // The OCR settings of the image processor when it reads the words itself (LayoutLMv3's
  // apply_ocr, with its ocr_lang and tesseract_config: transformers then ignores the
  // pipeline's lang and tesseract_config); nullopt when the pipeline's OCR applies.
  const std::optional<OcrOptions>& processor_ocr() const { return processor_ocr_; }

  const Tokenizer& tokenizer() const { return tokenizer_; }
  // The sequence length the graph fixes, if any.
  std::optional<std::size_t> fixed_length() const { return fixed_length_; }
  // The [CLS] token's id, when the tokenizer has one.
  std::optional<std::int64_t> cls_id() const { return cls_id_; }
  const TokenBoxes& token_boxes() const { return boxes_; }

 private:
  Tokenizer tokenizer_;
  PaddingOptions padding_;
  TokenBoxes boxes_;
  std::optional<std::int64_t> cls_id_;
  std::optional<std::int64_t> sep_id_;
  std::optional<std::size_t> fixed_length_;
  std::vector<std::string> input_names_;
  // The page's processor when the graph has pixel_values, fitted to that input alone.
  std::unique_ptr<runtime::ShapePolicy> image_policy_;
  std::unique_ptr<ImageProcessor> image_;
  std::optional<OcrOptions> processor_ocr_;
};

// A page's words and their boxes.
struct PageWords {
  std::vector<std::string> words;
  std::vector<WordBox> boxes;
};

// word_boxes as transformers' pipeline takes them, [(word, [x0, y0, x1, y1]), ...] (lists or
// tuples; integer coordinates). Throws std::invalid_argument naming the bad element
// ("word_boxes[3]: ...") for anything else.
PageWords page_words(const Value& word_boxes);

// Python's str.split(): the words of `text` between runs of whitespace.
std::vector<std::string> split_whitespace(const std::string& text);

}  // namespace modelexport::processors
