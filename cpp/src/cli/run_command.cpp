// The run command (see run_command.h): options, input reading, dispatch by task, JSON output.
#include "cli/run_command.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <limits>
#include <map>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "cli/input_lines.h"
#include "cli/result_json.h"
#include "cli/usage_error.h"
#include "modelexport/limits.h"
#include "modelexport/package.h"
#include "modelexport/pipeline.h"

namespace modelexport::cli {
namespace {

constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

struct RunArguments {
  std::string package;
  std::vector<std::string> texts;
  std::string input_file;
  std::string task;
  std::optional<std::size_t> top_k;  // kAll: every candidate
  std::vector<std::string> targets;
  std::string function = "default";
  bool sentence_embedding = false;
  std::string aggregation = "none";
  std::optional<std::vector<std::string>> ignore_labels;
  std::optional<std::string> question;
  std::optional<std::size_t> doc_stride;
  std::optional<std::size_t> max_answer_len;  // unset: 15
  std::optional<std::size_t> max_seq_len;
  bool handle_impossible_answer = false;
  int threads = 0;
};

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> items;
  for (std::size_t start = 0; start <= list.size();) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) items.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

ClassificationFunction parse_function(const std::string& name) {
  if (name == "softmax") return ClassificationFunction::kSoftmax;
  if (name == "sigmoid") return ClassificationFunction::kSigmoid;
  if (name == "none") return ClassificationFunction::kNone;
  return ClassificationFunction::kDefault;
}

// One JSON document per line; bytes that are not UTF-8 (a partial byte-level token) print as
// U+FFFD, as Python's json would have them after decoding.
std::string json_line(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void print_lines(const std::vector<nlohmann::json>& results, std::ostream& out) {
  for (const auto& result : results) out << json_line(result);
}

void run_text_classification(const RunArguments& a, const std::vector<TextInput>& inputs,
                             const PipelineOptions& options, std::ostream& out) {
  const TextClassificationPipeline pipeline(a.package, options);
  std::optional<std::size_t> top_k = a.top_k.value_or(1);
  if (top_k == kAll) top_k.reset();
  print_lines(text_classification_json(pipeline(inputs, top_k, parse_function(a.function))), out);
}

void run_feature_extraction(const RunArguments& a, const std::vector<TextInput>& inputs,
                            const PipelineOptions& options, std::ostream& out) {
  const FeatureExtractionPipeline pipeline(a.package, options);
  if (a.sentence_embedding) {
    for (const auto& embedding : pipeline.sentence_embeddings(inputs)) {
      out << json_line(embedding);
    }
  } else {
    for (const auto& tokens : pipeline(inputs)) out << json_line(tokens);
  }
}

void run_fill_mask(const RunArguments& a, const std::vector<TextInput>& inputs,
                   const PipelineOptions& options, std::ostream& out) {
  const FillMaskPipeline pipeline(a.package, options);
  print_lines(fill_mask_json(pipeline(inputs, a.top_k.value_or(5), a.targets)), out);
}

void run_token_classification(const RunArguments& a, const std::vector<TextInput>& inputs,
                              const PipelineOptions& options, std::ostream& out) {
  std::vector<std::string> texts;
  for (const auto& input : inputs) {
    if (input.pair) throw std::invalid_argument("token-classification takes single texts");
    texts.push_back(input.text);
  }
  const TokenClassificationPipeline pipeline(a.package, options);
  const AggregationStrategy strategy = parse_aggregation_strategy(a.aggregation);
  const auto entities =
      pipeline(texts, strategy, a.ignore_labels.value_or(std::vector<std::string>{"O"}));
  print_lines(token_classification_json(entities, strategy != AggregationStrategy::kNone), out);
}

void run_question_answering(const RunArguments& a, const std::vector<TextInput>& raw,
                            const PipelineOptions& options, std::ostream& out) {
  std::vector<QuestionAnsweringInput> inputs;
  for (const auto& input : raw) {
    if (a.question) {
      inputs.push_back({*a.question, input.text});
    } else if (input.pair) {
      inputs.push_back({input.text, *input.pair});
    } else {
      throw std::invalid_argument(
          "question-answering needs --question Q with contexts, or --input-file lines "
          "{\"question\": ..., \"context\": ...}");
    }
  }
  QuestionAnsweringOptions qa;
  qa.top_k = a.top_k.value_or(1);
  qa.doc_stride = a.doc_stride;
  qa.max_answer_len = a.max_answer_len.value_or(qa.max_answer_len);
  qa.max_seq_len = a.max_seq_len;
  qa.handle_impossible_answer = a.handle_impossible_answer;
  const QuestionAnsweringPipeline pipeline(a.package, options);
  print_lines(question_answering_json(pipeline(inputs, qa)), out);
}

using TaskRunner = void (*)(const RunArguments&, const std::vector<TextInput>&,
                            const PipelineOptions&, std::ostream&);

// The task dispatch of the command: one line per task.
const std::map<std::string, TaskRunner>& task_runners() {
  static const std::map<std::string, TaskRunner> runners = {
      {"text-classification", run_text_classification},
      {"feature-extraction", run_feature_extraction},
      {"fill-mask", run_fill_mask},
      {"token-classification", run_token_classification},
      {"question-answering", run_question_answering},
  };
  return runners;
}

void define_options(CLI::App& app, RunArguments& a) {
  app.add_option("PACKAGE", a.package, "package directory or its model.onnx")->required();
  app.add_option("TEXT", a.texts, "input texts (or use --input-file)");
  app.add_option("--input-file", a.input_file,
                 "JSON lines: a string, {\"text\": ..., \"text_pair\": ...} or, for "
                 "question-answering, {\"question\": ..., \"context\": ...}");
  std::vector<std::string> tasks;
  for (const auto& [name, runner] : task_runners()) tasks.push_back(name);
  app.add_option("--task", a.task, "override the package's task")->check(CLI::IsMember(tasks));
  add_count_option(app, "--top-k", a.top_k,
                   "N or all. text-classification: labels per input (default 1); fill-mask: "
                   "candidates per mask (default 5); question-answering: answers (default 1)",
                   "all", kAll);
  app.add_option("--targets", a.targets, "fill-mask: only these candidate tokens (A,B,...)")
      ->delimiter(',');
  app.add_option("--function", a.function,
                 "text-classification: softmax, sigmoid or none (default: by config)")
      ->check(CLI::IsMember({"default", "softmax", "sigmoid", "none"}));
  app.add_flag("--sentence-embedding", a.sentence_embedding,
               "feature-extraction: pooled sentence embeddings");
  app.add_option("--aggregation-strategy", a.aggregation,
                 "token-classification: none (default), simple, first, average or max")
      ->check(CLI::IsMember({"none", "simple", "first", "average", "max"}));
  app.add_option_function<std::string>(
      "--ignore-labels", [&a](const std::string& list) { a.ignore_labels = split_list(list); },
      "token-classification: labels to leave out, A,B,... (default O)");
  app.add_option_function<std::string>(
      "--question", [&a](const std::string& q) { a.question = q; },
      "question-answering: the question for each TEXT (a context)");
  add_count_option(app, "--doc-stride", a.doc_stride,
                   "question-answering: overlap of context windows");
  add_count_option(app, "--max-answer-len", a.max_answer_len,
                   "question-answering: longest answer in tokens (default 15)");
  add_count_option(app, "--max-seq-len", a.max_seq_len,
                   "question-answering: window length (default: the graph's)");
  app.add_flag("--handle-impossible-answer", a.handle_impossible_answer,
               "question-answering: allow the empty answer");
  app.add_option("--threads", a.threads, "ONNX Runtime intra-op threads (0: its default)")
      ->check(CLI::Range(0, limits::max_threads()));
}

}  // namespace

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::string program = args.empty() ? "modelexport-run" : args[0];
  CLI::App app(
      "Runs a package's pipeline; one JSON result per input. The task, tokenizer and "
      "input shapes come from the package. Exit codes: 0 ok, 1 error, 2 bad usage.",
      program);
  RunArguments a;
  define_options(app, a);
  if (const auto code = parse_command_line(app, args, out, err)) return *code;

  return run_guarded(program, err, [&] {
    std::vector<TextInput> inputs;
    for (const auto& text : a.texts) inputs.push_back({text, std::nullopt});
    if (!a.input_file.empty()) {
      for (auto& input : read_input_lines(a.input_file)) inputs.push_back(std::move(input));
    }
    if (inputs.empty()) throw UsageError("no inputs: give TEXT arguments or --input-file");
    PipelineOptions options;
    options.task = a.task.empty() ? Package::open(a.package).task() : a.task;
    options.session.intra_op_threads = a.threads;
    const auto runner = task_runners().find(options.task);
    if (runner == task_runners().end()) {
      throw std::invalid_argument("task '" + options.task + "' has no native pipeline yet");
    }
    runner->second(a, inputs, options, out);
  });
}

}  // namespace modelexport::cli
