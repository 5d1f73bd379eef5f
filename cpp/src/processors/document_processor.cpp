// The document processor (see document_processor.h).
#include "processors/document_processor.h"
#include "processors/text_processor.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "modelexport/package.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport::processors {
namespace {

constexpr const char* kDocumentInputs[] = {"input_ids", "bbox", "attention_mask", "token_type_ids"};

WordBox box_from_json(const nlohmann::json& json, const std::string& where) {
  if (!json.is_array() || json.size() != 4) {
    throw std::invalid_argument(where + " must be 4 integers");
  }
  WordBox box{};
  for (std::size_t i = 0; i < 4; ++i) {
    if (!json[i].is_number_integer()) throw std::invalid_argument(where + " must be 4 integers");
    box[i] = json[i].get<std::int64_t>();
  }
  return box;
}

// hf_processor_config "token_boxes"; LayoutLM's pipeline rule when the package has none.
TokenBoxes read_token_boxes(const Package& package) {
  TokenBoxes boxes;
  boxes.sep = {1000, 1000, 1000, 1000};
  const auto config = nlohmann::json::parse(package.processor_config_json(), nullptr, false);
  if (config.is_discarded() || !config.is_object() || !config.contains("token_boxes")) {
    return boxes;
  }
  const auto& section = config["token_boxes"];
  const std::string where = package.model_path() + ": hf_processor_config token_boxes";
  if (!section.is_object()) throw std::invalid_argument(where + " must be an object");
  const std::pair<const char*, WordBox*> kinds[] = {{"cls", &boxes.cls},
                                                    {"sep", &boxes.sep},
                                                    {"pad", &boxes.pad},
                                                    {"question", &boxes.question},
                                                    {"other", &boxes.other}};
  for (const auto& [name, box] : kinds) {
    if (section.contains(name)) *box = box_from_json(section[name], where + "." + name);
  }
  return boxes;
}

// LayoutLMv3's image processor OCRs the page itself when apply_ocr (its default) is on.
std::optional<OcrOptions> image_ocr(const std::string& config_json) {
  const auto config = nlohmann::json::parse(config_json, nullptr, false);
  if (!config.is_object()) return std::nullopt;
  const auto apply = config.find("apply_ocr");
  if (apply != config.end() && apply->is_boolean() && !apply->get<bool>()) return std::nullopt;
  const bool v3 = config.value("image_processor_type", "").rfind("LayoutLMv3", 0) == 0;
  if (apply == config.end() && !v3) return std::nullopt;
  OcrOptions ocr;
  if (auto lang = config.find("ocr_lang"); lang != config.end() && lang->is_string()) {
    ocr.lang = lang->get<std::string>();
  }
  if (auto flags = config.find("tesseract_config"); flags != config.end() && flags->is_string()) {
    ocr.config = flags->get<std::string>();
  }
  return ocr;
}

bool python_space(char32_t c) {
  return text::unicode::is_whitespace(c) || (c >= 0x1C && c <= 0x1F);
}

}  // namespace

std::vector<std::string> split_whitespace(const std::string& text) {
  std::vector<std::string> words;
  std::string current;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    const char32_t c = text::decode_utf8(text, pos);
    if (python_space(c)) {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current.append(text, start, pos - start);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

PageWords page_words(const Value& word_boxes) {
  if (!word_boxes.is_array()) {
    throw std::invalid_argument("word_boxes must be a list of (word, [x0, y0, x1, y1]) pairs");
  }
  PageWords page;
  for (std::size_t i = 0; i < word_boxes.size(); ++i) {
    const Value& pair = word_boxes.as_array()[i];
    const std::string at = "word_boxes[" + std::to_string(i) + "]";
    if (!pair.is_array() || pair.size() != 2 || !pair.as_array()[0].is_string()) {
      throw std::invalid_argument(at + " must be a (word, [x0, y0, x1, y1]) pair");
    }
    const Value& box = pair.as_array()[1];
    if (!box.is_array() || box.size() != 4) {
      throw std::invalid_argument(at + ": the box must be 4 integers");
    }
    WordBox coordinates{};
    for (std::size_t k = 0; k < 4; ++k) {
      const Value& c = box.as_array()[k];
      if (!c.is_int()) throw std::invalid_argument(at + ": the box must be 4 integers");
      coordinates[k] = c.as_int();
    }
    page.words.push_back(pair.as_array()[0].as_string());
    page.boxes.push_back(coordinates);
  }
  return page;
}

DocumentProcessor::DocumentProcessor(const Package& package, const runtime::ShapePolicy& policy)
    : tokenizer_(package_tokenizer(package)), boxes_(read_token_boxes(package)) {
  for (const auto& spec : policy.inputs()) {
    if (spec.name == "pixel_values") {
      image_policy_ = std::make_unique<runtime::ShapePolicy>(std::vector<TensorInfo>{spec}, 1);
      image_ = std::make_unique<ImageProcessor>(package.image_processor_config(), *image_policy_,
                                                package.model_path() + ": image_processor");
      processor_ocr_ = image_ocr(package.image_processor_config());
      continue;
    }
    const bool known = std::find(std::begin(kDocumentInputs), std::end(kDocumentInputs),
                                 spec.name) != std::end(kDocumentInputs);
    if (!known) {
      throw std::invalid_argument(package.model_path() + ": unexpected graph input '" + spec.name +
                                  "' for a document model");
    }
    input_names_.push_back(spec.name);
  }
  if (policy.input("input_ids") == nullptr || policy.input("bbox") == nullptr) {
    throw std::invalid_argument(package.model_path() +
                                ": a document model's graph takes input_ids and bbox");
  }
  fixed_length_ = policy.fixed_dim("input_ids", 1);
  padding_ = tokenizer_.padding().value_or(PaddingOptions{});
  if (auto pad = package.pad_token()) {
    padding_.pad_token = pad->first;
    padding_.pad_id = pad->second;
  }
  tokenizer_.set_padding(std::nullopt);
  tokenizer_.set_truncation(std::nullopt);
  if (auto cls = package.special_token("cls_token")) cls_id_ = tokenizer_.token_to_id(*cls);
  if (auto sep = package.special_token("sep_token")) sep_id_ = tokenizer_.token_to_id(*sep);
}

const std::string& DocumentProcessor::type() const {
  static const std::string type = kType;
  return type;
}

std::vector<Prepared> DocumentProcessor::prepare(const std::string& question,
                                                 const std::vector<std::string>& words,
                                                 const std::vector<WordBox>& boxes,
                                                 std::size_t max_seq_len,
                                                 std::size_t doc_stride) const {
  if (words.size() != boxes.size()) {
    throw std::invalid_argument(std::to_string(words.size()) + " words but " +
                                std::to_string(boxes.size()) + " boxes");
  }
  Tokenizer tokenizer = tokenizer_;
  TruncationOptions truncation;
  truncation.max_length = max_seq_len;
  truncation.strategy = TruncationStrategy::kOnlySecond;
  truncation.stride = doc_stride;
  tokenizer.set_truncation(truncation);
  Encoding encoding = tokenizer.encode_words(split_whitespace(question), words);
  std::vector<Encoding> windows;
  std::vector<Encoding> overflowing = std::move(encoding.overflowing);
  encoding.overflowing.clear();
  windows.push_back(std::move(encoding));
  for (Encoding& part : overflowing) {
    part.overflowing.clear();
    windows.push_back(std::move(part));
  }
  std::vector<Prepared> prepared;
  for (Encoding& window : windows) {
    Prepared p;
    p.token_boxes.reserve(window.size());
    for (std::size_t t = 0; t < window.size(); ++t) {
      const std::int64_t word = window.word_ids[t];
      if (word >= 0) {
        p.token_boxes.push_back(window.sequence_ids[t] == 1
                                    ? boxes.at(static_cast<std::size_t>(word))
                                    : boxes_.question);
      } else if (cls_id_ && window.ids[t] == *cls_id_) {
        p.token_boxes.push_back(boxes_.cls);
      } else if (sep_id_ && window.ids[t] == *sep_id_) {
        p.token_boxes.push_back(boxes_.sep);
      } else if (window.ids[t] == padding_.pad_id) {
        p.token_boxes.push_back(boxes_.pad);
      } else {
        p.token_boxes.push_back(boxes_.other);
      }
    }
    p.encoding = std::move(window);
    prepared.push_back(std::move(p));
  }
  return prepared;
}

PreparedImage DocumentProcessor::prepare_image(const Image& page) const {
  if (!image_) throw std::logic_error("the graph reads no page image");
  return image_->prepare(page).image;
}

Feeds DocumentProcessor::feeds(std::vector<Prepared>& rows,
                               const runtime::ShapePolicy& policy) const {
  std::size_t longest = 0;
  for (const auto& row : rows) longest = std::max(longest, row.encoding.size());
  const std::size_t length = policy.padded_length("input_ids", 1, longest);
  for (auto& row : rows) {
    // Boxes first: padding (right or left) adds the pad box where the encoding adds pad tokens.
    const std::size_t missing = length - row.encoding.size();
    if (padding_.direction == Direction::kLeft) {
      row.token_boxes.insert(row.token_boxes.begin(), missing, boxes_.pad);
    } else {
      row.token_boxes.insert(row.token_boxes.end(), missing, boxes_.pad);
    }
    row.encoding.pad(length, padding_.pad_id, padding_.pad_type_id, padding_.pad_token,
                     padding_.direction);
  }
  Feeds feeds;
  const auto batch = static_cast<std::int64_t>(rows.size());
  for (const auto& name : input_names_) {
    Int64Tensor tensor;
    if (name == "bbox") {
      tensor.shape = {batch, static_cast<std::int64_t>(length), 4};
      tensor.data.reserve(rows.size() * length * 4);
      for (const auto& row : rows) {
        for (const auto& box : row.token_boxes)
          tensor.data.insert(tensor.data.end(), box.begin(), box.end());
      }
    } else {
      tensor.shape = {batch, static_cast<std::int64_t>(length)};
      tensor.data.reserve(rows.size() * length);
      for (const auto& row : rows) {
        const auto& values = name == "input_ids"        ? row.encoding.ids
                             : name == "attention_mask" ? row.encoding.attention_mask
                                                        : row.encoding.type_ids;
        tensor.data.insert(tensor.data.end(), values.begin(), values.end());
      }
    }
    feeds.emplace_back(name, std::move(tensor));
  }
  if (image_) {
    for (auto& [name, tensor] : image_->feeds(rows, *image_policy_)) {
      if (name == "pixel_values") feeds.emplace_back(name, std::move(tensor));
    }
  }
  return feeds;
}

}  // namespace modelexport::processors
