// The run command (see run_command.h): its task options are generated from the task registry's
// option schemas, inputs come from the arguments and JSON lines, and every task goes through
// create_pipeline(); nothing here names a task.
#include "cli/run_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include "cli/image_output.h"
#include "cli/input_lines.h"
#include "cli/result_json.h"
#include "cli/usage_error.h"
#include "modelexport/limits.h"
#include "modelexport/package.h"
#include "modelexport/pipeline.h"

namespace modelexport::cli {
namespace {

constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> items;
  for (std::size_t start = 0; start <= list.size();) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) items.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

std::string flag_name(const std::string& option) {
  std::string flag = "--" + option;
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return flag;
}

// One command-line option for every task option of that name: the tasks that have it and what
// each says about it.
struct CommandOption {
  const TaskOption* schema = nullptr;
  OptionKind kind = OptionKind::kCount;
  std::vector<std::string> tasks;
  std::string help;
};

std::map<std::string, CommandOption> command_options() {
  std::map<std::string, CommandOption> options;
  for (const auto& task : task_registry()) {
    for (const auto& option : task.options) {
      CommandOption& entry = options[option.name];
      if (entry.schema == nullptr) {
        entry.kind = option.kind;
      } else if (entry.kind != option.kind) {
        // A count in one task and a count-or-all in another: the command line takes "all"
        // and the task that does not checks it. Any other mix is a registry bug.
        const auto countable = [](OptionKind k) {
          return k == OptionKind::kCount || k == OptionKind::kCountOrAll;
        };
        if (!countable(entry.kind) || !countable(option.kind)) {
          throw std::logic_error("task option " + option.name + " has two kinds");
        }
        entry.kind = OptionKind::kCountOrAll;
      }
      entry.schema = &option;
      entry.tasks.push_back(task.name);
      entry.help += (entry.help.empty() ? "" : "; ") + task.name + ": " + option.help;
    }
  }
  return options;
}

struct RunArguments {
  std::string package;
  std::vector<std::string> texts;
  std::string input_file;
  std::size_t chunk_size = 256;
  bool progress = false;
  std::string task;
  int threads = 0;
  std::size_t max_image_pixels = ImageDecodeOptions{}.max_pixels;
  double max_audio_seconds = AudioDecodeOptions{}.max_seconds;
  ImageOutput images;
  std::map<std::string, std::optional<std::size_t>> counts;
  Value options = Value::object();  // every other task option given
};

void define_task_option(CLI::App& app, RunArguments& a, const std::string& name,
                        const CommandOption& option) {
  const std::string flag = flag_name(name);
  const TaskOption& schema = *option.schema;
  switch (option.kind) {
    case OptionKind::kCount:
      add_count_option(app, flag, a.counts[name], option.help);
      return;
    case OptionKind::kCountOrAll:
      add_count_option(app, flag, a.counts[name], option.help + " (N or all)", "all", kAll);
      return;
    case OptionKind::kFlag:
      // A flag that defaults to true is given as --no-NAME.
      if (schema.default_value.is_bool() && schema.default_value.as_bool()) {
        app.add_flag_callback(
            "--no-" + flag.substr(2), [&a, name] { a.options.set(name, false); }, option.help);
      } else {
        app.add_flag_callback(
            flag, [&a, name] { a.options.set(name, true); }, option.help);
      }
      return;
    case OptionKind::kNumber:
      app.add_option_function<double>(
          flag,
          [&a, name, flag](double v) {
            if (!std::isfinite(v)) throw CLI::ValidationError(flag, "must be a finite number");
            a.options.set(name, v);
          },
          option.help);
      return;
    case OptionKind::kChoice:
      app.add_option_function<std::string>(
             flag, [&a, name](const std::string& v) { a.options.set(name, v); }, option.help)
          ->check(CLI::IsMember(schema.choices));
      return;
    case OptionKind::kText:
    case OptionKind::kTextOrTexts:
      app.add_option_function<std::string>(
          flag, [&a, name](const std::string& v) { a.options.set(name, v); }, option.help);
      return;
    case OptionKind::kTexts:
      app.add_option_function<std::string>(
          flag,
          [&a, name](const std::string& v) { a.options.set(name, Value::list(split_list(v))); },
          option.help);
      return;
    case OptionKind::kValue:
      return;  // structured inputs come in --input-file's JSON lines
  }
}

void define_options(CLI::App& app, RunArguments& a,
                    const std::map<std::string, CommandOption>& options) {
  app.add_option("PACKAGE", a.package, "package directory or its model.onnx")->required();
  app.add_option("TEXT", a.texts,
                 "inputs (texts; question-answering: contexts; image tasks: image paths)");
  std::string lines_help =
      "one input per line; image tasks: a path per line; text tasks: JSON lines:";
  std::vector<std::string> tasks;
  for (const auto& task : task_registry()) {
    tasks.push_back(task.name);
    lines_help += " " + task.name + ": " + task.input_help + ";";
  }
  lines_help.pop_back();
  app.add_option("--input-file", a.input_file, lines_help);
  app.add_option("--chunk-size", a.chunk_size,
                 "--input-file: lines read and run at a time; each chunk's results are written "
                 "before the next is read (bounded memory)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_flag("--progress", a.progress,
               "show --input-file progress on stderr (default: when stderr is a terminal)");
  app.add_option("--task", a.task, "override the package's task")->check(CLI::IsMember(tasks));
  for (const auto& [name, option] : options) define_task_option(app, a, name, option);
  app.add_option("--threads", a.threads, "ONNX Runtime intra-op threads (0: its default)")
      ->check(CLI::Range(0, limits::max_threads()));
  app.add_option("--max-image-pixels", a.max_image_pixels,
                 "refuse images with more pixels than this (decompression bombs)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-audio-seconds", a.max_audio_seconds,
                 "refuse audio longer than this many seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--mask-dir", a.images.directory,
                 "image-segmentation: folder the mask PNG files are written to")
      ->capture_default_str();
  app.add_flag("--mask-base64", a.images.base64,
               "image-segmentation: masks as base64 PNG data: URLs in the JSON, not files");
}

// The --input-file progress line on stderr: lines done of the file's lines, and the rate. It
// rewrites itself with "\r" and ends with a newline, also when an error interrupts the run (so
// the error has its own line); stdout is never touched.
class Progress {
 public:
  Progress(std::ostream& err, bool enabled, const std::string& program, std::size_t total)
      : err_(err), enabled_(enabled), program_(program), total_(total) {}
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() {
    if (shown_) err_ << "\n" << std::flush;
  }

  void update(std::size_t lines) {
    if (!enabled_) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    char line[160];
    std::snprintf(
        line, sizeof line, "\r%s: %zu/%zu lines (%.0f%%), %.1f lines/s", program_.c_str(), lines,
        total_,
        total_ == 0 ? 100.0 : 100.0 * static_cast<double>(lines) / static_cast<double>(total_),
        seconds > 0 ? static_cast<double>(lines) / seconds : 0.0);
    err_ << line << std::flush;
    shown_ = true;
  }

 private:
  std::ostream& err_;
  bool enabled_;
  std::string program_;
  std::size_t total_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::string program = args.empty() ? "modelexport-run" : args[0];
  CLI::App app(
      "Runs a package's pipeline; one JSON result per input, as the transformers pipeline "
      "returns it. The task, processor and input shapes come from the package. Exit codes: 0 "
      "ok, 1 error, 2 bad usage.",
      program);
  RunArguments a;
  const auto options = command_options();
  define_options(app, a, options);
  if (const auto code = parse_command_line(app, args, out, err)) return *code;

  return run_guarded(program, err, [&] {
    for (const auto& [name, count] : a.counts) {
      if (!count) continue;
      if (*count != kAll &&
          *count > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())) {
        throw UsageError(flag_name(name) + " " + std::to_string(*count) + " is out of range");
      }
      a.options.set(name, *count == kAll ? Value() : Value(*count));
    }
    if (a.texts.empty() && a.input_file.empty() && a.options.find("context") == nullptr) {
      throw UsageError("no inputs: give TEXT arguments or --input-file");
    }
    auto package = std::make_shared<const Package>(Package::open(a.package, a.task));
    const TaskInfo& task = *find_task(package->task());
    if (task.processor != package->processor_type()) {
      throw UsageError("--task " + task.name + " takes " + task.modality +
                       " inputs; the package's inputs are prepared by a '" +
                       package->processor_type() + "' processor");
    }
    Value::Array inputs;
    for (const auto& text : a.texts) inputs.emplace_back(text);
    // The input file is read and run a chunk at a time: memory stays bounded however long it
    // is, and each chunk's results are written before the next chunk is read.
    std::optional<InputLineReader> reader;
    std::vector<Value> chunk;
    if (!a.input_file.empty()) {
      reader.emplace(a.input_file, InputLineReader::format_for(task.modality));
      chunk = reader->next(a.chunk_size);
    }
    if (inputs.empty() && chunk.empty() && a.options.find("context") == nullptr) {
      throw UsageError("no inputs: " + a.input_file + " has none");
    }
    for (const auto& [name, value] : a.options.as_object()) {
      const auto& tasks = options.at(name).tasks;
      if (std::find(tasks.begin(), tasks.end(), package->task()) == tasks.end()) {
        throw UsageError(flag_name(name) + " does not apply to " + package->task());
      }
      const TaskOption* schema = find_option(*find_task(package->task()), name);
      if (value.is_null() && schema->kind == OptionKind::kCount) {
        throw UsageError(flag_name(name) + " all does not apply to " + package->task() +
                         " (give a number)");
      }
    }
    PipelineOptions pipeline_options;
    pipeline_options.task = package->task();
    pipeline_options.session.intra_op_threads = a.threads;
    pipeline_options.image_decode.max_pixels = a.max_image_pixels;
    pipeline_options.audio_decode.max_seconds = a.max_audio_seconds;
    const auto pipeline = create_pipeline(package, pipeline_options);
    std::size_t number = 0;
    const auto run_and_write = [&](const Value& given) {
      for (const auto& result : pipeline->run(given, a.options)) {
        out << json_line(images_as_references(result, ++number, a.images));
      }
      out.flush();
    };
    if (!inputs.empty() || chunk.empty()) {  // TEXT arguments, or the options carry the inputs
      run_and_write(inputs.empty() ? Value() : Value(std::move(inputs)));
    }
    if (!reader) return;
    const bool show = a.progress || (&err == &std::cerr && isatty(STDERR_FILENO) == 1);
    Progress progress(err, show, program, show ? count_lines(a.input_file) : 0);
    while (!chunk.empty()) {
      run_and_write(Value(std::move(chunk)));
      progress.update(reader->lines_read());
      chunk = reader->next(a.chunk_size);
    }
  });
}

}  // namespace modelexport::cli
