// The hf_embedded_files value of single-file packages: encoding, and decoding with every check a
// stranger's file needs (see modelexport/single_file.h and docs/package_format.md).
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "modelexport/limits.h"
#include "modelexport/metadata.h"
#include "modelexport/single_file.h"
#include "onnx/codec.h"
#include "text/json_document.h"

namespace modelexport {
namespace {

using Json = nlohmann::ordered_json;

std::uint32_t crc32_of(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large files in pieces.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const std::size_t n = std::min(kPiece, bytes.size() - at);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
  }
  return static_cast<std::uint32_t>(crc);
}

std::string crc_hex(std::uint32_t crc) {
  char text[9];
  std::snprintf(text, sizeof(text), "%08x", crc);
  return text;
}

// The problem with `name` as the relative path of an embedded file, or "" when it is safe: a
// name unpack can create inside the folder and nothing else (no absolute path, no "..", ".",
// empty component or backslash, no control characters), not a name of the model itself.
std::string name_problem(const std::string& name) {
  if (name.empty()) return "empty name";
  if (name.size() > limits::kMaxEmbeddedNameBytes) {
    return "name longer than " + std::to_string(limits::kMaxEmbeddedNameBytes) + " bytes";
  }
  if (name.front() == '/') return "absolute path";
  for (const unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "control character in the name";
    if (c == '\\') return "backslash in the name (names use '/')";
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    const std::string_view part(name.data() + start, end - start);
    if (part.empty()) return "empty path component";
    if (part == "..") return "path escapes the package folder ('..' component)";
    if (part == ".") return "'.' path component";
    if (part.size() > 255) return "path component longer than 255 bytes";
    start = end + 1;
  }
  if (name == "model.onnx" || name == "model.onnx_data") return "reserved name (the model)";
  return "";
}

// Names must be safe, unique, and no name may be the folder of another ("a" and "a/b").
void check_names(const std::vector<std::string>& names, const std::string& origin) {
  std::set<std::string> seen;
  for (const auto& name : names) {
    if (const std::string problem = name_problem(name); !problem.empty()) {
      throw std::invalid_argument(origin + ": embedded file '" + name + "': " + problem);
    }
    if (!seen.insert(name).second) {
      throw std::invalid_argument(origin + ": embedded file '" + name + "': duplicate name");
    }
  }
  for (const auto& name : names) {
    for (std::size_t slash = name.find('/'); slash != std::string::npos;
         slash = name.find('/', slash + 1)) {
      const std::string folder = name.substr(0, slash);
      if (seen.count(folder) != 0) {
        throw std::invalid_argument(origin + ": embedded file '" + name + "': '" + folder +
                                    "' is both a file and a folder");
      }
    }
  }
}

std::size_t expansion_limit(std::size_t stored) {
  const std::size_t ratio_limit =
      stored > (std::numeric_limits<std::size_t>::max() - (std::size_t{1} << 20)) /
                   limits::kMaxMetadataExpansion
          ? std::numeric_limits<std::size_t>::max()
          : stored * limits::kMaxMetadataExpansion + (std::size_t{1} << 20);
  return std::min(limits::kMaxEmbeddedFileBytes, ratio_limit);
}

}  // namespace

std::string encode_embedded_files(const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string origin(metadata_keys::kEmbeddedFiles);
  if (files.size() > limits::kMaxEmbeddedFiles) {
    throw std::invalid_argument(origin + ": " + std::to_string(files.size()) +
                                " files is over the limit of " +
                                std::to_string(limits::kMaxEmbeddedFiles));
  }
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.first);
  check_names(names, origin);
  Json list = Json::array();
  std::size_t total = 0;
  for (const auto& [name, bytes] : files) {
    const std::string data = codec::base64_encode(codec::gzip_compress(bytes));
    total += bytes.size();
    // The reader's limits, checked here too: a package we write must open.
    if (bytes.size() > expansion_limit(data.size())) {
      throw std::invalid_argument(
          origin + ": embedded file '" + name + "': " + std::to_string(bytes.size()) +
          " bytes is over the limit of " + std::to_string(expansion_limit(data.size())) +
          " (limits::kMaxEmbeddedFileBytes, or 64x its compressed size)");
    }
    if (total > limits::kMaxEmbeddedTotalBytes) {
      throw std::invalid_argument(origin + ": the files add up to more than " +
                                  std::to_string(limits::kMaxEmbeddedTotalBytes) +
                                  " bytes (limits::kMaxEmbeddedTotalBytes)");
    }
    list.push_back({{"name", name},
                    {"size", bytes.size()},
                    {"crc32", crc_hex(crc32_of(bytes))},
                    {"data", data}});
  }
  return Json{{"files", list}}.dump();
}

std::vector<EmbeddedFileData> decode_embedded_files(std::string_view value,
                                                    const std::string& origin) {
  const std::string where = origin + ": " + std::string(metadata_keys::kEmbeddedFiles);
  const Json document =
      text::parse_json_document<Json>(value, where, text::JsonNumbers::kCorrectlyRounded);
  const auto files = document.is_object() ? document.find("files") : document.end();
  if (files == document.end() || !files->is_array()) {
    throw std::invalid_argument(where + ": expected an object with a \"files\" array");
  }
  if (files->size() > limits::kMaxEmbeddedFiles) {
    throw std::invalid_argument(where + ": " + std::to_string(files->size()) +
                                " files is over the limit of " +
                                std::to_string(limits::kMaxEmbeddedFiles));
  }
  // Names first, all of them: a duplicate or escaping name is refused before any decoding.
  std::vector<std::string> names;
  for (std::size_t i = 0; i < files->size(); ++i) {
    const Json& entry = (*files)[i];
    const auto name = entry.is_object() ? entry.find("name") : entry.end();
    if (name == entry.end() || !name->is_string()) {
      throw std::invalid_argument(where + ": files[" + std::to_string(i) +
                                  "]: expected an object with a string \"name\"");
    }
    names.push_back(name->get<std::string>());
  }
  check_names(names, origin);

  std::vector<EmbeddedFileData> out;
  std::size_t total = 0;
  for (std::size_t i = 0; i < files->size(); ++i) {
    const Json& entry = (*files)[i];
    const std::string& name = names[i];
    const std::string what = origin + ": embedded file '" + name + "': ";
    const auto size = entry.find("size");
    const auto crc = entry.find("crc32");
    const auto data = entry.find("data");
    if (size == entry.end() || !size->is_number_unsigned()) {
      throw std::invalid_argument(what + "\"size\" is not a non-negative integer");
    }
    if (crc == entry.end() || !crc->is_string() || crc->get<std::string>().size() != 8 ||
        crc->get<std::string>().find_first_not_of("0123456789abcdef") != std::string::npos) {
      throw std::invalid_argument(what + "\"crc32\" is not 8 lowercase hex digits");
    }
    if (data == entry.end() || !data->is_string()) {
      throw std::invalid_argument(what + "\"data\" is not a string");
    }
    const std::string& stored = data->get_ref<const std::string&>();
    const std::uint64_t declared = size->get<std::uint64_t>();
    const std::size_t limit = expansion_limit(stored.size());
    if (declared > limit) {
      throw std::invalid_argument(what + "declares " + std::to_string(declared) +
                                  " bytes, over the limit of " + std::to_string(limit) + " for " +
                                  std::to_string(stored.size()) + " stored bytes");
    }
    total += static_cast<std::size_t>(declared);
    if (total > limits::kMaxEmbeddedTotalBytes) {
      throw std::invalid_argument(where + ": the files add up to more than " +
                                  std::to_string(limits::kMaxEmbeddedTotalBytes) + " bytes");
    }
    std::string compressed;
    try {
      compressed = codec::base64_decode(stored);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(what + "bad base64 (" + e.what() + ")");
    }
    std::string bytes;
    try {
      // One byte past the declared size tells "longer than declared" from a bad stream.
      bytes = codec::gzip_decompress(compressed, static_cast<std::size_t>(declared) + 1);
    } catch (const std::invalid_argument& e) {
      const std::string reason = e.what();
      if (reason.find("limit") != std::string::npos) {
        throw std::invalid_argument(what + "size mismatch (decodes to more than the declared " +
                                    std::to_string(declared) + " bytes)");
      }
      throw std::invalid_argument(what + "bad gzip data (" + reason + ")");
    }
    if (bytes.size() != declared) {
      throw std::invalid_argument(what + "size mismatch (declares " + std::to_string(declared) +
                                  " bytes, decodes to " + std::to_string(bytes.size()) + ")");
    }
    const std::uint32_t actual = crc32_of(bytes);
    if (crc_hex(actual) != crc->get<std::string>()) {
      throw std::invalid_argument(what + "checksum mismatch (crc32 " + crc_hex(actual) +
                                  ", declared " + crc->get<std::string>() + ")");
    }
    EmbeddedFileData file;
    file.info.name = name;
    file.info.size = declared;
    file.info.stored_size = stored.size();
    file.info.crc32 = actual;
    file.bytes = std::move(bytes);
    out.push_back(std::move(file));
  }
  return out;
}

}  // namespace modelexport
