// Image results (segmentation masks) on the command line: JSON has no images, so each one is
// written as a PNG file whose path takes its place, or embedded as a base64 PNG data: URL.
#pragma once

#include <cstddef>
#include <string>

#include "modelexport/value.h"

namespace modelexport::cli {

struct ImageOutput {
  std::string directory = "masks";  // created when the first image is written
  bool base64 = false;              // data:image/png;base64,... instead of files
};

// `result` (the result of input number `input`, from 1) with every image replaced by the path
// of the PNG file written for it (DIR/<input>-<k>-<label>.png, k counting the images of that
// result; written atomically) or by its data: URL.
Value images_as_references(const Value& result, std::size_t input, const ImageOutput& output);

}  // namespace modelexport::cli
