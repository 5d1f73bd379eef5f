// modelexport-run: runs a package's pipeline on texts, with no Python. The task, tokenizer and
// input shapes come from the package. One JSON result per input on stdout.
// Exit codes: 0 ok, 1 error, 2 bad usage.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/package.h"
#include "modelexport/pipeline.h"

namespace {

constexpr const char* kUsage =
    "usage: modelexport-run PACKAGE [TEXT...] [options]\n"
    "  PACKAGE              package directory or its model.onnx\n"
    "  TEXT                 input texts (or use --input-file)\n"
    "  --input-file FILE    JSON lines: a string, {\"text\": ..., \"text_pair\": ...} or, for\n"
    "                       question-answering, {\"question\": ..., \"context\": ...}\n"
    "  --task TASK          override the package's task\n"
    "  --top-k N|all        text-classification: labels per input (default 1);\n"
    "                       fill-mask: candidates per mask (default 5);\n"
    "                       question-answering: answers per input (default 1)\n"
    "  --targets A,B,...    fill-mask: only these candidate tokens\n"
    "  --function F         text-classification: softmax, sigmoid or none (default: by config)\n"
    "  --sentence-embedding feature-extraction: pooled sentence embeddings\n"
    "  --aggregation-strategy S  token-classification: none (default), simple, first,\n"
    "                       average or max\n"
    "  --ignore-labels A,B  token-classification: labels to leave out (default O)\n"
    "  --question Q         question-answering: the question for each TEXT (a context)\n"
    "  --doc-stride N       question-answering: overlap of context windows (tokens)\n"
    "  --max-answer-len N   question-answering: longest answer in tokens (default 15)\n"
    "  --max-seq-len N      question-answering: window length (default: the graph's)\n"
    "  --handle-impossible-answer  question-answering: allow the empty answer\n"
    "  --threads N          ONNX Runtime intra-op threads\n";

struct Arguments {
  std::string package;
  std::vector<modelexport::TextInput> inputs;
  modelexport::PipelineOptions options;
  std::optional<std::size_t> top_k;  // unset: the task's default; SIZE_MAX: all
  std::vector<std::string> targets;
  modelexport::ClassificationFunction function = modelexport::ClassificationFunction::kDefault;
  bool sentence_embedding = false;
  modelexport::AggregationStrategy aggregation = modelexport::AggregationStrategy::kNone;
  std::optional<std::vector<std::string>> ignore_labels;
  std::optional<std::string> question;
  modelexport::QuestionAnsweringOptions qa;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void read_input_file(const std::string& path, std::vector<modelexport::TextInput>& inputs) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
    if (value.is_string()) {
      inputs.push_back({value.get<std::string>(), std::nullopt});
    } else if (value.is_object() && value.contains("question") && value.contains("context") &&
               value["question"].is_string() && value["context"].is_string()) {
      inputs.push_back({value["question"].get<std::string>(), value["context"].get<std::string>()});
    } else if (value.is_object() && value.contains("text") && value["text"].is_string()) {
      std::optional<std::string> pair;
      if (value.contains("text_pair")) pair = value["text_pair"].get<std::string>();
      inputs.push_back({value["text"].get<std::string>(), pair});
    } else {
      throw std::invalid_argument(path + ":" + std::to_string(number) +
                                  ": expected a JSON string, {\"text\", \"text_pair\"} or "
                                  "{\"question\", \"context\"}");
    }
  }
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> items;
  for (std::size_t start = 0; start <= list.size();) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) items.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

Arguments parse(int argc, char** argv) {
  Arguments args;
  auto value = [&](int& i) -> std::string {
    if (i + 1 >= argc) throw UsageError(std::string(argv[i]) + " needs a value");
    return argv[++i];
  };
  auto count = [&](int& i) -> std::size_t {
    const std::string option = argv[i];
    const std::string text = value(i);
    try {
      std::size_t used = 0;
      const unsigned long n = std::stoul(text, &used);
      if (used == text.size() && text[0] != '-') return static_cast<std::size_t>(n);
    } catch (const std::exception&) {
    }
    throw UsageError(option + " expects a non-negative number, got " + text);
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--input-file") {
      read_input_file(value(i), args.inputs);
    } else if (arg == "--task") {
      args.options.task = value(i);
    } else if (arg == "--top-k") {
      std::string k = value(i);
      if (k == "all") {
        args.top_k = std::numeric_limits<std::size_t>::max();
      } else {
        try {
          args.top_k = static_cast<std::size_t>(std::stoul(k));
        } catch (const std::exception&) {
          throw UsageError("--top-k expects a number or 'all', got " + k);
        }
      }
    } else if (arg == "--function") {
      std::string f = value(i);
      if (f == "softmax") {
        args.function = modelexport::ClassificationFunction::kSoftmax;
      } else if (f == "sigmoid") {
        args.function = modelexport::ClassificationFunction::kSigmoid;
      } else if (f == "none") {
        args.function = modelexport::ClassificationFunction::kNone;
      } else {
        throw UsageError("--function expects softmax, sigmoid or none, got " + f);
      }
    } else if (arg == "--targets") {
      args.targets = split_list(value(i));
    } else if (arg == "--aggregation-strategy") {
      try {
        args.aggregation = modelexport::parse_aggregation_strategy(value(i));
      } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
      }
    } else if (arg == "--ignore-labels") {
      args.ignore_labels = split_list(value(i));
    } else if (arg == "--question") {
      args.question = value(i);
    } else if (arg == "--doc-stride") {
      args.qa.doc_stride = count(i);
    } else if (arg == "--max-answer-len") {
      args.qa.max_answer_len = count(i);
    } else if (arg == "--max-seq-len") {
      args.qa.max_seq_len = count(i);
    } else if (arg == "--handle-impossible-answer") {
      args.qa.handle_impossible_answer = true;
    } else if (arg == "--sentence-embedding") {
      args.sentence_embedding = true;
    } else if (arg == "--threads") {
      args.options.session.intra_op_threads = std::stoi(value(i));
    } else if (arg.rfind("--", 0) == 0) {
      throw UsageError("unknown option " + arg);
    } else if (args.package.empty()) {
      args.package = arg;
    } else {
      args.inputs.push_back({arg, std::nullopt});
    }
  }
  if (args.package.empty()) throw UsageError("missing PACKAGE");
  if (args.inputs.empty()) throw UsageError("no input texts");
  return args;
}

void print_embedding(const std::vector<float>& values) {
  nlohmann::json out = values;
  std::cout << out.dump() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::cout << kUsage;
      return 0;
    }
  }
  Arguments args;
  try {
    args = parse(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "modelexport-run: " << e.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  try {
    std::string task = args.options.task.empty() ? modelexport::Package::open(args.package).task()
                                                 : args.options.task;
    if (task == "text-classification") {
      modelexport::TextClassificationPipeline pipeline(args.package, args.options);
      std::optional<std::size_t> top_k = args.top_k.value_or(1);
      if (top_k == std::numeric_limits<std::size_t>::max()) top_k.reset();
      for (const auto& labels : pipeline(args.inputs, top_k, args.function)) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& l : labels) out.push_back({{"label", l.label}, {"score", l.score}});
        std::cout << out.dump() << "\n";
      }
    } else if (task == "feature-extraction") {
      modelexport::FeatureExtractionPipeline pipeline(args.package, args.options);
      if (args.sentence_embedding) {
        for (const auto& embedding : pipeline.sentence_embeddings(args.inputs))
          print_embedding(embedding);
      } else {
        for (const auto& tokens : pipeline(args.inputs))
          std::cout << nlohmann::json(tokens).dump() << "\n";
      }
    } else if (task == "fill-mask") {
      modelexport::FillMaskPipeline pipeline(args.package, args.options);
      for (const auto& masks : pipeline(args.inputs, args.top_k.value_or(5), args.targets)) {
        nlohmann::json per_mask = nlohmann::json::array();
        for (const auto& candidates : masks) {
          nlohmann::json list = nlohmann::json::array();
          for (const auto& c : candidates) {
            list.push_back({{"score", c.score},
                            {"token", c.token},
                            {"token_str", c.token_str},
                            {"sequence", c.sequence}});
          }
          per_mask.push_back(std::move(list));
        }
        // One mask: its candidate list, as transformers returns it; several: one list each.
        std::cout << (per_mask.size() == 1 ? per_mask[0] : per_mask).dump() << "\n";
      }
    } else if (task == "token-classification") {
      modelexport::TokenClassificationPipeline pipeline(args.package, args.options);
      std::vector<std::string> texts;
      for (const auto& input : args.inputs) texts.push_back(input.text);
      const bool grouped = args.aggregation != modelexport::AggregationStrategy::kNone;
      for (const auto& entities :
           pipeline(texts, args.aggregation,
                    args.ignore_labels.value_or(std::vector<std::string>{"O"}))) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& e : entities) {
          nlohmann::json item;
          item[grouped ? "entity_group" : "entity"] = e.entity;
          item["score"] = e.score;
          if (e.index) item["index"] = *e.index;
          item["word"] = e.word;
          item["start"] = e.start;
          item["end"] = e.end;
          list.push_back(std::move(item));
        }
        std::cout << list.dump() << "\n";
      }
    } else if (task == "question-answering") {
      modelexport::QuestionAnsweringPipeline pipeline(args.package, args.options);
      std::vector<modelexport::QuestionAnsweringInput> inputs;
      for (const auto& input : args.inputs) {
        if (args.question) {
          inputs.push_back({*args.question, input.text});
        } else if (input.pair) {
          inputs.push_back({input.text, *input.pair});
        } else {
          throw std::invalid_argument(
              "question-answering needs --question Q with contexts, or --input-file lines "
              "{\"question\": ..., \"context\": ...}");
        }
      }
      args.qa.top_k = args.top_k.value_or(1);
      for (const auto& answers : pipeline(inputs, args.qa)) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& a : answers) {
          list.push_back(
              {{"score", a.score}, {"start", a.start}, {"end", a.end}, {"answer", a.answer}});
        }
        // One answer: the object, as transformers returns it; several: the list.
        std::cout << (list.size() == 1 ? list[0] : list).dump() << "\n";
      }
    } else {
      throw std::invalid_argument("task '" + task +
                                  "' is not in the native runtime yet (supported: "
                                  "text-classification, token-classification, "
                                  "question-answering, feature-extraction, fill-mask)");
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
