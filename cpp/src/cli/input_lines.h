// The readers of input files for `modelexport-run` and `modelexport run`: JSON lines (text
// tasks) and one path per line (image tasks).
#pragma once

#include <cstddef>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "modelexport/value.h"

namespace modelexport::cli {

// Reads `path`, one JSON value per line (split on "\n" only, so U+2028/U+2029/U+0085 inside a
// string are fine; a UTF-8 byte-order mark and "\r\n" endings are accepted; blank lines are
// skipped). A line is one input as the task takes it: a JSON string (a text) or an object
// ({"text": ..., "text_pair": ...}, {"question": ..., "context": ...}). Anything else is an
// std::invalid_argument naming the file and line.
std::vector<Value> read_input_lines(const std::string& path);

// Reads `path` as one image path (or data: URL) per line: image tasks' input files. Blank lines
// are skipped; a UTF-8 byte-order mark and "\r\n" endings are accepted; a line that is a JSON
// string ("photo.jpg") is that string, so JSON-lines files work too.
std::vector<Value> read_path_lines(const std::string& path);

// Reads `path` as document-question-answering inputs, one per line: an image path (as
// read_path_lines) or a JSON object {"image": path, "question": ..., "word_boxes": [[word,
// [x0, y0, x1, y1]], ...]} (the pipeline checks its members).
std::vector<Value> read_document_lines(const std::string& path);

// An input file read a chunk at a time, so that a large file runs in bounded memory: each line
// as read_input_lines / read_path_lines / read_document_lines take it (same errors, naming the
// file and line).
class InputLineReader {
 public:
  enum class Format { kJsonLines, kPaths, kDocuments };
  // The format of a task's input files, by the task's modality ("text", "document", others:
  // paths).
  static Format format_for(const std::string& modality);

  // Throws std::invalid_argument when `path` cannot be read.
  InputLineReader(const std::string& path, Format format);
  // Up to `count` more inputs (blank lines skipped); empty at the end of the file.
  std::vector<Value> next(std::size_t count);
  // Lines of the file consumed so far (blank ones included).
  std::size_t lines_read() const { return line_number_; }

 private:
  std::string path_;
  std::ifstream in_;
  std::function<Value(const std::string&, const std::string&)> read_line_;
  std::size_t line_number_ = 0;
};

// The number of lines of `path` (a last line without "\n" counts), for progress displays.
std::size_t count_lines(const std::string& path);

// A JSON document as a Value (numbers: integers stay integers).
Value to_value(const nlohmann::json& json);

}  // namespace modelexport::cli
