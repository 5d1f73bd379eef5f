// Session::open refuses what would make every later run allocate absurd buffers or thrash:
// fixed dimensions and thread counts beyond modelexport/limits.h.
#include "modelexport/session.h"

#include <gtest/gtest.h>

#include <string>

#include "modelexport/limits.h"
#include "test_helpers.h"

namespace modelexport {
namespace {

using testing::ScratchDir;

std::string model_with_input(const ScratchDir& dir, const std::vector<std::int64_t>& dims) {
  const std::string path = dir.file("model.onnx");
  testing::write_text(path, testing::int64_input_model_bytes(dims));
  return path;
}

std::string open_error(const std::string& path, const SessionOptions& options = {}) {
  try {
    Session::open(path, options);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(SessionOpen, ReportsItsInputsAndRuns) {
  ScratchDir dir;
  const Session session = Session::open(model_with_input(dir, {1, -1}));
  ASSERT_EQ(session.inputs().size(), 1u);
  EXPECT_EQ(session.inputs()[0].dims, (std::vector<std::int64_t>{1, -1}));
  EXPECT_TRUE(session.inputs()[0].is_fixed(0));
  EXPECT_FALSE(session.inputs()[0].is_fixed(1));
  Int64Tensor ids{{1, 3}, {4, 5, 6}};
  const auto outputs = session.run({{"input_ids", &ids}}, {"y"});
  EXPECT_EQ(outputs[0].data, (std::vector<float>{4, 5, 6}));
}

TEST(SessionOpen, RunsFloatInputsAndRefusesTheWrongElementType) {
  ScratchDir dir;
  const std::string path = dir.file("identity.onnx");
  testing::write_text(path, testing::identity_model_bytes());  // y = Identity(x), float32
  const Session session = Session::open(path);
  FloatTensor x{{1, 3}, {0.5f, -1.0f, 2.0f}};
  const auto outputs = session.run({{"x", &x}}, {"y"});
  EXPECT_EQ(outputs[0].shape, (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(outputs[0].data, x.data);
  Int64Tensor wrong{{1, 3}, {1, 2, 3}};
  EXPECT_THROW(session.run({{"x", &wrong}}, {"y"}), std::invalid_argument);
  FloatTensor short_data{{1, 3}, {1.0f}};
  EXPECT_THROW(session.run({{"x", &short_data}}, {"y"}), std::invalid_argument);
}

TEST(SessionOpen, HugeFixedDimensionsAreRefused) {
  ScratchDir dir;
  std::string error = open_error(model_with_input(dir, {1, 2000000000}));
  EXPECT_NE(error.find("input input_ids dimension 1 (2000000000) is over the limit"),
            std::string::npos)
      << error;
  error = open_error(model_with_input(dir, {1000000, 128}));
  EXPECT_NE(error.find("dimension 0 (1000000) is over the limit of 4096"), std::string::npos)
      << error;
  error = open_error(model_with_input(dir, {4096, 1 << 20}));
  EXPECT_NE(error.find("elements in its fixed dimensions"), std::string::npos) << error;
}

TEST(SessionOpen, ThreadCountsAreBounded) {
  ScratchDir dir;
  const std::string path = model_with_input(dir, {1, -1});
  SessionOptions options;
  options.intra_op_threads = 100000;
  EXPECT_NE(open_error(path, options).find("intra-op threads must be between 0"),
            std::string::npos);
  options.intra_op_threads = -1;
  EXPECT_NE(open_error(path, options).find("got -1"), std::string::npos);
  options.intra_op_threads = limits::max_threads();
  EXPECT_EQ(open_error(path, options), "<no error>");
}

}  // namespace
}  // namespace modelexport
