// Proves the ONNX Runtime headers fetched by scripts/setup.sh work with the library of the
// onnxruntime wheel: a session over a real model runs and returns its input.
#include <gtest/gtest.h>
#include <onnxruntime_cxx_api.h>

#include <array>

#include "test_helpers.h"

namespace {

TEST(OnnxRuntimeLink, RunsAnIdentityModel) {
  Ort::Env env(ORT_LOGGING_LEVEL_ERROR, "modelexport-tests");
  Ort::SessionOptions options;
  options.SetIntraOpNumThreads(1);
  std::string bytes = modelexport::testing::identity_model_bytes();
  Ort::Session session(env, bytes.data(), bytes.size(), options);
  std::array<float, 3> values{1.5f, -2.0f, 3.25f};
  std::array<std::int64_t, 2> shape{1, 3};
  auto memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  Ort::Value input = Ort::Value::CreateTensor<float>(memory, values.data(), values.size(),
                                                     shape.data(), shape.size());
  const char* input_names[] = {"x"};
  const char* output_names[] = {"y"};
  auto outputs = session.Run(Ort::RunOptions{nullptr}, input_names, &input, 1, output_names, 1);
  ASSERT_EQ(outputs.size(), 1u);
  const float* result = outputs[0].GetTensorData<float>();
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(result[i], values[i]);
}

}  // namespace
