// The input of the text pipelines: a text, or a text pair (sentence-pair classification).
#pragma once

#include <optional>
#include <string>

namespace modelexport {

struct TextInput {
  std::string text;
  std::optional<std::string> pair;
};

}  // namespace modelexport
