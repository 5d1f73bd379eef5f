// Inputs of the image tasks as Values: a file path or a data: URL (string), a file's encoded
// bytes, or decoded pixels (an image Value, from a numpy array or PIL image in Python).
#pragma once

#include <vector>

#include "modelexport/image.h"
#include "modelexport/image_decode.h"
#include "modelexport/value.h"
#include "processors/image_processor.h"

namespace modelexport::pipelines {

// Each input decoded as transformers' load_image does (EXIF orientation applied, converted to
// RGB); pixels given as a 1-channel array stay L (the image processor expands them). Throws
// PipelineError naming the input (its path, or "input N") for anything that is not an image: a URL
// (nothing is fetched), a missing or corrupt file, an image above the limits.
std::vector<Image> image_inputs(const std::vector<Value>& inputs,
                                const ImageDecodeOptions& options);

// Each image preprocessed by `processor`; an image that does not fit the graph is a
// PipelineError naming it ("input N").
std::vector<processors::Prepared> prepare_images(const processors::ImageProcessor& processor,
                                                 const std::vector<Image>& images);

}  // namespace modelexport::pipelines
