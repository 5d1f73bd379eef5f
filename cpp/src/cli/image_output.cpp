// Image results on the command line (see image_output.h).
#include "cli/image_output.h"

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "modelexport/atomic_file.h"
#include "modelexport/image_decode.h"
#include "onnx/codec.h"

namespace modelexport::cli {
namespace {

// A label as part of a file name: letters, digits, '-' and '_' kept, anything else '_'.
std::string file_part(const std::string& label) {
  std::string part;
  for (unsigned char c : label) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    part += keep ? static_cast<char>(c) : '_';
  }
  return part.substr(0, 64);
}

struct Writer {
  const ImageOutput& output;
  std::size_t input;
  std::size_t count = 0;

  std::string reference(const Image& image, const std::string& label) {
    const std::vector<std::uint8_t> png = encode_png(image);
    const std::string_view bytes(reinterpret_cast<const char*>(png.data()), png.size());
    if (output.base64) return "data:image/png;base64," + codec::base64_encode(bytes);
    char prefix[48];
    std::snprintf(prefix, sizeof prefix, "%04zu-%zu", input, ++count);
    std::string name = prefix;
    if (!label.empty()) name += "-" + file_part(label);
    const std::filesystem::path path = std::filesystem::path(output.directory) / (name + ".png");
    std::error_code error;
    std::filesystem::create_directories(output.directory, error);
    if (error) {
      throw std::runtime_error(output.directory + ": cannot create the folder for masks (" +
                               error.message() + ")");
    }
    write_file_atomically(path.string(), bytes);
    return path.string();
  }

  Value walk(const Value& value, const std::string& label) {
    if (value.is_image()) return Value(reference(value.as_image(), label));
    if (value.is_array()) {
      Value::Array items;
      for (const auto& item : value.as_array()) items.push_back(walk(item, label));
      return Value(std::move(items));
    }
    if (value.is_object()) {
      // An object's "label" names the images beside it (a segment's mask).
      const Value* own = value.find("label");
      const std::string& name = own != nullptr && own->is_string() ? own->as_string() : label;
      Value::Object members;
      for (const auto& [key, member] : value.as_object()) {
        members.emplace_back(key, walk(member, name));
      }
      return Value(std::move(members));
    }
    return value;
  }
};

}  // namespace

Value images_as_references(const Value& result, std::size_t input, const ImageOutput& output) {
  Writer writer{output, input};
  return writer.walk(result, "");
}

}  // namespace modelexport::cli
