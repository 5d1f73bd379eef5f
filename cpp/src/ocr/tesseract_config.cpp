// pytesseract's `config` string: split like shlex.split and read as the tesseract command's
// flags (see ocr.h).
#include <cctype>
#include <stdexcept>
#include <string>
#include <vector>

#include "modelexport/ocr.h"

namespace modelexport {
namespace {

// Python's shlex.split (POSIX mode): whitespace separates, quotes group, a backslash escapes the
// next character outside single quotes (inside double quotes only before \ " $ `).
std::vector<std::string> shell_split(const std::string& text) {
  std::vector<std::string> words;
  std::string current;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      std::size_t j = i + 1;
      for (; j < text.size() && text[j] != c; ++j) {
        const bool escape = c == '"' && text[j] == '\\' && j + 1 < text.size() &&
                            std::string("\\\"$`").find(text[j + 1]) != std::string::npos;
        if (escape) ++j;
        current += text[j];
      }
      if (j >= text.size()) throw std::invalid_argument("tesseract_config: no closing quotation");
      i = j;
      in_word = true;
    } else if (c == '\\') {
      if (i + 1 >= text.size())
        throw std::invalid_argument("tesseract_config: no escaped character");
      current += text[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(current));
      current.clear();
      in_word = false;
    } else {
      current += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(current));
  return words;
}

int parse_number(const std::string& flag, const std::string& text, int low, int high) {
  std::size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < low || value > high) {
    throw std::invalid_argument("tesseract_config: " + flag + " takes a number from " +
                                std::to_string(low) + " to " + std::to_string(high) + ", got '" +
                                text + "'");
  }
  return value;
}

}  // namespace

TesseractFlags parse_tesseract_config(const std::string& config) {
  TesseractFlags flags;
  const std::vector<std::string> args = shell_split(config);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) {
        throw std::invalid_argument("tesseract_config: " + flag + " needs a value");
      }
      return args[++i];
    };
    if (flag == "--psm") {
      flags.page_segmentation_mode = parse_number(flag, value(), 0, 13);
    } else if (flag == "--oem") {
      flags.engine_mode = parse_number(flag, value(), 0, 3);
    } else if (flag == "--dpi") {
      flags.dpi = parse_number(flag, value(), 1, 2400);
    } else if (flag == "-l") {
      flags.lang = value();
    } else if (flag == "-c") {
      const std::string& assignment = value();
      const auto equals = assignment.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw std::invalid_argument("tesseract_config: -c takes NAME=VALUE, got '" + assignment +
                                    "'");
      }
      flags.variables.emplace_back(assignment.substr(0, equals), assignment.substr(equals + 1));
    } else {
      throw std::invalid_argument(
          "tesseract_config: unsupported flag '" + flag +
          "' (supported: --psm N, --oem N, --dpi N, -l LANG, -c NAME=VALUE)");
    }
  }
  return flags;
}

}  // namespace modelexport
