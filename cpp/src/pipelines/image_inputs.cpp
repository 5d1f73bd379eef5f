// Image inputs (see image_inputs.h).
#include "pipelines/image_inputs.h"

#include <stdexcept>
#include <string>

#include "modelexport/pipeline.h"
#include "onnx/codec.h"

namespace modelexport::pipelines {
namespace {

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

Image decode_string(const std::string& text, const ImageDecodeOptions& options) {
  if (starts_with(text, "http://") || starts_with(text, "https://") ||
      starts_with(text, "ftp://")) {
    throw PipelineError(text +
                        ": URLs are not fetched (modelexport runs offline); download the image "
                        "and pass its path");
  }
  if (starts_with(text, "data:image/")) {
    const auto comma = text.find(";base64,");
    if (comma == std::string::npos) {
      throw PipelineError("a data: URL must be base64 (data:image/...;base64,...)");
    }
    const std::string bytes = codec::base64_decode(std::string_view(text).substr(comma + 8));
    try {
      return decode_image(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(),
                          options);
    } catch (const std::invalid_argument& e) {
      throw PipelineError(std::string("data: URL: ") + e.what());
    }
  }
  try {
    return load_image_file(text, options);
  } catch (const std::exception& e) {
    // load_image_file names the file itself.
    throw PipelineError(e.what());
  }
}

Image image_input(const Value& input, std::size_t index, const ImageDecodeOptions& options) {
  const std::string where = "input " + std::to_string(index + 1);
  if (input.is_string()) return decode_string(input.as_string(), options);
  if (input.is_bytes()) {
    const std::string& bytes = input.as_bytes();
    try {
      return decode_image(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(),
                          options);
    } catch (const std::invalid_argument& e) {
      throw PipelineError(where + " (bytes): " + e.what());
    }
  }
  if (input.is_image()) {
    const Image& image = input.as_image();
    if (image.width == 0 || image.height == 0) throw PipelineError(where + ": empty image");
    if (image.channels != 1 && image.channels != 3) {
      throw PipelineError(where + ": pixels must have 1 or 3 channels, got " +
                          std::to_string(image.channels));
    }
    if (image.width * image.height > options.max_pixels) {
      throw PipelineError(where + ": " + std::to_string(image.width) + "x" +
                          std::to_string(image.height) + " pixels exceed the limit of " +
                          std::to_string(options.max_pixels));
    }
    return image;  // 1 channel (L) or 3: the image processor expands L to RGB
  }
  throw PipelineError(where + ": expected an image (a file path, bytes or pixels), got " +
                      Value::kind_name(input.kind()));
}

}  // namespace

std::vector<Image> image_inputs(const std::vector<Value>& inputs,
                                const ImageDecodeOptions& options) {
  std::vector<Image> images;
  images.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    images.push_back(image_input(inputs[i], i, options));
  }
  return images;
}

std::vector<processors::Prepared> prepare_images(const processors::ImageProcessor& processor,
                                                 const std::vector<Image>& images) {
  std::vector<processors::Prepared> prepared;
  prepared.reserve(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    try {
      prepared.push_back(processor.prepare(images[i]));
    } catch (const std::invalid_argument& e) {
      throw PipelineError("input " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  return prepared;
}

}  // namespace modelexport::pipelines
