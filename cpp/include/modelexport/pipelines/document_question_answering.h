// document-question-answering, typed: answers to a question about a page, as spans of its
// words, as transformers' DocumentQuestionAnsweringPipeline returns them for LayoutLM models.
// The words and their boxes are given, or read from the page image by Tesseract (modelexport/
// ocr.h) the way the transformers pipeline reads them through pytesseract.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/image.h"
#include "modelexport/pipeline.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

struct DocumentQuestionAnsweringInput {
  std::string question;
  // The page: needed when `words` are not given (it is then OCR'd).
  std::optional<Image> image;
  // The page's words and their boxes (x0, y0, x1, y1, each 0..1000 of the page), in reading
  // order; given, they replace OCR.
  std::optional<std::vector<std::string>> words;
  std::vector<std::array<std::int64_t, 4>> boxes;
};

// One answer: the words from `start` to `end` (word indices, inclusive) joined by spaces.
struct DocumentAnswer {
  double score = 0;
  std::string answer;
  std::size_t start = 0;
  std::size_t end = 0;
};

struct DocumentQuestionAnsweringOptions {
  std::size_t top_k = 1;
  // Tokens shared by consecutive windows over a long page; default min(max_seq_len / 2, 256).
  std::optional<std::size_t> doc_stride;
  std::size_t max_answer_len = 15;  // in tokens
  // Window length; default the graph's fixed length, else the model's maximum length.
  std::optional<std::size_t> max_seq_len;
  bool handle_impossible_answer = false;
  std::string lang;              // Tesseract's language; empty: eng
  std::string tesseract_config;  // extra Tesseract flags (OcrOptions::config)
};

class DocumentQuestionAnsweringPipeline {
 public:
  explicit DocumentQuestionAnsweringPipeline(std::shared_ptr<const Package> package,
                                             const PipelineOptions& options = {});
  // Per input: up to top_k answers, best first, over every window of the page; none when the
  // page has no words (as transformers). Throws std::invalid_argument for options transformers
  // rejects (top_k or max_answer_len 0), words and boxes that do not pair up, boxes outside the
  // model's 2-D positions, an input with neither words nor image.
  std::vector<std::vector<DocumentAnswer>> operator()(
      const std::vector<DocumentQuestionAnsweringInput>& inputs,
      const DocumentQuestionAnsweringOptions& options = {}) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
  std::int64_t max_2d_position_ = 1024;
};

}  // namespace modelexport
