// ByteFallback decoder, as tokenizers' decoders/byte_fallback.rs.
#include "text/decoders/byte_fallback.h"

#include <optional>

#include "text/utf8.h"

namespace modelexport::text {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte of a token "<0xXX>". The two characters are parsed like Rust's
// u8::from_str_radix(_, 16), which also takes a '+' sign: "<0x+A>" is byte 0x0A.
std::optional<unsigned char> byte_of(const std::string& token) {
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') {
    return std::nullopt;
  }
  const int high = token[3] == '+' ? 0 : hex_digit(token[3]);
  const int low = hex_digit(token[4]);
  if (high < 0 || low < 0) return std::nullopt;
  return static_cast<unsigned char>(high * 16 + low);
}

void flush(std::string& bytes, std::vector<std::string>& out) {
  if (bytes.empty()) return;
  if (is_valid_utf8(bytes)) {
    out.push_back(std::move(bytes));
  } else {
    for (std::size_t i = 0; i < bytes.size(); ++i) out.emplace_back("\xEF\xBF\xBD");  // U+FFFD
  }
  bytes.clear();
}

}  // namespace

std::unique_ptr<Decoder> ByteFallback::from_json(const JsonRef& /*json*/) {
  return std::make_unique<ByteFallback>();
}

std::vector<std::string> ByteFallback::decode_chain(std::vector<std::string> tokens) const {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  std::string bytes;
  for (std::string& token : tokens) {
    if (auto byte = byte_of(token)) {
      bytes.push_back(static_cast<char>(*byte));
    } else {
      flush(bytes, out);
      out.push_back(std::move(token));
    }
  }
  flush(bytes, out);
  return out;
}

}  // namespace modelexport::text
