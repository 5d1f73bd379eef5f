// An ONNX Runtime inference session behind a standard-library interface. Everything that
// touches ORT lives in cpp/src/runtime; nothing else includes its headers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "modelexport/tensor_info.h"

namespace modelexport {

enum class GraphOptimization { kDisabled, kBasic, kExtended, kAll };

class ProfileRecorder;  // modelexport/profile.h

struct SessionOptions {
  int intra_op_threads = 0;  // 0: ONNX Runtime's default
  int inter_op_threads = 0;
  GraphOptimization optimization = GraphOptimization::kAll;
  // Set: ONNX Runtime profiles the session (trace and optimized graph written into the
  // recorder's folder, each Run's wall time recorded); `modelexport profile` only.
  std::shared_ptr<ProfileRecorder> profiler;
};

template <typename T>
struct Tensor {
  std::vector<std::int64_t> shape;
  std::vector<T> data;
};

using Int64Tensor = Tensor<std::int64_t>;
using FloatTensor = Tensor<float>;

// A graph input to run with: int64 (token ids, masks) or float32 (pixels, audio samples).
using InputTensor = std::variant<const Int64Tensor*, const FloatTensor*>;

// What sessions opened with the same SharedWeights share: ONNX Runtime's environment and its
// prepacked weights (the kernel-specific layouts, such as MatMul's packed matrices, that ORT
// otherwise computes and keeps once per session). The shape buckets of a package are one graph
// at several lengths: with this their packed weights exist once, not once per bucket.
class SharedWeights {
 public:
  // Shares the prepacked weights only.
  SharedWeights();
  // Also maps the external data file of `model_path` (model.onnx_data) once and gives its
  // tensors to every session as shared initializers, so no session loads a copy of them: what
  // lets ONNX Runtime share the prepacked weights between graphs. Throws std::invalid_argument
  // naming the model or tensor when the external data lies outside the folder or does not match
  // the tensor's type and shape.
  explicit SharedWeights(const std::string& model_path);
  ~SharedWeights();
  // Once every session is open: hands the mapped pages back to the kernel's page cache. The
  // kernels read their prepacked copies; what they still read of the originals (embedding rows,
  // norms) is paged in again on demand, so only the weights in use stay resident.
  void release_mapped_pages() const;
  SharedWeights(const SharedWeights&) = delete;
  SharedWeights& operator=(const SharedWeights&) = delete;

 private:
  friend class Session;
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

class Session {
 public:
  // Throws std::runtime_error naming the file when ONNX Runtime cannot load it.
  static Session open(const std::string& model_path, const SessionOptions& options = {});
  // The same, sharing `shared` with the other sessions opened with it (kept alive by each).
  static Session open(const std::string& model_path, const SessionOptions& options,
                      const SharedWeights& shared);

  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  const std::vector<TensorInfo>& inputs() const;
  const std::vector<TensorInfo>& outputs() const;

  // Runs the model; safe to call from several threads at once on one session. Inputs are
  // int64 or float32 tensors, outputs are returned as float32. Throws std::invalid_argument for
  // unknown names, element types or shapes the graph rejects, std::runtime_error for other ORT
  // failures.
  std::vector<FloatTensor> run(const std::vector<std::pair<std::string, InputTensor>>& inputs,
                               const std::vector<std::string>& output_names) const;

 private:
  struct Impl;
  explicit Session(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace modelexport
