// OCR (modelexport/ocr.h): box normalization, the Tesseract flags pytesseract's config string
// may carry, and recognition on pages without text. Word and box parity with pytesseract on
// real text images is tests/test_document_qa.py's.
#include <gtest/gtest.h>

#include <stdexcept>

#include "modelexport/ocr.h"
#include "processors/document_processor.h"

namespace modelexport {
namespace {

TEST(NormalizeBox, ScalesToThousandthsOfThePageTruncating) {
  // int(1000 * (x / side)): 1000 * 1/3 = 333.33 -> 333; 2/3 -> 666; the far edge -> 1000.
  EXPECT_EQ(normalize_box({1, 2, 3, 3}, 3, 3), (NormalizedBox{333, 666, 1000, 1000}));
  EXPECT_EQ(normalize_box({0, 0, 599, 299}, 600, 300), (NormalizedBox{0, 0, 998, 996}));
  EXPECT_EQ(normalize_box({20, 80, 120, 104}, 600, 300), (NormalizedBox{33, 266, 200, 346}));
}

TEST(NormalizeBox, RejectsAnEmptyPage) {
  EXPECT_THROW(normalize_box({0, 0, 1, 1}, 0, 10), std::invalid_argument);
}

TEST(TesseractConfig, DefaultsAreTheCommandsDefaults) {
  const TesseractFlags flags = parse_tesseract_config("");
  EXPECT_EQ(flags.page_segmentation_mode, 3);
  EXPECT_EQ(flags.engine_mode, 3);
  EXPECT_EQ(flags.dpi, 0);
  EXPECT_TRUE(flags.variables.empty());
}

TEST(TesseractConfig, ReadsFlagsSplitLikeShlex) {
  const TesseractFlags flags = parse_tesseract_config(
      "--psm 6 --oem 1 --dpi 300 -l deu -c 'tessedit_char_whitelist=A B' -c \"x=\\\"y\\\"\"");
  EXPECT_EQ(flags.page_segmentation_mode, 6);
  EXPECT_EQ(flags.engine_mode, 1);
  EXPECT_EQ(flags.dpi, 300);
  EXPECT_EQ(flags.lang, "deu");
  ASSERT_EQ(flags.variables.size(), 2U);
  EXPECT_EQ(flags.variables[0].first, "tessedit_char_whitelist");
  EXPECT_EQ(flags.variables[0].second, "A B");
  EXPECT_EQ(flags.variables[1].second, "\"y\"");
}

TEST(TesseractConfig, RejectsWhatTheCommandWouldNotRunWith) {
  EXPECT_THROW(parse_tesseract_config("--psm"), std::invalid_argument);
  EXPECT_THROW(parse_tesseract_config("--psm 14"), std::invalid_argument);
  EXPECT_THROW(parse_tesseract_config("--oem x"), std::invalid_argument);
  EXPECT_THROW(parse_tesseract_config("-c novalue"), std::invalid_argument);
  EXPECT_THROW(parse_tesseract_config("--tessdata-dir /tmp"), std::invalid_argument);
  EXPECT_THROW(parse_tesseract_config("'unclosed"), std::invalid_argument);
}

Image blank_page(std::size_t width, std::size_t height, std::size_t channels) {
  Image image;
  image.width = width;
  image.height = height;
  image.channels = channels;
  image.pixels.assign(width * height * channels, 255);
  return image;
}

TEST(RecognizeWords, FindsNoWordsOnABlankPage) {
  EXPECT_TRUE(recognize_words(blank_page(120, 80, 3)).words.empty());
  EXPECT_TRUE(recognize_words(blank_page(120, 80, 1)).boxes.empty());
}

TEST(RecognizeWords, RejectsBadImagesAndLanguages) {
  EXPECT_THROW(recognize_words(blank_page(0, 10, 3)), std::invalid_argument);
  EXPECT_THROW(recognize_words(blank_page(10, 10, 4)), std::invalid_argument);
  EXPECT_THROW(recognize_words(blank_page(10, 10, 3), {"../eng", ""}), std::invalid_argument);
  EXPECT_THROW(recognize_words(blank_page(10, 10, 3), {"xx-not-installed", ""}),
               std::invalid_argument);
  EXPECT_THROW(recognize_words(blank_page(10, 10, 3), {"", "-c no_such_variable=1"}),
               std::invalid_argument);
}

TEST(SplitWhitespace, SplitsLikePythonStrSplit) {
  using processors::split_whitespace;
  EXPECT_EQ(split_whitespace("  What is\tthe\u00a0total?\n"),
            (std::vector<std::string>{"What", "is", "the", "total?"}));
  EXPECT_EQ(split_whitespace("a\x1c"
                             "b"),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(split_whitespace(" \t ").empty());
}

}  // namespace
}  // namespace modelexport
