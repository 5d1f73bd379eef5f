// Session: the ONNX Runtime C++ API wrapped for the pipelines.
#include "modelexport/session.h"

#include <onnxruntime_cxx_api.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>

#include "modelexport/limits.h"
#include "modelexport/profile.h"

namespace modelexport {
namespace {

std::string element_type_name(ONNXTensorElementDataType type) {
  switch (type) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
      return "float32";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
      return "int64";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
      return "int32";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL:
      return "bool";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
      return "float16";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
      return "float64";
    default:
      return "other";
  }
}

GraphOptimizationLevel ort_level(GraphOptimization level) {
  switch (level) {
    case GraphOptimization::kDisabled:
      return ORT_DISABLE_ALL;
    case GraphOptimization::kBasic:
      return ORT_ENABLE_BASIC;
    case GraphOptimization::kExtended:
      return ORT_ENABLE_EXTENDED;
    case GraphOptimization::kAll:
      return ORT_ENABLE_ALL;
  }
  return ORT_ENABLE_ALL;
}

TensorInfo describe(const std::string& name, const Ort::TypeInfo& info) {
  TensorInfo spec;
  spec.name = name;
  if (info.GetONNXType() != ONNX_TYPE_TENSOR) {
    spec.element_type = "non-tensor";
    spec.rank_known = false;
    return spec;
  }
  auto tensor = info.GetTensorTypeAndShapeInfo();
  spec.element_type = element_type_name(tensor.GetElementType());
  spec.dims = tensor.GetShape();
  std::vector<const char*> names(spec.dims.size(), nullptr);
  tensor.GetSymbolicDimensions(names.data(), names.size());
  for (const char* dim_name : names) spec.dim_names.emplace_back(dim_name ? dim_name : "");
  return spec;
}

// ONNX Runtime logs failures itself (coloured, on stderr) before returning them as errors, which
// we already report in one line; its log is shown only when MODELEXPORT_ORT_LOG is set.
void ORT_API_CALL log_to_stderr_on_request(void*, OrtLoggingLevel, const char*, const char*,
                                           const char*, const char* message) {
  static const bool enabled = std::getenv("MODELEXPORT_ORT_LOG") != nullptr;
  if (enabled) std::fprintf(stderr, "onnxruntime: %s\n", message);
}

void check_threads(const char* what, int threads) {
  if (threads < 0 || threads > limits::max_threads()) {
    throw std::invalid_argument(std::string(what) + " must be between 0 (automatic) and " +
                                std::to_string(limits::max_threads()) + ", got " +
                                std::to_string(threads));
  }
}

// Fixed input dimensions drive the buffers the pipelines allocate: refuse absurd ones here,
// once, for every pipeline and modality.
void check_fixed_dimensions(const std::string& model_path, const TensorInfo& input) {
  std::int64_t elements = 1;
  for (std::size_t axis = 0; axis < input.dims.size(); ++axis) {
    const std::int64_t dim = input.dims[axis];
    const std::int64_t limit = axis == 0 ? limits::kMaxFixedBatch : limits::kMaxFixedDimension;
    const auto where = [&] {
      return model_path + ": input " + input.name + " dimension " + std::to_string(axis) + " (" +
             std::to_string(dim) + ")";
    };
    if (dim < -1) throw std::invalid_argument(where() + " is negative");
    if (dim > limit) {
      throw std::invalid_argument(where() + " is over the limit of " + std::to_string(limit));
    }
    if (dim > 0) elements *= dim;  // at most 4096 * (2^20)^k: checked after every factor
    if (elements > limits::kMaxInputElements) {
      throw std::invalid_argument(model_path + ": input " + input.name + " has over " +
                                  std::to_string(limits::kMaxInputElements) +
                                  " elements in its fixed dimensions (limit)");
    }
  }
}

}  // namespace

struct Session::Impl {
  Ort::Env env{ORT_LOGGING_LEVEL_WARNING, "modelexport", log_to_stderr_on_request, nullptr};
  Ort::Session session{nullptr};
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  std::shared_ptr<ProfileRecorder> profiler;
  std::size_t profile_index = 0;

  ~Impl() {
    // ONNX Runtime writes its trace when profiling ends: hand the file to the recorder.
    if (!profiler || !session) return;
    try {
      Ort::AllocatorWithDefaultOptions allocator;
      profiler->set_trace(profile_index, session.EndProfilingAllocated(allocator).get());
    } catch (const std::exception&) {  // the profile reports a session without a trace
    }
  }
};

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Session Session::open(const std::string& model_path, const SessionOptions& options) {
  check_threads("intra-op threads", options.intra_op_threads);
  check_threads("inter-op threads", options.inter_op_threads);
  auto impl = std::make_unique<Impl>();
  Ort::SessionOptions ort_options;
  if (options.intra_op_threads > 0) ort_options.SetIntraOpNumThreads(options.intra_op_threads);
  if (options.inter_op_threads > 0) ort_options.SetInterOpNumThreads(options.inter_op_threads);
  ort_options.SetGraphOptimizationLevel(ort_level(options.optimization));
  if (options.profiler) {
    impl->profiler = options.profiler;
    impl->profile_index = options.profiler->add_session(model_path);
    const auto record = options.profiler->sessions()[impl->profile_index];
    ort_options.EnableProfiling(record.trace_prefix.c_str());
    ort_options.SetOptimizedModelFilePath(record.optimized_model_path.c_str());
    // The written graph's weights go to a side file: it is read for its nodes only.
    const std::string weights = "session" + std::to_string(impl->profile_index) + ".weights";
    ort_options.AddConfigEntry("session.optimized_model_external_initializers_file_name",
                               weights.c_str());
  }
  try {
    impl->session = Ort::Session(impl->env, model_path.c_str(), ort_options);
  } catch (const Ort::Exception& e) {
    throw std::runtime_error(model_path + ": ONNX Runtime cannot load the model (" + e.what() +
                             ")");
  }
  Ort::AllocatorWithDefaultOptions allocator;
  for (std::size_t i = 0; i < impl->session.GetInputCount(); ++i) {
    std::string name = impl->session.GetInputNameAllocated(i, allocator).get();
    impl->inputs.push_back(describe(name, impl->session.GetInputTypeInfo(i)));
    check_fixed_dimensions(model_path, impl->inputs.back());
  }
  for (std::size_t i = 0; i < impl->session.GetOutputCount(); ++i) {
    std::string name = impl->session.GetOutputNameAllocated(i, allocator).get();
    impl->outputs.push_back(describe(name, impl->session.GetOutputTypeInfo(i)));
  }
  return Session(std::move(impl));
}

const std::vector<TensorInfo>& Session::inputs() const { return impl_->inputs; }
const std::vector<TensorInfo>& Session::outputs() const { return impl_->outputs; }

std::vector<FloatTensor> Session::run(
    const std::vector<std::pair<std::string, InputTensor>>& inputs,
    const std::vector<std::string>& output_names) const {
  std::vector<Ort::Value> values;
  std::vector<const char*> input_names;
  values.reserve(inputs.size());
  for (const auto& [name, input] : inputs) {
    std::visit(
        [&, &input_name = name](const auto* tensor) {
          std::size_t expected = 1;
          for (auto d : tensor->shape) expected *= static_cast<std::size_t>(d);
          if (expected != tensor->data.size()) {
            throw std::invalid_argument("input " + input_name +
                                        ": data size does not match its shape");
          }
          using Element = typename std::decay_t<decltype(tensor->data)>::value_type;
          // ORT reads the buffer without writing to it; the C API just takes a non-const
          // pointer.
          values.push_back(Ort::Value::CreateTensor<Element>(
              impl_->memory, const_cast<Element*>(tensor->data.data()), tensor->data.size(),
              tensor->shape.data(), tensor->shape.size()));
        },
        input);
    input_names.push_back(name.c_str());
  }
  std::vector<const char*> outputs;
  for (const auto& name : output_names) outputs.push_back(name.c_str());
  std::vector<Ort::Value> results;
  try {
    const auto start = std::chrono::steady_clock::now();
    results = impl_->session.Run(Ort::RunOptions{nullptr}, input_names.data(), values.data(),
                                 values.size(), outputs.data(), outputs.size());
    if (impl_->profiler) {
      impl_->profiler->add_run(impl_->profile_index,
                               std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
    }
  } catch (const Ort::Exception& e) {
    if (e.GetOrtErrorCode() == ORT_INVALID_ARGUMENT) {
      throw std::invalid_argument(std::string("ONNX Runtime rejected the inputs: ") + e.what());
    }
    throw std::runtime_error(std::string("ONNX Runtime run failed: ") + e.what());
  }
  std::vector<FloatTensor> tensors;
  tensors.reserve(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto info = results[i].GetTensorTypeAndShapeInfo();
    if (info.GetElementType() != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) {
      throw std::runtime_error("output " + output_names[i] + " is not float32");
    }
    FloatTensor tensor;
    tensor.shape = info.GetShape();
    const float* data = results[i].GetTensorData<float>();
    tensor.data.assign(data, data + info.GetElementCount());
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

}  // namespace modelexport
