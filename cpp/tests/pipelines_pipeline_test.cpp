// The Pipeline base on a hand-made task: option checking against the schema, defaults, and
// transformers' single-input / list conventions, without a model.
#include <gtest/gtest.h>

#include "modelexport/pipeline.h"

namespace modelexport {
namespace {

TaskInfo echo_task() {
  TaskInfo task;
  task.name = "echo";
  task.options = {
      {"top_k", OptionKind::kCountOrAll, Value(), {}, ""},
      {"count", OptionKind::kCount, Value(5), {}, ""},
      {"flag", OptionKind::kFlag, Value(false), {}, ""},
      {"mode", OptionKind::kChoice, Value("a"), {"a", "b"}, ""},
      {"labels", OptionKind::kTexts, Value(), {}, ""},
      {"question", OptionKind::kTextOrTexts, Value(), {}, ""},
  };
  return task;
}

// Each result: the input and the options it ran with.
class EchoPipeline final : public Pipeline {
 public:
  explicit EchoPipeline(const TaskInfo& task) : Pipeline(task, nullptr) {}

 protected:
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    std::vector<Value> out;
    for (const auto& input : inputs) {
      if (input.is_string() && input.as_string() == "bad") {
        throw std::invalid_argument("a bad input");
      }
      out.push_back(Value::object({{"input", input}, {"options", options}}));
    }
    return out;
  }
};

TEST(PipelineOptions, DefaultsFilledAndGivenValuesChecked) {
  const TaskInfo task = echo_task();
  const EchoPipeline pipe(task);
  const Value defaults = pipe.checked_options(Value::object());
  EXPECT_EQ(*defaults.find("count"), Value(5));
  EXPECT_EQ(*defaults.find("flag"), Value(false));
  EXPECT_EQ(defaults.find("top_k"), nullptr);  // "not given" has its own meaning
  const Value given =
      pipe.checked_options(Value::object({{"top_k", Value()}, {"mode", "B"}, {"labels", "x"}}));
  EXPECT_TRUE(given.find("top_k")->is_null());
  EXPECT_EQ(*given.find("mode"), Value("b"));  // choices are case-insensitive, as transformers'
  EXPECT_EQ(*given.find("labels"), Value(Value::Array{Value("x")}));
}

TEST(PipelineOptions, NoneMeansNotGivenExceptWhereItMeansAll) {
  const TaskInfo task = echo_task();
  const EchoPipeline pipe(task);
  const Value checked = pipe.checked_options(
      Value::object({{"count", Value()}, {"mode", Value()}, {"top_k", Value()}}));
  EXPECT_EQ(*checked.find("count"), Value(5));  // the default
  EXPECT_EQ(*checked.find("mode"), Value("a"));
  EXPECT_TRUE(checked.find("top_k")->is_null());  // count-or-all: None is "all"
}

TEST(PipelineOptions, BadOptionsArePipelineErrors) {
  const TaskInfo task = echo_task();
  const EchoPipeline pipe(task);
  for (const Value& bad : {Value::object({{"nope", 1}}), Value::object({{"count", -1}}),
                           Value::object({{"count", "2"}}), Value::object({{"count", true}}),
                           Value::object({{"flag", 1}}), Value::object({{"mode", "c"}}),
                           Value::object({{"labels", 3}}),
                           Value::object({{"question", Value::Array{Value(1)}}}), Value(3)}) {
    EXPECT_THROW(pipe.checked_options(bad), PipelineError);
  }
  try {
    pipe.checked_options(Value::object({{"nope", 1}}));
  } catch (const PipelineError& e) {
    EXPECT_EQ(std::string(e.what()),
              "echo has no option 'nope' (options: top_k, count, flag, mode, labels, question)");
  }
}

TEST(PipelineCall, OneInputOrAListAsTransformers) {
  const TaskInfo task = echo_task();
  const EchoPipeline pipe(task);
  const Value one = pipe(Value("x"));
  ASSERT_TRUE(one.is_object());
  EXPECT_EQ(*one.find("input"), Value("x"));
  const Value list = pipe(Value(Value::Array{Value("x")}));
  ASSERT_TRUE(list.is_array());
  EXPECT_EQ(list.size(), 1u);
  EXPECT_TRUE(pipe(Value::array()).as_array().empty());
  EXPECT_EQ(pipe.run(Value(Value::Array{Value("x"), Value("y")})).size(), 2u);
  EXPECT_THROW(pipe(Value()), PipelineError);  // no inputs
  // Whatever part rejects an input, the caller sees a PipelineError.
  EXPECT_THROW(pipe(Value("bad")), PipelineError);
}

TEST(Value, ObjectsKeepOrderAndKindsConvert) {
  Value v = Value::object({{"b", 1}, {"a", 2.5}});
  v.set("b", "x");
  v.set("c", Value::float32(0.25));
  ASSERT_EQ(v.as_object().size(), 3u);
  EXPECT_EQ(v.as_object()[0].first, "b");
  EXPECT_EQ(*v.find("b"), Value("x"));
  EXPECT_EQ(v.find("c")->kind(), Value::Kind::kFloat32);
  EXPECT_EQ(v.find("c")->as_number(), 0.25);
  EXPECT_TRUE(v.find("a")->is_number());
  EXPECT_THROW(v.find("a")->as_int(), std::invalid_argument);
  EXPECT_EQ(Value(std::size_t{3}), Value(3));
  EXPECT_NE(Value(3), Value(3.0));
  EXPECT_EQ(Value::list(std::vector<std::string>{"p", "q"}).size(), 2u);
}

}  // namespace
}  // namespace modelexport
