// modelexport._native.ocr_words: recognize_words (modelexport/ocr.h) on a uint8 array, for
// parity checks against pytesseract and for callers who OCR once and pass word_boxes later.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/array.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <stdexcept>
#include <string>

#include "modelexport/ocr.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using PixelArray = nb::ndarray<const std::uint8_t, nb::c_contig, nb::device::cpu>;

modelexport::OcrWords ocr_words(const PixelArray& pixels, const std::string& lang,
                                const std::string& tesseract_config) {
  modelexport::Image image;
  if (pixels.ndim() == 2) {
    image.channels = 1;
  } else if (pixels.ndim() == 3 && pixels.shape(2) == 3) {
    image.channels = 3;
  } else {
    throw std::invalid_argument("ocr_words: pixels must be (height, width) or (height, width, 3)");
  }
  image.height = pixels.shape(0);
  image.width = pixels.shape(1);
  image.pixels.assign(pixels.data(), pixels.data() + pixels.size());
  nb::gil_scoped_release release;
  return modelexport::recognize_words(image, {lang, tesseract_config});
}

}  // namespace

void bind_ocr(nb::module_& m) {
  nb::class_<modelexport::OcrWords>(m, "OcrWords",
                                    "Words Tesseract read and their pixel boxes (x0, y0, x1, y1).")
      .def_ro("words", &modelexport::OcrWords::words)
      .def_ro("boxes", &modelexport::OcrWords::boxes);
  m.def("ocr_words", &ocr_words, "pixels"_a, "lang"_a = "", "tesseract_config"_a = "",
        "Tesseract OCR of a uint8 image array ((height, width) gray or (height, width, 3) RGB) "
        "as pytesseract.image_to_data(image, lang=lang, config=tesseract_config) reads it, blank "
        "words dropped. Raises ValueError for a bad config, image or language.");
  m.def(
      "normalize_box",
      [](const modelexport::PixelBox& box, std::size_t width, std::size_t height) {
        return modelexport::normalize_box(box, width, height);
      },
      "box"_a, "width"_a, "height"_a,
      "A pixel box scaled to 0..1000 of the page as transformers' normalize_box does.");
}
