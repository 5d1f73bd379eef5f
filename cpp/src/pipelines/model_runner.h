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

  // The sequence lengths of the package's smaller shape buckets, ascending (empty for one graph).
  std::vector<std::size_t> bucket_lengths() const;

  struct Row {
    processors::Prepared input;        // as the graph was fed (padded)
    std::vector<FloatTensor> outputs;  // this input's slice of each requested output
  };
  // Runs prepared inputs in the batches the shape policy plans, each on the smallest shape bucket
  // its longest row fits (model.onnx when none is smaller). Several inputs are sorted by length
  // first, so a batch holds inputs of similar length (less padding); rows come back in input
  // order. Every output must have the batch as its first axis (std::runtime_error naming it
  // otherwise). Thread-safe.
  std::vector<Row> run(std::vector<processors::Prepared> inputs,
                       const std::vector<std::string>& output_names) const;

 private:
  // A smaller shape bucket: its graph, fitted by its own policy.
  struct Bucket {
    std::size_t length = 0;
    std::string path;
    Session session;
    runtime::ShapePolicy policy;
  };
  void open_buckets(const PipelineOptions& options);

  std::shared_ptr<const Package> package_;
  // The shape buckets' sessions share model.onnx's weights (mapped once) and prepacked weights.
  std::shared_ptr<SharedWeights> shared_weights_;
  std::string graph_path_;
  Session session_;
  runtime::ShapePolicy policy_;
  std::unique_ptr<processors::Processor> processor_;
  std::vector<Bucket> buckets_;
};

// Checks that `output` (one input's slice) has `rank` axes and, where `sizes` gives one, that
// size; a graph that does not produce what the task reads is a std::runtime_error naming the
// output (a package's graph may not match the task it claims).
void check_output(const FloatTensor& output, const std::string& name,
                  const std::vector<std::optional<std::size_t>>& sizes);

}  // namespace modelexport::pipelines
