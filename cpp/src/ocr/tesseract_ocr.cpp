// OCR through Tesseract's C++ API, calling it as the `tesseract IMAGE OUT -c
// tessedit_create_tsv=1 [config]` command that pytesseract's image_to_data runs does (Init with
// the -c variables, set them again, the command's page segmentation default, --dpi as
// user_defined_dpi, SetImage, Recognize, the TSV of page 0), and reading the TSV as pytesseract
// and transformers' apply_tesseract do. Tesseract's types stay in this file.
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "modelexport/ocr.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport {
namespace {

struct PixDeleter {
  void operator()(Pix* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// The image as leptonica reads the PNG pytesseract writes for it: 8 bpp gray for L, 32 bpp with
// 3 samples for RGB, no resolution (Pillow writes no pHYs chunk unless asked).
PixPtr to_pix(const Image& image) {
  const auto width = static_cast<l_int32>(image.width);
  const auto height = static_cast<l_int32>(image.height);
  PixPtr pix(pixCreate(width, height, image.channels == 1 ? 8 : 32));
  if (!pix)
    throw std::runtime_error("OCR: cannot allocate a " + std::to_string(width) + "x" +
                             std::to_string(height) + " image");
  const l_int32 wpl = pixGetWpl(pix.get());
  l_uint32* data = pixGetData(pix.get());
  const std::uint8_t* src = image.pixels.data();
  for (l_int32 y = 0; y < height; ++y) {
    l_uint32* line = data + static_cast<std::size_t>(y) * static_cast<std::size_t>(wpl);
    for (l_int32 x = 0; x < width; ++x) {
      if (image.channels == 1) {
        SET_DATA_BYTE(line, x, *src++);
      } else {
        l_uint32 pixel = 0;
        composeRGBPixel(src[0], src[1], src[2], &pixel);
        line[x] = pixel;
        src += 3;
      }
    }
  }
  return pix;
}

bool blank(const std::string& word) {
  for (std::size_t pos = 0; pos < word.size();) {
    if (!text::unicode::is_whitespace(text::decode_utf8(word, pos))) return false;
  }
  return true;
}

std::int64_t tsv_number(const std::string& cell) {
  // pytesseract: int(float(cell)).
  try {
    return static_cast<std::int64_t>(std::stod(cell));
  } catch (const std::exception&) {
    throw std::runtime_error("OCR: Tesseract's TSV has a malformed number '" + cell + "'");
  }
}

bool valid_lang(const std::string& lang) {
  if (lang.empty()) return false;
  for (char c : lang) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

OcrWords recognize_words(const Image& image, const OcrOptions& options) {
  if (image.width == 0 || image.height == 0) throw std::invalid_argument("OCR: empty image");
  if (image.channels != 1 && image.channels != 3) {
    throw std::invalid_argument("OCR: images must have 1 or 3 channels, got " +
                                std::to_string(image.channels));
  }
  if (image.pixels.size() != image.width * image.height * image.channels) {
    throw std::invalid_argument("OCR: the pixels do not match the image size");
  }
  const TesseractFlags flags = parse_tesseract_config(options.config);
  const std::string lang =
      !flags.lang.empty() ? flags.lang : (!options.lang.empty() ? options.lang : "eng");
  if (!valid_lang(lang)) {
    throw std::invalid_argument("OCR: '" + lang + "' is not a Tesseract language name");
  }

  // The command's -c variables: pytesseract's tessedit_create_tsv, then the config's; Tesseract's
  // diagnostics (resolution estimates) are not ours to print.
  std::vector<std::string> names = {"tessedit_create_tsv", "debug_file"};
  std::vector<std::string> values = {"1", "/dev/null"};
  for (const auto& [name, value] : flags.variables) {
    names.push_back(name);
    values.push_back(value);
  }
  tesseract::TessBaseAPI api;
  if (api.Init(nullptr, lang.c_str(), static_cast<tesseract::OcrEngineMode>(flags.engine_mode),
               nullptr, 0, &names, &values, false) != 0) {
    throw std::invalid_argument("OCR: Tesseract cannot load language '" + lang +
                                "' for engine mode " + std::to_string(flags.engine_mode) +
                                " (is its traineddata installed? Debian: tesseract-ocr-" + lang +
                                ")");
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!api.SetVariable(names[i].c_str(), values[i].c_str())) {
      throw std::invalid_argument("OCR: Tesseract has no variable '" + names[i] + "'");
    }
  }
  if (api.GetPageSegMode() == tesseract::PSM_SINGLE_BLOCK) {
    api.SetPageSegMode(static_cast<tesseract::PageSegMode>(flags.page_segmentation_mode));
  }
  if (flags.dpi > 0) api.SetVariable("user_defined_dpi", std::to_string(flags.dpi).c_str());

  PixPtr pix = to_pix(image);
  api.SetImage(pix.get());
  if (api.Recognize(nullptr) < 0) {
    throw std::invalid_argument("OCR: Tesseract could not recognize the " +
                                std::to_string(image.width) + "x" + std::to_string(image.height) +
                                " image");
  }
  const std::unique_ptr<char[]> tsv(api.GetTSVText(0));
  api.End();
  if (!tsv) throw std::runtime_error("OCR: Tesseract returned no TSV");

  // level page block par line word left top width height conf text, one row per line.
  OcrWords result;
  std::istringstream rows{std::string(tsv.get())};
  std::string row;
  while (std::getline(rows, row)) {
    std::vector<std::string> cells;
    std::size_t from = 0;
    for (std::size_t tab; (tab = row.find('\t', from)) != std::string::npos; from = tab + 1) {
      cells.push_back(row.substr(from, tab - from));
    }
    cells.push_back(row.substr(from));
    if (cells.size() < 12) continue;
    const std::string& word = cells[11];
    if (word.empty() || blank(word)) continue;
    const std::int64_t left = tsv_number(cells[6]);
    const std::int64_t top = tsv_number(cells[7]);
    result.words.push_back(word);
    result.boxes.push_back({left, top, left + tsv_number(cells[8]), top + tsv_number(cells[9])});
  }
  return result;
}

NormalizedBox normalize_box(const PixelBox& box, std::size_t width, std::size_t height) {
  if (width == 0 || height == 0) throw std::invalid_argument("normalize_box: empty page");
  // int(1000 * (x / side)) in Python floats: the division first, then the product, truncated.
  auto scale = [](std::int64_t x, std::size_t side) {
    return static_cast<std::int64_t>(1000.0 * (static_cast<double>(x) / static_cast<double>(side)));
  };
  return {scale(box[0], width), scale(box[1], height), scale(box[2], width), scale(box[3], height)};
}

}  // namespace modelexport
