// External data of ONNX tensors (see external_data.h).
#include "onnx/external_data.h"

#include <charconv>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "onnx/paths.h"

namespace modelexport {

namespace fs = std::filesystem;

ExternalRef external_ref(const onnx::TensorProto& tensor) {
  ExternalRef ref;
  for (const auto& entry : tensor.external_data()) {
    if (entry.key() == "location") {
      ref.location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      std::uint64_t value = 0;
      const auto& text = entry.value();
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size()) {
        throw std::invalid_argument("initializer " + tensor.name() + ": bad external " +
                                    entry.key() + " '" + text + "'");
      }
      if (entry.key() == "offset") {
        ref.offset = value;
      } else {
        ref.length = value;
      }
    }
  }
  if (ref.location.empty()) {
    throw std::invalid_argument("initializer " + tensor.name() + ": external data has no location");
  }
  return ref;
}

// The bytes of an external initializer, read from its file inside `directory` only.
std::string read_external(const onnx::TensorProto& tensor, const fs::path& directory) {
  const ExternalRef ref = external_ref(tensor);
  const fs::path file = resolve_inside(directory, ref.location);
  if (file.empty() || fs::path(ref.location).is_absolute()) {
    throw std::invalid_argument("initializer " + tensor.name() + ": external data location '" +
                                ref.location + "' is outside the model's folder");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument(file.string() + ": cannot read external data");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(in.tellg());
  const std::uint64_t length = ref.length.value_or(size >= ref.offset ? size - ref.offset : 0);
  if (ref.offset > size || length > size - ref.offset) {
    throw std::invalid_argument(file.string() + ": external data of " + tensor.name() +
                                " lies past the end of the file");
  }
  std::string bytes(length, '\0');
  in.seekg(static_cast<std::streamoff>(ref.offset));
  in.read(bytes.data(), static_cast<std::streamsize>(length));
  if (!in) throw std::invalid_argument(file.string() + ": read error");
  return bytes;
}

namespace {

void collect_external(onnx::GraphProto& graph, std::vector<onnx::TensorProto*>& out) {
  for (auto& tensor : *graph.mutable_initializer()) {
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL) out.push_back(&tensor);
  }
  for (auto& node : *graph.mutable_node()) {
    for (auto& attribute : *node.mutable_attribute()) {
      if (attribute.has_t() && attribute.t().data_location() == onnx::TensorProto::EXTERNAL) {
        out.push_back(attribute.mutable_t());
      }
      for (auto& tensor : *attribute.mutable_tensors()) {
        if (tensor.data_location() == onnx::TensorProto::EXTERNAL) out.push_back(&tensor);
      }
      if (attribute.has_g()) collect_external(*attribute.mutable_g(), out);
      for (auto& subgraph : *attribute.mutable_graphs()) collect_external(subgraph, out);
    }
  }
}

}  // namespace

std::vector<onnx::TensorProto*> external_tensors(onnx::GraphProto& graph) {
  std::vector<onnx::TensorProto*> out;
  collect_external(graph, out);
  return out;
}

std::uint64_t inline_external_data(onnx::ModelProto& model, const fs::path& directory) {
  std::uint64_t inlined = 0;
  for (onnx::TensorProto* tensor : external_tensors(*model.mutable_graph())) {
    std::string bytes = read_external(*tensor, directory);
    inlined += bytes.size();
    tensor->clear_external_data();
    tensor->set_data_location(onnx::TensorProto::DEFAULT);
    tensor->set_raw_data(std::move(bytes));
  }
  return inlined;
}

namespace {

void set_external(onnx::TensorProto& tensor, const std::string& location, std::uint64_t offset,
                  std::uint64_t length) {
  tensor.clear_external_data();
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"location", location},
                                   {"offset", std::to_string(offset)},
                                   {"length", std::to_string(length)}}) {
    auto* entry = tensor.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  }
  tensor.set_data_location(onnx::TensorProto::EXTERNAL);
}

}  // namespace

void externalize_weights(onnx::GraphProto& graph, const fs::path& data_path) {
  const std::string location = data_path.filename().string();
  std::error_code ec;
  std::uint64_t offset = fs::exists(data_path, ec) ? fs::file_size(data_path) : 0;
  std::ofstream out(data_path, std::ios::binary | std::ios::app);
  if (!out) throw std::runtime_error(data_path.string() + ": cannot write external data");
  const std::string padding(kExternalAlignment, '\0');
  for (auto& tensor : *graph.mutable_initializer()) {
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL || !tensor.has_raw_data() ||
        tensor.raw_data().size() < kExternalThreshold) {
      continue;
    }
    const std::uint64_t gap =
        (kExternalAlignment - offset % kExternalAlignment) % kExternalAlignment;
    out.write(padding.data(), static_cast<std::streamsize>(gap));
    offset += gap;
    const std::string& bytes = tensor.raw_data();
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    const std::uint64_t length = bytes.size();
    tensor.clear_raw_data();
    set_external(tensor, location, offset, length);
    offset += length;
  }
  out.close();
  if (!out) throw std::runtime_error(data_path.string() + ": write error");
}

}  // namespace modelexport
