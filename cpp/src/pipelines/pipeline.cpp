// The Pipeline base (option checking, transformers' call conventions) and create_pipeline().
#include "modelexport/pipeline.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "modelexport/package.h"

namespace modelexport {
namespace {

[[noreturn]] void bad_option(const TaskOption& option, const std::string& expected,
                             const Value& got) {
  throw PipelineError(option.name + " must be " + expected + ", got " +
                      Value::kind_name(got.kind()));
}

bool is_texts(const Value& value) {
  if (!value.is_array()) return false;
  const auto& items = value.as_array();
  return std::all_of(items.begin(), items.end(), [](const Value& v) { return v.is_string(); });
}

Value checked_option(const TaskOption& option, const Value& value) {
  switch (option.kind) {
    case OptionKind::kCountOrAll:
      if (value.is_null()) return value;
      [[fallthrough]];
    case OptionKind::kCount:
      if (!value.is_int()) {
        bad_option(option, option.kind == OptionKind::kCount ? "an integer" : "an integer or None",
                   value);
      }
      if (value.as_int() < 0) {
        throw PipelineError(option.name + " must not be negative, got " +
                            std::to_string(value.as_int()));
      }
      return value;
    case OptionKind::kFlag:
      if (!value.is_bool()) bad_option(option, "a bool", value);
      return value;
    case OptionKind::kNumber:
      if (!value.is_number() || !std::isfinite(value.as_number())) {
        bad_option(option, "a finite number", value);
      }
      return Value(value.as_number());
    case OptionKind::kChoice: {
      if (!value.is_string()) bad_option(option, "a string", value);
      std::string lowered = value.as_string();
      std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (std::find(option.choices.begin(), option.choices.end(), lowered) ==
          option.choices.end()) {
        std::string choices;
        for (const auto& c : option.choices) choices += (choices.empty() ? "" : ", ") + c;
        throw PipelineError(option.name + " must be one of " + choices + ", got '" +
                            value.as_string() + "'");
      }
      return Value(lowered);
    }
    case OptionKind::kText:
      if (!value.is_string()) bad_option(option, "a string", value);
      return value;
    case OptionKind::kTextOrTexts:
      if (!value.is_string() && !is_texts(value)) {
        bad_option(option, "a string or a list of strings", value);
      }
      return value;
    case OptionKind::kTexts:
      if (value.is_string()) return Value(Value::Array{value});
      if (!is_texts(value)) bad_option(option, "a list of strings", value);
      return value;
    case OptionKind::kValue:
      return value;
  }
  return value;
}

// Bad inputs and options leave a pipeline as PipelineError, whatever part noticed them.
template <typename Fn>
auto guarded(Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const PipelineError&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw PipelineError(e.what());
  }
}

}  // namespace

Pipeline::Pipeline(const TaskInfo& task, std::shared_ptr<const Package> package)
    : task_(task), package_(std::move(package)) {}

Pipeline::~Pipeline() = default;

Value Pipeline::checked_options(const Value& options) const {
  if (!options.is_object() && !options.is_null()) {
    throw PipelineError("options must be an object, got " +
                        std::string(Value::kind_name(options.kind())));
  }
  if (options.is_object()) {
    for (const auto& [name, value] : options.as_object()) {
      if (find_option(task_, name) == nullptr) {
        std::string known;
        for (const auto& o : task_.options) known += (known.empty() ? "" : ", ") + o.name;
        throw PipelineError(task_.name + " has no option '" + name +
                            "' (options: " + (known.empty() ? "none" : known) + ")");
      }
    }
  }
  Value checked = Value::object();
  for (const auto& option : task_.options) {
    const Value* given = options.is_object() ? options.find(option.name) : nullptr;
    // None means "not given" in transformers' keyword arguments, except where it means "all".
    if (given != nullptr && given->is_null() && option.kind != OptionKind::kCountOrAll) {
      given = nullptr;
    }
    if (given != nullptr) {
      checked.set(option.name, checked_option(option, *given));
    } else if (!option.default_value.is_null()) {
      checked.set(option.name, option.default_value);
    }
  }
  return checked;
}

std::vector<Value> Pipeline::gather_inputs(const Value& inputs, const Value& /*options*/,
                                           bool& single) const {
  single = !inputs.is_array();
  if (inputs.is_null()) throw PipelineError(task_.name + ": no inputs");
  return single ? std::vector<Value>{inputs} : inputs.as_array();
}

Value Pipeline::single_result(Value result, const Value& /*input*/,
                              const Value& /*options*/) const {
  return result;
}

Value Pipeline::operator()(const Value& inputs, const Value& options) const {
  return guarded([&] {
    const Value checked = checked_options(options);
    bool single = false;
    std::vector<Value> items = gather_inputs(inputs, checked, single);
    std::vector<Value> results = run_checked(items, checked);
    if (single && results.size() == 1) {
      return single_result(std::move(results.front()), items.front(), checked);
    }
    return Value(Value::Array(std::make_move_iterator(results.begin()),
                              std::make_move_iterator(results.end())));
  });
}

std::vector<Value> Pipeline::run(const Value& inputs, const Value& options) const {
  return guarded([&] {
    const Value checked = checked_options(options);
    bool single = false;
    return run_checked(gather_inputs(inputs, checked, single), checked);
  });
}

std::unique_ptr<Pipeline> create_pipeline(std::shared_ptr<const Package> package,
                                          const PipelineOptions& options) {
  const std::string& name = options.task.empty() ? package->task() : options.task;
  const TaskInfo* task = find_task(name);
  if (task == nullptr || task->create == nullptr) {
    throw std::invalid_argument("task '" + name + "' has no native pipeline yet");
  }
  return task->create(std::move(package), options);
}

std::unique_ptr<Pipeline> create_pipeline(const std::string& package_path,
                                          const PipelineOptions& options) {
  return create_pipeline(std::make_shared<const Package>(Package::open(package_path, options.task)),
                         options);
}

}  // namespace modelexport
