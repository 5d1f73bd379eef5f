// Bindings of the native tokenizer (modelexport._native.Tokenizer / Encoding), mirroring the
// Hugging Face `tokenizers` Python API names.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <stdexcept>

#include "modelexport/tokenizer.h"

namespace nb = nanobind;
using namespace nb::literals;

void bind_tokenizer(nb::module_& m) {
  nb::class_<modelexport::Encoding>(m, "Encoding")
      .def_ro("ids", &modelexport::Encoding::ids)
      .def_ro("type_ids", &modelexport::Encoding::type_ids)
      .def_ro("tokens", &modelexport::Encoding::tokens)
      .def_ro("offsets", &modelexport::Encoding::offsets)
      .def_ro("special_tokens_mask", &modelexport::Encoding::special_tokens_mask)
      .def_ro("attention_mask", &modelexport::Encoding::attention_mask)
      .def_ro("word_ids", &modelexport::Encoding::word_ids)
      .def_ro("sequence_ids", &modelexport::Encoding::sequence_ids)
      .def_ro("overflowing", &modelexport::Encoding::overflowing)
      .def("__len__", &modelexport::Encoding::size)
      // tokenizers' Encoding methods (None where tokenizers returns None).
      .def("token_to_sequence", &modelexport::Encoding::token_to_sequence, "token_index"_a)
      .def("token_to_word", &modelexport::Encoding::token_to_word, "token_index"_a)
      .def("word_to_tokens", &modelexport::Encoding::word_to_tokens, "word_index"_a,
           "sequence_index"_a = 0)
      .def("word_to_chars", &modelexport::Encoding::word_to_chars, "word_index"_a,
           "sequence_index"_a = 0)
      .def("char_to_token", &modelexport::Encoding::char_to_token, "char_pos"_a,
           "sequence_index"_a = 0)
      .def(
          "pad",
          [](modelexport::Encoding& self, std::size_t length, std::int64_t pad_id,
             std::int64_t pad_type_id, const std::string& pad_token, const std::string& direction) {
            if (direction != "right" && direction != "left") {
              throw std::invalid_argument("direction must be 'right' or 'left', got '" + direction +
                                          "'");
            }
            self.pad(length, pad_id, pad_type_id, pad_token,
                     direction == "left" ? modelexport::Direction::kLeft
                                         : modelexport::Direction::kRight);
          },
          "length"_a, "pad_id"_a = 0, "pad_type_id"_a = 0, "pad_token"_a = "[PAD]",
          "direction"_a = "right", "Pads in place, as tokenizers' Encoding.pad.");

  nb::class_<modelexport::Tokenizer>(m, "Tokenizer")
      .def_static("from_file", &modelexport::Tokenizer::from_file, "path"_a)
      .def_static(
          "from_str",
          [](const std::string& json) { return modelexport::Tokenizer::from_json_string(json); },
          "json"_a)
      .def(
          "encode",
          [](const modelexport::Tokenizer& self, const std::string& text,
             std::optional<std::string> pair, bool add_special_tokens) {
            nb::gil_scoped_release release;
            if (pair) return self.encode(text, std::string_view(*pair), add_special_tokens);
            return self.encode(text, std::nullopt, add_special_tokens);
          },
          "sequence"_a, "pair"_a = nb::none(), "add_special_tokens"_a = true)
      .def(
          "encode_batch",
          [](const modelexport::Tokenizer& self, const std::vector<std::string>& texts,
             bool add_special_tokens) {
            nb::gil_scoped_release release;
            return self.encode_batch(texts, add_special_tokens);
          },
          "input"_a, "add_special_tokens"_a = true)
      .def(
          "encode_batch_pairs",
          [](const modelexport::Tokenizer& self,
             const std::vector<std::pair<std::string, std::string>>& pairs,
             bool add_special_tokens) {
            nb::gil_scoped_release release;
            return self.encode_batch(pairs, add_special_tokens);
          },
          "input"_a, "add_special_tokens"_a = true)
      .def("decode", &modelexport::Tokenizer::decode, "ids"_a, "skip_special_tokens"_a = true,
           nb::call_guard<nb::gil_scoped_release>())
      .def("token_to_id", &modelexport::Tokenizer::token_to_id, "token"_a)
      .def("id_to_token", &modelexport::Tokenizer::id_to_token, "id"_a)
      .def("get_vocab_size", &modelexport::Tokenizer::vocab_size, "with_added_tokens"_a = true)
      .def("no_padding", [](modelexport::Tokenizer& self) { self.set_padding(std::nullopt); })
      .def("no_truncation", [](modelexport::Tokenizer& self) { self.set_truncation(std::nullopt); })
      .def(
          "enable_truncation",
          [](modelexport::Tokenizer& self, std::size_t max_length, std::size_t stride,
             const std::string& strategy, const std::string& direction) {
            modelexport::TruncationOptions options;
            options.max_length = max_length;
            options.stride = stride;
            options.strategy = modelexport::parse_truncation_strategy(strategy);
            if (direction != "left" && direction != "right") {
              throw std::invalid_argument("direction must be 'left' or 'right', got '" + direction +
                                          "'");
            }
            options.direction = direction == "left" ? modelexport::Direction::kLeft
                                                    : modelexport::Direction::kRight;
            self.set_truncation(options);
          },
          "max_length"_a, "stride"_a = 0, "strategy"_a = "longest_first", "direction"_a = "right")
      .def(
          "enable_padding",
          [](modelexport::Tokenizer& self, std::optional<std::size_t> length, std::int64_t pad_id,
             std::int64_t pad_type_id, const std::string& pad_token,
             std::optional<std::size_t> pad_to_multiple_of) {
            modelexport::PaddingOptions options;
            options.length = length;
            options.pad_id = pad_id;
            options.pad_type_id = pad_type_id;
            options.pad_token = pad_token;
            options.pad_to_multiple_of = pad_to_multiple_of;
            self.set_padding(options);
          },
          "length"_a = nb::none(), "pad_id"_a = 0, "pad_type_id"_a = 0, "pad_token"_a = "[PAD]",
          "pad_to_multiple_of"_a = nb::none());
}
