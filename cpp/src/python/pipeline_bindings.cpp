// Bindings of the native task pipelines (modelexport._native.*Pipeline). The Python layer
// (modelexport.inference) shapes the results like the transformers pipelines.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <iostream>
#include <limits>

#include "cli/run_command.h"
#include "modelexport/package.h"
#include "modelexport/pipeline.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using RawInput = std::pair<std::string, std::optional<std::string>>;

std::vector<modelexport::TextInput> to_inputs(const std::vector<RawInput>& raw) {
  std::vector<modelexport::TextInput> inputs;
  inputs.reserve(raw.size());
  for (const auto& [text, pair] : raw) inputs.push_back({text, pair});
  return inputs;
}

// Counts and thread numbers come from Python as arbitrary objects: anything but a
// non-negative int of a sane size is a ValueError naming the argument (nanobind's own
// conversion would raise a TypeError listing C++ signatures).
std::size_t count_arg(nb::handle value, const char* name) {
  if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr())) {
    throw std::invalid_argument(std::string(name) + " must be an integer, got " +
                                nb::type_name(value.type()).c_str());
  }
  int overflow = 0;
  const long long number = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow != 0 || number < 0) {
    throw std::invalid_argument(std::string(name) + " must be a non-negative integer, got " +
                                nb::repr(value).c_str());
  }
  return static_cast<std::size_t>(number);
}

std::optional<std::size_t> optional_count_arg(nb::handle value, const char* name) {
  if (value.is_none()) return std::nullopt;
  return count_arg(value, name);
}

int threads_arg(nb::handle value) {
  const std::size_t threads = count_arg(value, "threads");
  if (threads > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument("threads " + std::to_string(threads) + " is out of range");
  }
  return static_cast<int>(threads);
}

modelexport::PipelineOptions make_options(const std::string& task, nb::handle threads) {
  modelexport::PipelineOptions options;
  options.task = task;
  options.session.intra_op_threads = threads_arg(threads);
  return options;
}

modelexport::ClassificationFunction parse_function(const std::string& name) {
  if (name == "default") return modelexport::ClassificationFunction::kDefault;
  if (name == "softmax") return modelexport::ClassificationFunction::kSoftmax;
  if (name == "sigmoid") return modelexport::ClassificationFunction::kSigmoid;
  if (name == "none") return modelexport::ClassificationFunction::kNone;
  throw std::invalid_argument("function_to_apply must be softmax, sigmoid or none, got '" + name +
                              "'");
}

}  // namespace

void bind_pipelines(nb::module_& m) {
  m.def(
      "run_command",
      [](const std::vector<nb::bytes>& raw) {
        // Arguments as bytes: the command line may hold any bytes (os.fsencode), not only UTF-8.
        std::vector<std::string> args;
        for (const auto& arg : raw) args.emplace_back(arg.c_str(), arg.size());
        nb::gil_scoped_release release;
        const int code = modelexport::cli::run_command(args, std::cout, std::cerr);
        std::cout.flush();
        std::cerr.flush();
        return code;
      },
      "args"_a,
      "`modelexport-run` in process: args[0] names the program; prints the results on stdout "
      "and one line per problem on stderr; returns the exit code (0, 1 error, 2 bad usage).");

  m.def(
      "package_task",
      [](const std::string& path) { return modelexport::Package::open(path).task(); }, "path"_a,
      "The pipeline task of a package (metadata, else config.json architectures).");

  nb::class_<modelexport::TextClassificationPipeline>(m, "TextClassificationPipeline")
      .def(
          "__init__",
          [](modelexport::TextClassificationPipeline* self, const std::string& path,
             const std::string& task, nb::handle threads) {
            new (self) modelexport::TextClassificationPipeline(path, make_options(task, threads));
          },
          "path"_a, "task"_a = "", "threads"_a = nb::int_(0))
      .def(
          "__call__",
          [](const modelexport::TextClassificationPipeline& self, const std::vector<RawInput>& raw,
             nb::handle top_k_arg, const std::string& function) {
            const auto top_k = optional_count_arg(top_k_arg, "top_k");
            auto function_kind = parse_function(function);
            auto inputs = to_inputs(raw);
            nb::gil_scoped_release release;
            std::vector<std::vector<std::pair<std::string, double>>> out;
            for (const auto& labels : self(inputs, top_k, function_kind)) {
              auto& row = out.emplace_back();
              for (const auto& label : labels) row.emplace_back(label.label, label.score);
            }
            return out;
          },
          "inputs"_a, "top_k"_a.none(), "function"_a = "default");

  nb::class_<modelexport::FeatureExtractionPipeline>(m, "FeatureExtractionPipeline")
      .def(
          "__init__",
          [](modelexport::FeatureExtractionPipeline* self, const std::string& path,
             const std::string& task, nb::handle threads) {
            new (self) modelexport::FeatureExtractionPipeline(path, make_options(task, threads));
          },
          "path"_a, "task"_a = "", "threads"_a = nb::int_(0))
      .def(
          "__call__",
          [](const modelexport::FeatureExtractionPipeline& self, const std::vector<RawInput>& raw) {
            auto inputs = to_inputs(raw);
            nb::gil_scoped_release release;
            return self(inputs);
          },
          "inputs"_a)
      .def(
          "sentence_embeddings",
          [](const modelexport::FeatureExtractionPipeline& self, const std::vector<RawInput>& raw) {
            auto inputs = to_inputs(raw);
            nb::gil_scoped_release release;
            return self.sentence_embeddings(inputs);
          },
          "inputs"_a);

  nb::class_<modelexport::FillMaskPipeline>(m, "FillMaskPipeline")
      .def(
          "__init__",
          [](modelexport::FillMaskPipeline* self, const std::string& path, const std::string& task,
             nb::handle threads) {
            new (self) modelexport::FillMaskPipeline(path, make_options(task, threads));
          },
          "path"_a, "task"_a = "", "threads"_a = nb::int_(0))
      .def(
          "__call__",
          [](const modelexport::FillMaskPipeline& self, const std::vector<RawInput>& raw,
             nb::handle top_k_arg, const std::vector<std::string>& targets) {
            const std::size_t top_k = count_arg(top_k_arg, "top_k");
            auto inputs = to_inputs(raw);
            nb::gil_scoped_release release;
            using Candidate = std::tuple<double, std::int64_t, std::string, std::string>;
            std::vector<std::vector<std::vector<Candidate>>> out;
            for (const auto& masks : self(inputs, top_k, targets)) {
              auto& per_input = out.emplace_back();
              for (const auto& candidates : masks) {
                auto& per_mask = per_input.emplace_back();
                for (const auto& c : candidates) {
                  per_mask.emplace_back(c.score, c.token, c.token_str, c.sequence);
                }
              }
            }
            return out;
          },
          "inputs"_a, "top_k"_a = nb::int_(5), "targets"_a = std::vector<std::string>{});

  nb::class_<modelexport::TokenClassificationPipeline>(m, "TokenClassificationPipeline")
      .def(
          "__init__",
          [](modelexport::TokenClassificationPipeline* self, const std::string& path,
             const std::string& task, nb::handle threads) {
            new (self) modelexport::TokenClassificationPipeline(path, make_options(task, threads));
          },
          "path"_a, "task"_a = "", "threads"_a = nb::int_(0))
      .def(
          "__call__",
          [](const modelexport::TokenClassificationPipeline& self,
             const std::vector<std::string>& texts, const std::string& aggregation_strategy,
             const std::vector<std::string>& ignore_labels) {
            const auto strategy = modelexport::parse_aggregation_strategy(aggregation_strategy);
            nb::gil_scoped_release release;
            // (entity, score, index or None, word, start, end)
            using Entity = std::tuple<std::string, double, std::optional<std::size_t>, std::string,
                                      std::size_t, std::size_t>;
            std::vector<std::vector<Entity>> out;
            for (const auto& entities : self(texts, strategy, ignore_labels)) {
              auto& row = out.emplace_back();
              for (const auto& e : entities) {
                row.emplace_back(e.entity, e.score, e.index, e.word, e.start, e.end);
              }
            }
            return out;
          },
          "texts"_a, "aggregation_strategy"_a = "none",
          "ignore_labels"_a = std::vector<std::string>{"O"});

  nb::class_<modelexport::QuestionAnsweringPipeline>(m, "QuestionAnsweringPipeline")
      .def(
          "__init__",
          [](modelexport::QuestionAnsweringPipeline* self, const std::string& path,
             const std::string& task, nb::handle threads) {
            new (self) modelexport::QuestionAnsweringPipeline(path, make_options(task, threads));
          },
          "path"_a, "task"_a = "", "threads"_a = nb::int_(0))
      .def(
          "__call__",
          [](const modelexport::QuestionAnsweringPipeline& self,
             const std::vector<std::pair<std::string, std::string>>& pairs, nb::handle top_k,
             nb::handle doc_stride, nb::handle max_answer_len, nb::handle max_seq_len,
             bool handle_impossible_answer, bool align_to_words) {
            std::vector<modelexport::QuestionAnsweringInput> inputs;
            for (const auto& [question, context] : pairs) inputs.push_back({question, context});
            modelexport::QuestionAnsweringOptions options;
            options.top_k = count_arg(top_k, "top_k");
            options.doc_stride = optional_count_arg(doc_stride, "doc_stride");
            options.max_answer_len = count_arg(max_answer_len, "max_answer_len");
            options.max_seq_len = optional_count_arg(max_seq_len, "max_seq_len");
            options.handle_impossible_answer = handle_impossible_answer;
            options.align_to_words = align_to_words;
            nb::gil_scoped_release release;
            using Answer = std::tuple<double, std::size_t, std::size_t, std::string>;
            std::vector<std::vector<Answer>> out;
            for (const auto& answers : self(inputs, options)) {
              auto& row = out.emplace_back();
              for (const auto& a : answers) row.emplace_back(a.score, a.start, a.end, a.answer);
            }
            return out;
          },
          "pairs"_a, "top_k"_a = nb::int_(1), "doc_stride"_a.none() = nb::none(),
          "max_answer_len"_a = nb::int_(15), "max_seq_len"_a.none() = nb::none(),
          "handle_impossible_answer"_a = false, "align_to_words"_a = true);
}
