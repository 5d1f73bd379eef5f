// OCR: the words of a document image and their boxes, from Tesseract, exactly as transformers'
// document-question-answering pipeline gets them through pytesseract (which runs the tesseract
// command with TSV output): the same engine calls as that command, so the same words and boxes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "modelexport/image.h"

namespace modelexport {

struct OcrOptions {
  // Tesseract language(s), as `tesseract -l` takes them ("eng", "eng+deu"); empty: the
  // command's default (eng). The traineddata must be installed (Debian tesseract-ocr-LANG).
  std::string lang;
  // Extra command-line flags as pytesseract's `config` string takes them: --psm N, --oem N,
  // --dpi N, -l LANG and -c NAME=VALUE (shell-quoted). Anything else is std::invalid_argument.
  std::string config;
};

// Pixel boxes (left, top, left + width, top + height) as Tesseract's TSV reports them.
using PixelBox = std::array<std::int64_t, 4>;
// Boxes scaled to 0..1000 of the page (transformers' normalize_box).
using NormalizedBox = std::array<std::int64_t, 4>;

struct OcrWords {
  std::vector<std::string> words;  // non-blank words in Tesseract's reading order
  std::vector<PixelBox> boxes;     // one per word, in pixels
};

// The words Tesseract reads in `image` (1 channel L or 3 channels RGB, as pytesseract hands the
// image to the command: a lossless PNG without a resolution), blank words dropped. Throws
// std::invalid_argument for a bad config, an unusable image, a language that is not installed,
// std::runtime_error when Tesseract fails.
OcrWords recognize_words(const Image& image, const OcrOptions& options = {});

// transformers' normalize_box: int(1000 * coordinate / side) for each coordinate (truncated
// toward zero). Throws std::invalid_argument for a zero width or height.
NormalizedBox normalize_box(const PixelBox& box, std::size_t width, std::size_t height);

// The flags of OcrOptions::config, parsed (what the tesseract command would do with them).
struct TesseractFlags {
  int page_segmentation_mode = 3;  // --psm (the command's default: fully automatic)
  int engine_mode = 3;             // --oem (3: the default, whatever the data supports)
  int dpi = 0;                     // --dpi (0: not given)
  std::string lang;                // -l, when given in the config
  std::vector<std::pair<std::string, std::string>> variables;  // -c NAME=VALUE
};
// Splits `config` as Python's shlex.split does (quotes, backslashes) and reads the flags.
// Throws std::invalid_argument naming the flag for anything unsupported or malformed.
TesseractFlags parse_tesseract_config(const std::string& config);

}  // namespace modelexport
