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

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>

#include "modelexport/limits.h"
#include "modelexport/onnx_model.h"
#include "modelexport/profile.h"
#include "onnx/external_data.h"
#include "onnx/model_access.h"
#include "onnx/paths.h"

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

namespace {

// A read-only mapping of a whole file.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::invalid_argument(path + ": cannot open external data");
    struct stat info {};
    if (::fstat(fd, &info) != 0 || info.st_size <= 0) {
      ::close(fd);
      throw std::invalid_argument(path + ": cannot read external data (empty or unreadable)");
    }
    size_ = static_cast<std::size_t>(info.st_size);
    void* data = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (data == MAP_FAILED) throw std::invalid_argument(path + ": cannot map external data");
    data_ = static_cast<char*>(data);
  }
  ~MappedFile() { ::munmap(data_, size_); }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  char* data() const { return data_; }
  std::size_t size() const { return size_; }
  void release_pages() const { ::madvise(data_, size_, MADV_DONTNEED); }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
};

std::size_t element_size(int onnx_type) {
  switch (onnx_type) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return 4;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::DOUBLE:
      return 8;
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
      return 2;
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL:
      return 1;
    default:
      return 0;  // strings and packed types are never shared
  }
}

}  // namespace

struct SharedWeights::Impl {
  Impl() { Ort::ThrowOnError(Ort::GetApi().CreatePrepackedWeightsContainer(&prepacked)); }
  ~Impl() { Ort::GetApi().ReleasePrepackedWeightsContainer(prepacked); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  Ort::Env env{ORT_LOGGING_LEVEL_WARNING, "modelexport", log_to_stderr_on_request, nullptr};
  OrtPrepackedWeightsContainer* prepacked = nullptr;
  std::unique_ptr<MappedFile> mapped;  // the external data file, when shared
  std::vector<std::string> names;      // its tensors, given to each session as initializers
  std::vector<Ort::Value> values;      // pointing into `mapped`
};

SharedWeights::SharedWeights() : impl_(std::make_shared<Impl>()) {}

SharedWeights::SharedWeights(const std::string& model_path) : SharedWeights() {
  namespace fs = std::filesystem;
  OnnxModel model = OnnxModel::load(model_path);
  onnx::GraphProto& graph = *OnnxModelAccess::proto(model).mutable_graph();
  const fs::path directory = fs::path(model_path).parent_path();
  const auto memory = Ort::MemoryInfo::CreateCpu(OrtDeviceAllocator, OrtMemTypeDefault);
  std::string mapped_location;
  for (const onnx::TensorProto& tensor : graph.initializer()) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL) continue;
    const ExternalRef ref = external_ref(tensor);
    const std::string where = model_path + ": initializer " + tensor.name();
    if (!impl_->mapped) {
      const fs::path file = resolve_inside(directory, ref.location);
      if (file.empty() || fs::path(ref.location).is_absolute()) {
        throw std::invalid_argument(where + ": external data '" + ref.location +
                                    "' is outside the model's folder");
      }
      impl_->mapped = std::make_unique<MappedFile>(file.string());
      mapped_location = ref.location;
    } else if (ref.location != mapped_location) {
      throw std::invalid_argument(where + ": external data in a second file '" + ref.location +
                                  "' (shape buckets share one)");
    }
    const std::size_t size = element_size(tensor.data_type());
    std::uint64_t elements = 1;
    for (const auto dim : tensor.dims()) {
      if (dim < 0 || (dim > 0 && elements > UINT64_MAX / static_cast<std::uint64_t>(dim))) {
        throw std::invalid_argument(where + ": bad dimensions");
      }
      elements *= static_cast<std::uint64_t>(dim);
    }
    const std::uint64_t file_size = impl_->mapped->size();
    if (size == 0 || elements > UINT64_MAX / size || !ref.length ||
        *ref.length != elements * size || ref.offset > file_size ||
        *ref.length > file_size - ref.offset) {
      throw std::invalid_argument(where +
                                  ": external data lies past the end of its file or does not "
                                  "match the tensor's type and shape");
    }
    std::vector<std::int64_t> shape(tensor.dims().begin(), tensor.dims().end());
    impl_->names.push_back(tensor.name());
    // ORT reads initializers and never writes them; the C API takes a non-const pointer.
    impl_->values.push_back(Ort::Value::CreateTensor(
        memory, impl_->mapped->data() + ref.offset, *ref.length, shape.data(), shape.size(),
        static_cast<ONNXTensorElementDataType>(tensor.data_type())));
  }
}

SharedWeights::~SharedWeights() = default;

void SharedWeights::release_mapped_pages() const {
  if (impl_->mapped) impl_->mapped->release_pages();
}

struct Session::Impl {
  // The environment and prepacked weights, this session's own or a SharedWeights'.
  std::shared_ptr<SharedWeights::Impl> shared;
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
  const SharedWeights own;
  return open(model_path, options, own);
}

Session Session::open(const std::string& model_path, const SessionOptions& options,
                      const SharedWeights& shared) {
  check_threads("intra-op threads", options.intra_op_threads);
  check_threads("inter-op threads", options.inter_op_threads);
  auto impl = std::make_unique<Impl>();
  impl->shared = shared.impl_;
  Ort::SessionOptions ort_options;
  if (options.intra_op_threads > 0) ort_options.SetIntraOpNumThreads(options.intra_op_threads);
  if (options.inter_op_threads > 0) ort_options.SetInterOpNumThreads(options.inter_op_threads);
  ort_options.SetGraphOptimizationLevel(ort_level(options.optimization));
  for (std::size_t i = 0; i < shared.impl_->names.size(); ++i) {
    ort_options.AddInitializer(shared.impl_->names[i].c_str(), shared.impl_->values[i]);
  }
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
    impl->session =
        Ort::Session(impl->shared->env, model_path.c_str(), ort_options, impl->shared->prepacked);
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
