// Graphs cut from a package's model.onnx that share its weights: the towers of a dual encoder
// (CLIP's text and image encoders) run on their own, so one side's results can be cached,
// while model.onnx stays the whole model Optimum loads. The weights are stored once, in
// external data beside the model, and every slice points into that file.
#pragma once

#include <string>
#include <vector>

namespace modelexport {

struct GraphSlice {
  std::string file_name;             // written beside the model ("text_model.onnx")
  std::vector<std::string> outputs;  // graph outputs of the model the slice computes
};

// The data file a package's weights live in: "<model file name>_data", Optimum's name.
std::string external_data_name(const std::string& model_file_name);

// Moves the model's inline initializers of 1 KiB or more into its external data file (kept
// when the weights are already there), rewrites the model, then writes each slice beside it:
// the nodes its outputs need (in graph order, tags and all), the graph inputs they read, the
// initializers they use pointing into the same data file. Throws std::invalid_argument naming
// the slice and the output that the model does not have, or a slice that would overwrite a file
// of the package.
void write_graph_slices(const std::string& model_path, const std::vector<GraphSlice>& slices);

}  // namespace modelexport
