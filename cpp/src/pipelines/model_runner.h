// The model runner every pipeline uses: the package's processor and session, and the shape
// policy that fits prepared inputs into the graph's batches.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/pipeline.h"
#include "processors/processor.h"
#include "runtime/shape_policy.h"

namespace modelexport::pipelines {

class ModelRunner {
 public:
  ModelRunner(std::shared_ptr<const Package> package, const PipelineOptions& options);
  // Another graph of the package (a side graph such as a dual encoder's text_model.onnx), fed
  // by the processor of `processor_type`.
  ModelRunner(std::shared_ptr<const Package> package, const PipelineOptions& options,
              const std::string& graph_file, const std::string& processor_type);

  const Package& package() const { return *package_; }
  const std::shared_ptr<const Package>& shared_package() const { return package_; }
  const processors::Processor& processor() const { return *processor_; }
  const runtime::ShapePolicy& policy() const { return policy_; }
  // Whether the graph has an output called `name` (optional outputs such as pooler_output).
  bool has_output(const std::string& name) const;
  // The processor as the kind `task` needs (std::invalid_argument naming both otherwise).
  template <typename P>
  const P& processor_for(const std::string& task) const {
    return processors::processor_as<P>(*processor_, task);
  }

  struct Row {
    processors::Prepared input;        // as the graph was fed (padded)
    std::vector<FloatTensor> outputs;  // this input's slice of each requested output
  };
  // Runs prepared inputs in the batches the shape policy plans. Every output must have the
  // batch as its first axis (std::runtime_error naming it otherwise). Thread-safe.
  std::vector<Row> run(std::vector<processors::Prepared> inputs,
                       const std::vector<std::string>& output_names) const;

 private:
  std::shared_ptr<const Package> package_;
  std::string graph_path_;
  Session session_;
  runtime::ShapePolicy policy_;
  std::unique_ptr<processors::Processor> processor_;
};

// Checks that `output` (one input's slice) has `rank` axes and, where `sizes` gives one, that
// size; a graph that does not produce what the task reads is a std::runtime_error naming the
// output (a package's graph may not match the task it claims).
void check_output(const FloatTensor& output, const std::string& name,
                  const std::vector<std::optional<std::size_t>>& sizes);

}  // namespace modelexport::pipelines
