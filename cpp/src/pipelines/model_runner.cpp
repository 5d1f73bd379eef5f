// The model runner (see model_runner.h).
#include "pipelines/model_runner.h"

#include "modelexport/package.h"

namespace modelexport::pipelines {

ModelRunner::ModelRunner(std::shared_ptr<const Package> package, const PipelineOptions& options)
    : package_(std::move(package)),
      session_(Session::open(package_->model_path(), options.session)),
      policy_(session_.inputs(), options.max_batch_size),
      processor_(processors::create_processor(*package_, policy_)) {}

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

}  // namespace modelexport::pipelines
