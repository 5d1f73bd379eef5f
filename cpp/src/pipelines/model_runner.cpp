// The model runner (see model_runner.h).
#include "pipelines/model_runner.h"

#include <algorithm>
#include <stdexcept>

#include "modelexport/package.h"

namespace modelexport::pipelines {

ModelRunner::ModelRunner(std::shared_ptr<const Package> package, const PipelineOptions& options)
    : package_(std::move(package)),
      graph_path_(package_->model_path()),
      session_(Session::open(graph_path_, options.session)),
      policy_(session_.inputs(), options.max_batch_size),
      processor_(processors::create_processor(*package_, policy_)) {}

namespace {

// The path of a graph beside the package's model (a folder package's file only: a single file
// never carries side graphs, pack refuses them).
std::string side_graph_path(const Package& package, const std::string& graph_file) {
  if (!package.has_file(graph_file) || package.self_contained()) {
    throw std::invalid_argument(package.file_origin(graph_file) +
                                ": missing (the task runs this graph of the package)");
  }
  return package.file_origin(graph_file);
}

}  // namespace

ModelRunner::ModelRunner(std::shared_ptr<const Package> package, const PipelineOptions& options,
                         const std::string& graph_file, const std::string& processor_type)
    : package_(std::move(package)),
      graph_path_(side_graph_path(*package_, graph_file)),
      session_(Session::open(graph_path_, options.session)),
      policy_(session_.inputs(), options.max_batch_size),
      processor_(processors::create_processor(*package_, policy_, processor_type)) {}

bool ModelRunner::has_output(const std::string& name) const {
  const auto& outputs = session_.outputs();
  return std::any_of(outputs.begin(), outputs.end(),
                     [&](const TensorInfo& output) { return output.name == name; });
}

std::vector<ModelRunner::Row> ModelRunner::run(std::vector<processors::Prepared> inputs,
                                               const std::vector<std::string>& output_names) const {
  std::vector<Row> rows;
  rows.reserve(inputs.size());
  for (const auto& batch : policy_.batches(inputs.size())) {
    std::vector<processors::Prepared> batch_rows(
        std::make_move_iterator(inputs.begin() + static_cast<std::ptrdiff_t>(batch.begin)),
        std::make_move_iterator(inputs.begin() +
                                static_cast<std::ptrdiff_t>(batch.begin + batch.real)));
    // A fixed batch is filled up with copies of its first row; their results are dropped.
    batch_rows.resize(batch.rows, batch_rows.front());
    const processors::Feeds feeds = processor_->feeds(batch_rows, policy_);
    std::vector<std::pair<std::string, InputTensor>> named;
    for (const auto& [name, tensor] : feeds) {
      named.emplace_back(name, std::visit([](const auto& t) { return InputTensor(&t); }, tensor));
    }
    const std::vector<FloatTensor> outputs = session_.run(named, output_names);
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      const FloatTensor& output = outputs[o];
      std::size_t elements = 1;
      for (auto d : output.shape)
        elements *= static_cast<std::size_t>(std::max<std::int64_t>(d, 0));
      if (output.shape.empty() || output.shape.front() != static_cast<std::int64_t>(batch.rows) ||
          elements != output.data.size()) {
        throw std::runtime_error(graph_path_ + ": output " + output_names[o] +
                                 " does not have the batch (" + std::to_string(batch.rows) +
                                 " rows) as its first axis");
      }
    }
    for (std::size_t i = 0; i < batch.real; ++i) {
      Row row;
      row.input = std::move(batch_rows[i]);
      for (const auto& output : outputs) {
        FloatTensor slice;
        slice.shape.assign(output.shape.begin() + 1, output.shape.end());
        const std::size_t stride = output.data.size() / batch.rows;
        slice.data.assign(output.data.begin() + static_cast<std::ptrdiff_t>(i * stride),
                          output.data.begin() + static_cast<std::ptrdiff_t>((i + 1) * stride));
        row.outputs.push_back(std::move(slice));
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

void check_output(const FloatTensor& output, const std::string& name,
                  const std::vector<std::optional<std::size_t>>& sizes) {
  bool ok = output.shape.size() == sizes.size();
  for (std::size_t axis = 0; ok && axis < sizes.size(); ++axis) {
    ok = !sizes[axis] || output.shape[axis] == static_cast<std::int64_t>(*sizes[axis]);
  }
  if (!ok) {
    std::string shape;
    for (auto d : output.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    throw std::runtime_error("output " + name + " has shape [" + shape +
                             "] per input, not what the task reads (" +
                             std::to_string(sizes.size()) + " axes)");
  }
}

}  // namespace modelexport::pipelines
