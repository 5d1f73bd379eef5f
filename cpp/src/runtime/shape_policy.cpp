// The shape policy (see shape_policy.h).
#include "runtime/shape_policy.h"

#include <algorithm>
#include <stdexcept>

namespace modelexport::runtime {

ShapePolicy::ShapePolicy(std::vector<TensorInfo> inputs, std::size_t max_batch_size)
    : inputs_(std::move(inputs)), max_batch_size_(std::max<std::size_t>(max_batch_size, 1)) {
  if (!inputs_.empty()) fixed_batch_ = fixed_dim(inputs_.front().name, 0);
}

const TensorInfo* ShapePolicy::input(const std::string& name) const {
  for (const auto& spec : inputs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::optional<std::size_t> ShapePolicy::fixed_dim(const std::string& name, std::size_t axis) const {
  const TensorInfo* spec = input(name);
  if (spec == nullptr || spec->dims.size() <= axis || spec->dims[axis] <= 0) return std::nullopt;
  return static_cast<std::size_t>(spec->dims[axis]);
}

std::vector<ShapePolicy::Batch> ShapePolicy::batches(std::size_t count) const {
  const std::size_t size = fixed_batch_.value_or(max_batch_size_);
  std::vector<Batch> out;
  for (std::size_t begin = 0; begin < count; begin += size) {
    const std::size_t real = std::min(size, count - begin);
    out.push_back({begin, real, fixed_batch_ ? size : real});
  }
  return out;
}

std::size_t ShapePolicy::padded_length(const std::string& name, std::size_t axis,
                                       std::size_t longest) const {
  const auto fixed = fixed_dim(name, axis);
  if (!fixed) return longest;
  if (longest > *fixed) {
    throw std::invalid_argument("an input has " + std::to_string(longest) + " elements on axis " +
                                std::to_string(axis) + " of '" + name + "'; the graph takes " +
                                std::to_string(*fixed));
  }
  return *fixed;
}

}  // namespace modelexport::runtime
