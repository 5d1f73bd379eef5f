// The model runner (see model_runner.h).
#include "pipelines/model_runner.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "modelexport/package.h"
#include "modelexport/shape_buckets.h"

namespace modelexport::pipelines {

namespace {

std::shared_ptr<SharedWeights> shared_weights_for(const Package& package) {
  if (package.shape_buckets().empty() || package.self_contained()) {
    return std::make_shared<SharedWeights>();
  }
  return std::make_shared<SharedWeights>(package.model_path());
}

}  // namespace

ModelRunner::ModelRunner(std::shared_ptr<const Package> package, const PipelineOptions& options)
    : package_(std::move(package)),
      shared_weights_(shared_weights_for(*package_)),
      graph_path_(package_->model_path()),
      session_(Session::open(graph_path_, options.session, *shared_weights_)),
      policy_(session_.inputs(), options.max_batch_size),
      processor_(processors::create_processor(*package_, policy_)) {
  open_buckets(options);
}

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
      shared_weights_(std::make_shared<SharedWeights>()),
      graph_path_(side_graph_path(*package_, graph_file)),
      session_(Session::open(graph_path_, options.session, *shared_weights_)),
      policy_(session_.inputs(), options.max_batch_size),
      processor_(processors::create_processor(*package_, policy_, processor_type)) {}

void ModelRunner::open_buckets(const PipelineOptions& options) {
  const std::vector<std::int64_t> lengths = package_->shape_buckets();
  if (lengths.empty()) return;
  const auto largest = policy_.fixed_dim("input_ids", 1);
  if (!largest || static_cast<std::int64_t>(*largest) != lengths.back()) {
    throw std::invalid_argument(graph_path_ + ": shape buckets end at " +
                                std::to_string(lengths.back()) +
                                " tokens, but the graph does not fix input_ids to that length");
  }
  for (auto it = lengths.begin(); it + 1 < lengths.end(); ++it) {
    const std::string file = shape_bucket_file(*it);
    const std::string path = side_graph_path(*package_, file);
    Session session = Session::open(path, options.session, *shared_weights_);
    runtime::ShapePolicy policy(session.inputs(), options.max_batch_size);
    if (policy.fixed_dim("input_ids", 1) != static_cast<std::size_t>(*it) ||
        policy.fixed_batch() != policy_.fixed_batch()) {
      throw std::invalid_argument(path + ": not the " + std::to_string(*it) + "-token bucket of " +
                                  graph_path_ + " (its input_ids shape differs)");
    }
    buckets_.push_back(
        {static_cast<std::size_t>(*it), path, std::move(session), std::move(policy)});
  }
  shared_weights_->release_mapped_pages();
}

std::vector<std::size_t> ModelRunner::bucket_lengths() const {
  std::vector<std::size_t> lengths;
  for (const auto& bucket : buckets_) lengths.push_back(bucket.length);
  return lengths;
}

bool ModelRunner::has_output(const std::string& name) const {
  const auto& outputs = session_.outputs();
  return std::any_of(outputs.begin(), outputs.end(),
                     [&](const TensorInfo& output) { return output.name == name; });
}

std::vector<ModelRunner::Row> ModelRunner::run(std::vector<processors::Prepared> inputs,
                                               const std::vector<std::string>& output_names) const {
  // Shortest first (stable: equal lengths keep their order), as sentence-transformers batches.
  std::vector<std::size_t> order(inputs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return inputs[a].encoding.size() < inputs[b].encoding.size();
  });
  std::vector<Row> rows(inputs.size());
  for (const auto& batch : policy_.batches(inputs.size())) {
    std::vector<processors::Prepared> batch_rows;
    batch_rows.reserve(batch.rows);
    std::size_t longest = 0;
    for (std::size_t i = batch.begin; i < batch.begin + batch.real; ++i) {
      batch_rows.push_back(std::move(inputs[order[i]]));
      longest = std::max(longest, batch_rows.back().encoding.size());
    }
    // A fixed batch is filled up with copies of its first row; their results are dropped.
    batch_rows.resize(batch.rows, batch_rows.front());
    const Session* session = &session_;
    const runtime::ShapePolicy* policy = &policy_;
    const std::string* path = &graph_path_;
    for (const auto& bucket : buckets_) {
      if (longest <= bucket.length) {
        session = &bucket.session;
        policy = &bucket.policy;
        path = &bucket.path;
        break;
      }
    }
    const processors::Feeds feeds = processor_->feeds(batch_rows, *policy);
    std::vector<std::pair<std::string, InputTensor>> named;
    for (const auto& [name, tensor] : feeds) {
      named.emplace_back(name, std::visit([](const auto& t) { return InputTensor(&t); }, tensor));
    }
    const std::vector<FloatTensor> outputs = session->run(named, output_names);
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      const FloatTensor& output = outputs[o];
      std::size_t elements = 1;
      for (auto d : output.shape)
        elements *= static_cast<std::size_t>(std::max<std::int64_t>(d, 0));
      if (output.shape.empty() || output.shape.front() != static_cast<std::int64_t>(batch.rows) ||
          elements != output.data.size()) {
        throw std::runtime_error(*path + ": output " + output_names[o] +
                                 " does not have the batch (" + std::to_string(batch.rows) +
                                 " rows) as its first axis");
      }
    }
    for (std::size_t i = 0; i < batch.real; ++i) {
      Row& row = rows[order[batch.begin + i]];
      row.input = std::move(batch_rows[i]);
      for (const auto& output : outputs) {
        FloatTensor slice;
        slice.shape.assign(output.shape.begin() + 1, output.shape.end());
        const std::size_t stride = output.data.size() / batch.rows;
        slice.data.assign(output.data.begin() + static_cast<std::ptrdiff_t>(i * stride),
                          output.data.begin() + static_cast<std::ptrdiff_t>((i + 1) * stride));
        row.outputs.push_back(std::move(slice));
      }
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
