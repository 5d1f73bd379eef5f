// The shape policy: how inputs of any modality are fitted to a graph's input shapes. One rule
// for every processor: axis 0 is the batch; a fixed batch takes exactly that many rows (a
// larger set is split, a smaller one filled up with filler rows whose results are dropped); a
// dynamic batch takes up to max_batch_size rows; every other axis is padded to the graph's
// fixed size (inputs longer than it are an error: processors truncate first) or, when the axis
// is dynamic, to the longest row of the batch.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/session.h"

namespace modelexport::runtime {

class ShapePolicy {
 public:
  ShapePolicy(std::vector<TensorInfo> inputs, std::size_t max_batch_size);

  const std::vector<TensorInfo>& inputs() const { return inputs_; }
  const TensorInfo* input(const std::string& name) const;
  // The size the graph fixes for `axis` of input `name`; nullopt for a dynamic axis.
  std::optional<std::size_t> fixed_dim(const std::string& name, std::size_t axis) const;
  // The batch size every input fixes, if any (the first input's axis 0).
  std::optional<std::size_t> fixed_batch() const { return fixed_batch_; }

  // One run of the graph: `real` inputs starting at `begin`, fed as `rows` rows (rows > real
  // when a fixed batch is filled up).
  struct Batch {
    std::size_t begin = 0;
    std::size_t real = 0;
    std::size_t rows = 0;
  };
  std::vector<Batch> batches(std::size_t count) const;

  // The size to pad `axis` of input `name` to when the longest row of the batch has `longest`
  // elements there. Throws std::invalid_argument when `longest` exceeds a fixed size.
  std::size_t padded_length(const std::string& name, std::size_t axis, std::size_t longest) const;

 private:
  std::vector<TensorInfo> inputs_;
  std::optional<std::size_t> fixed_batch_;
  std::size_t max_batch_size_;
};

}  // namespace modelexport::runtime
