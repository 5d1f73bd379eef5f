// document-question-answering: a question about a page, the page's words and boxes given or read
// by Tesseract, tokenized into windows by the document processor, start/end logits turned into
// word spans by the extractive-QA rules question-answering uses (pipelines/answer_spans.h), as
// transformers' DocumentQuestionAnsweringPipeline does for LayoutLM models.
#include "modelexport/pipelines/document_question_answering.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "modelexport/ocr.h"
#include "modelexport/package.h"
#include "pipelines/answer_spans.h"
#include "pipelines/image_inputs.h"
#include "pipelines/model_runner.h"
#include "pipelines/task_support.h"
#include "processors/document_processor.h"

namespace modelexport {
namespace {

constexpr const char* kTaskName = "document-question-answering";
constexpr std::size_t kDefaultMaxSeqLen = 512;

// transformers' load_image converts every page to RGB before OCR and the processors.
Image to_rgb(Image image) {
  if (image.channels == 3) return image;
  Image rgb;
  rgb.width = image.width;
  rgb.height = image.height;
  rgb.channels = 3;
  rgb.pixels.reserve(image.pixels.size() * 3);
  for (std::uint8_t v : image.pixels) rgb.pixels.insert(rgb.pixels.end(), {v, v, v});
  return rgb;
}

// The model's 2-D position table size (LayoutLM embeds each coordinate and the box's width and
// height in it).
std::int64_t max_2d_positions(const Package& package) {
  const auto config = nlohmann::json::parse(package.model_config_json(), nullptr, false);
  if (config.is_object()) {
    const auto it = config.find("max_2d_position_embeddings");
    if (it != config.end() && it->is_number_integer()) return it->get<std::int64_t>();
  }
  return 1024;
}

// The logits of the `tokens` text positions of one window's output.
FloatTensor token_logits(const FloatTensor& output, const std::string& name, std::size_t tokens,
                         bool with_page) {
  if (!with_page) {
    pipelines::check_output(output, name, {tokens});
    return output;
  }
  pipelines::check_output(output, name, {std::nullopt});
  if (output.data.size() < tokens) {
    throw std::runtime_error(name + " has " + std::to_string(output.data.size()) +
                             " positions for " + std::to_string(tokens) + " tokens");
  }
  FloatTensor text;
  text.shape = {static_cast<std::int64_t>(tokens)};
  text.data.assign(output.data.begin(), output.data.begin() + static_cast<std::ptrdiff_t>(tokens));
  return text;
}

}  // namespace

DocumentQuestionAnsweringPipeline::DocumentQuestionAnsweringPipeline(
    std::shared_ptr<const Package> package, const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {
  runner_->processor_for<processors::DocumentProcessor>(kTaskName);
  max_2d_position_ = max_2d_positions(runner_->package());
}

std::vector<std::vector<DocumentAnswer>> DocumentQuestionAnsweringPipeline::operator()(
    const std::vector<DocumentQuestionAnsweringInput>& inputs,
    const DocumentQuestionAnsweringOptions& options) const {
  if (options.top_k == 0) throw std::invalid_argument("top_k must be at least 1");
  if (options.max_answer_len == 0) {
    throw std::invalid_argument("max_answer_len must be at least 1");
  }
  const auto& processor = runner_->processor_for<processors::DocumentProcessor>(kTaskName);
  // transformers' default is the tokenizer's model_max_length, uncapped.
  const std::size_t max_seq_len = pipelines::window_length(
      options.max_seq_len, processor.fixed_length(), runner_->package().max_length(),
      std::numeric_limits<std::size_t>::max(), kDefaultMaxSeqLen);
  const std::size_t doc_stride =
      options.doc_stride.value_or(std::min<std::size_t>(max_seq_len / 2, 256));

  // The words of every page (OCR'd when not given), then every window of every input.
  std::vector<std::vector<std::string>> pages(inputs.size());
  std::vector<processors::Prepared> windows;
  std::vector<std::size_t> window_owner;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    const std::string where = "input " + std::to_string(i + 1);
    std::vector<processors::WordBox> boxes;
    std::optional<Image> page;
    if (in.image) page = to_rgb(*in.image);
    processors::PreparedImage pixels;
    if (processor.reads_image()) {
      if (!page) throw std::invalid_argument(where + ": this model reads the page: give its image");
      try {
        pixels = processor.prepare_image(*page);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where + ": " + e.what());
      }
    }
    if (in.words) {
      pages[i] = *in.words;
      boxes = in.boxes;
    } else if (page) {
      // An image processor that reads the words itself (LayoutLMv3) does so with its settings.
      const OcrOptions ocr_options =
          processor.processor_ocr().value_or(OcrOptions{options.lang, options.tesseract_config});
      OcrWords ocr = recognize_words(*page, ocr_options);
      pages[i] = std::move(ocr.words);
      for (const auto& box : ocr.boxes) {
        boxes.push_back(normalize_box(box, page->width, page->height));
      }
    } else {
      throw std::invalid_argument(where + ": give an image or word_boxes");
    }
    if (pages[i].empty()) {
      // transformers answers [] (or the null answer) here; a page without text is almost always
      // the wrong file, a blank scan or an OCR language that does not fit, so it is an error.
      throw PipelineError(where +
                          (in.words ? ": word_boxes is empty"
                                    : ": OCR found no words on the page (a blank or "
                                      "non-text image? another lang?)") +
                          "; there is nothing to answer from");
    }
    if (pages[i].size() != boxes.size()) {
      throw std::invalid_argument(where + ": " + std::to_string(pages[i].size()) + " words but " +
                                  std::to_string(boxes.size()) + " boxes");
    }
    for (std::size_t w = 0; w < boxes.size(); ++w) {
      const auto& b = boxes[w];
      const bool inside = std::all_of(
          b.begin(), b.end(), [&](std::int64_t v) { return v >= 0 && v < max_2d_position_; });
      if (!inside || b[2] < b[0] || b[3] < b[1]) {
        throw std::invalid_argument(where + ": word_boxes[" + std::to_string(w) + "] [" +
                                    std::to_string(b[0]) + ", " + std::to_string(b[1]) + ", " +
                                    std::to_string(b[2]) + ", " + std::to_string(b[3]) +
                                    "] must have 0 <= x0 <= x1 and 0 <= y0 <= y1, all below " +
                                    std::to_string(max_2d_position_));
      }
    }
    try {
      for (auto& window :
           processor.prepare(in.question, pages[i], boxes, max_seq_len, doc_stride)) {
        if (processor.reads_image()) window.image = pixels;
        windows.push_back(std::move(window));
        window_owner.push_back(i);
      }
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
  }
  const std::vector<pipelines::ModelRunner::Row> rows =
      runner_->run(std::move(windows), {"start_logits", "end_logits"});

  std::vector<std::vector<DocumentAnswer>> results(inputs.size());
  std::vector<double> min_null_score(inputs.size(), 1000000.0);
  for (std::size_t w = 0; w < rows.size(); ++w) {
    const std::size_t owner = window_owner[w];
    const Encoding& e = rows[w].input.encoding;
    // A model that reads the page (LayoutLMv3) has logits for its patches after the tokens.
    const FloatTensor start =
        token_logits(rows[w].outputs[0], "start_logits", e.size(), processor.reads_image());
    const FloatTensor end =
        token_logits(rows[w].outputs[1], "end_logits", e.size(), processor.reads_image());
    const std::vector<bool> allowed = pipelines::answer_positions(e, true, processor.cls_id());
    const std::vector<std::string>& words = pages[owner];
    for (const TokenSpan& span :
         pipelines::select_spans(start, end, allowed, options.top_k, options.max_answer_len,
                                 options.handle_impossible_answer, min_null_score[owner])) {
      const std::int64_t first = e.word_ids[span.start];
      const std::int64_t last = e.word_ids[span.end];
      if (first < 0 || last < 0) continue;  // a special token: no word to answer with
      DocumentAnswer answer;
      answer.score = span.score;
      answer.start = static_cast<std::size_t>(first);
      answer.end = static_cast<std::size_t>(last);
      for (std::size_t k = answer.start; k <= answer.end && k < words.size(); ++k) {
        if (k > answer.start) answer.answer += ' ';
        answer.answer += words[k];
      }
      results[owner].push_back(std::move(answer));
    }
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& answers = results[i];
    if (options.handle_impossible_answer) answers.push_back({min_null_score[i], "", 0, 0});
    std::stable_sort(
        answers.begin(), answers.end(),
        [](const DocumentAnswer& a, const DocumentAnswer& b) { return a.score > b.score; });
    if (answers.size() > options.top_k) answers.resize(options.top_k);
  }
  return results;
}

namespace {

class DocumentQuestionAnsweringTask final : public Pipeline {
 public:
  static constexpr const char* kTask = kTaskName;

  DocumentQuestionAnsweringTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                                const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options), decode_(options.image_decode) {}

 protected:
  // transformers' ways to call: dqa(image=..., question=..., word_boxes=...), dqa({"image",
  // "question", "word_boxes"}) or a list of such objects; images as inputs with question= (the
  // command line's form) ask each image that question.
  std::vector<Value> gather_inputs(const Value& inputs, const Value& options,
                                   bool& single) const override {
    const Value* image = options.find("image");
    const Value* question = options.find("question");
    const Value* word_boxes = options.find("word_boxes");
    if (question != nullptr && !question->is_string()) {
      throw PipelineError("question must be one string");
    }
    if (inputs.is_null()) {
      if (question == nullptr || (image == nullptr && word_boxes == nullptr)) {
        throw PipelineError(std::string(kTaskName) +
                            " needs question= and image= (or word_boxes=)");
      }
      Value input = Value::object({{"question", *question}});
      if (image != nullptr) input.set("image", *image);
      if (word_boxes != nullptr) input.set("word_boxes", *word_boxes);
      single = true;
      return {input};
    }
    if (image != nullptr) throw PipelineError("give images as inputs or as image=, not both");
    std::vector<Value> items = Pipeline::gather_inputs(inputs, options, single);
    for (Value& item : items) {
      if (item.is_object()) continue;
      if (question == nullptr) {
        throw PipelineError(std::string(kTaskName) +
                            " inputs must be {\"image\": ..., \"question\": ...} objects (or "
                            "images with --question / question=)");
      }
      Value input = Value::object({{"image", item}, {"question", *question}});
      if (word_boxes != nullptr) input.set("word_boxes", *word_boxes);
      item = std::move(input);
    }
    return items;
  }

  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    std::vector<DocumentQuestionAnsweringInput> documents;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const Value& input = inputs[i];
      const std::string where = "input " + std::to_string(i + 1);
      const Value* question = input.find("question");
      if (question == nullptr || !question->is_string()) {
        throw PipelineError(where + ": needs a question (a string)");
      }
      DocumentQuestionAnsweringInput document;
      document.question = question->as_string();
      if (const Value* boxes = input.find("word_boxes"); boxes != nullptr && !boxes->is_null()) {
        try {
          processors::PageWords page = processors::page_words(*boxes);
          document.words = std::move(page.words);
          document.boxes = std::move(page.boxes);
        } catch (const std::invalid_argument& e) {
          throw PipelineError(where + ": " + e.what());
        }
      }
      if (const Value* image = input.find("image"); image != nullptr && !image->is_null()) {
        // Decoded even with word_boxes, as transformers loads it (a bad image is an error).
        try {
          document.image = pipelines::image_inputs({*image}, decode_).front();
        } catch (const PipelineError& e) {
          std::string message = e.what();
          if (message.rfind("input 1", 0) == 0) message = where + message.substr(7);
          throw PipelineError(message);
        }
      }
      if (!document.words && !document.image) {
        throw PipelineError(where + ": give an image or word_boxes");
      }
      documents.push_back(std::move(document));
    }
    DocumentQuestionAnsweringOptions dqa;
    dqa.top_k = static_cast<std::size_t>(options.find("top_k")->as_int());
    dqa.doc_stride = pipelines::optional_count(options, "doc_stride");
    dqa.max_answer_len = static_cast<std::size_t>(options.find("max_answer_len")->as_int());
    dqa.max_seq_len = pipelines::optional_count(options, "max_seq_len");
    dqa.handle_impossible_answer = options.find("handle_impossible_answer")->as_bool();
    if (const Value* lang = options.find("lang")) dqa.lang = lang->as_string();
    if (const Value* config = options.find("tesseract_config")) {
      dqa.tesseract_config = config->as_string();
    }
    std::vector<Value> results;
    for (const auto& answers : typed_(documents, dqa)) {
      Value list = Value::array();
      for (const auto& a : answers) {
        list.push_back(Value::object(
            {{"score", a.score}, {"answer", a.answer}, {"start", a.start}, {"end", a.end}}));
      }
      results.push_back(std::move(list));
    }
    return results;
  }

 private:
  DocumentQuestionAnsweringPipeline typed_;
  ImageDecodeOptions decode_;
};

}  // namespace

TaskInfo document_question_answering_task() {
  TaskInfo task = pipelines::text_task(
      kTaskName, "AutoModelForDocumentQuestionAnswering", "", {"start_logits", "end_logits"},
      // transformers' document-QA models: their QA heads read word boxes (and LayoutLMv2/v3
      // the page image), so these architectures mean this task, not question-answering.
      {"LayoutLMForQuestionAnswering", "LayoutLMv2ForQuestionAnswering",
       "LayoutLMv3ForQuestionAnswering"},
      "an image path with --question, or {\"image\": path, \"question\": ..., \"word_boxes\": "
      "[[word, [x0, y0, x1, y1]], ...]}");
  task.modality = "document";
  task.processor = processors::DocumentProcessor::kType;
  task.options = {
      {"top_k", OptionKind::kCount, Value(1), {}, "answers per input (default 1)"},
      {"question", OptionKind::kTextOrTexts, Value(), {}, "the question for each image"},
      {"image", OptionKind::kValue, Value(), {}, "the page (Python: with question=)"},
      {"word_boxes",
       OptionKind::kValue,
       Value(),
       {},
       "the page's words and 0..1000 boxes, instead of OCR (Python; JSON lines on the command "
       "line)"},
      {"doc_stride",
       OptionKind::kCount,
       Value(),
       {},
       "tokens shared by the windows over a long page (default min(max_seq_len / 2, 256))"},
      {"max_answer_len",
       OptionKind::kCount,
       Value(15),
       {},
       "longest answer in tokens (default 15)"},
      {"max_seq_len",
       OptionKind::kCount,
       Value(),
       {},
       "window length (default: the graph's fixed length, else the model's maximum)"},
      {"handle_impossible_answer", OptionKind::kFlag, Value(false), {}, "allow the empty answer"},
      {"lang", OptionKind::kText, Value(), {}, "Tesseract's OCR language (default eng)"},
      {"tesseract_config",
       OptionKind::kText,
       Value(),
       {},
       "extra Tesseract flags: --psm N, --oem N, --dpi N, -c NAME=VALUE"},
  };
  task.create = pipelines::create_task_pipeline<DocumentQuestionAnsweringTask>;
  return task;
}

}  // namespace modelexport
