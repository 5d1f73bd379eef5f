// OnnxModel: protobuf-backed ONNX model with metadata editing and graph signature queries.
#include "modelexport/onnx_model.h"

#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/wire_format_lite.h>

#include <limits>
#include <stdexcept>
#include <unordered_set>

#include "modelexport/atomic_file.h"
#include "onnx/model_access.h"

namespace modelexport {

struct OnnxModel::Impl {
  onnx::ModelProto proto;
};

onnx::ModelProto& OnnxModelAccess::proto(OnnxModel& model) { return model.impl_->proto; }
const onnx::ModelProto& OnnxModelAccess::proto(const OnnxModel& model) {
  return model.impl_->proto;
}
OnnxModel OnnxModelAccess::wrap(onnx::ModelProto proto) {
  auto impl = std::make_unique<OnnxModel::Impl>();
  impl->proto = std::move(proto);
  return OnnxModel(std::move(impl));
}

namespace {

std::string element_type_name(std::int32_t type) {
  switch (type) {
    case onnx::TensorProto::FLOAT:
      return "float32";
    case onnx::TensorProto::UINT8:
      return "uint8";
    case onnx::TensorProto::INT8:
      return "int8";
    case onnx::TensorProto::UINT16:
      return "uint16";
    case onnx::TensorProto::INT16:
      return "int16";
    case onnx::TensorProto::INT32:
      return "int32";
    case onnx::TensorProto::INT64:
      return "int64";
    case onnx::TensorProto::STRING:
      return "string";
    case onnx::TensorProto::BOOL:
      return "bool";
    case onnx::TensorProto::FLOAT16:
      return "float16";
    case onnx::TensorProto::DOUBLE:
      return "float64";
    case onnx::TensorProto::UINT32:
      return "uint32";
    case onnx::TensorProto::UINT64:
      return "uint64";
    case onnx::TensorProto::BFLOAT16:
      return "bfloat16";
    default:
      return "type" + std::to_string(type);
  }
}

TensorInfo describe_value(const onnx::ValueInfoProto& value) {
  TensorInfo info;
  info.name = value.name();
  if (!value.type().has_tensor_type()) {
    info.element_type = "non-tensor";
    info.rank_known = false;
    return info;
  }
  const auto& tensor = value.type().tensor_type();
  info.element_type = element_type_name(tensor.elem_type());
  info.rank_known = tensor.has_shape();
  for (const auto& dim : tensor.shape().dim()) {
    const bool fixed = dim.has_dim_value();
    info.dims.push_back(fixed ? dim.dim_value() : -1);
    info.dim_names.push_back(!fixed && dim.has_dim_param() ? dim.dim_param() : "");
  }
  return info;
}

}  // namespace

OnnxModel::OnnxModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OnnxModel::OnnxModel(OnnxModel&&) noexcept = default;
OnnxModel& OnnxModel::operator=(OnnxModel&&) noexcept = default;
OnnxModel::~OnnxModel() = default;

OnnxModel OnnxModel::load(const std::string& path) { return parse(read_file(path), path); }

MetadataProps read_metadata_props(const std::string& path) {
  using google::protobuf::internal::WireFormatLite;
  constexpr int kGraphField = 7;
  constexpr int kMetadataPropsField = 14;
  constexpr int kIrVersionField = 1;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read " + path);
  google::protobuf::io::FileInputStream file(fd);
  file.SetCloseOnDelete(true);
  google::protobuf::io::CodedInputStream input(&file);
  const auto corrupt = [&path](const char* what) {
    return std::invalid_argument(path + ": not a valid ONNX model (" + what + ")");
  };
  MetadataProps props;
  bool has_graph = false;
  bool has_ir_version = false;
  for (std::uint32_t tag = input.ReadTag(); tag != 0; tag = input.ReadTag()) {
    const int field = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
    const auto wire_type = WireFormatLite::GetTagWireType(tag);
    if (field == kMetadataPropsField && wire_type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      std::uint32_t length = 0;
      std::string bytes;
      onnx::StringStringEntryProto entry;
      if (!input.ReadVarint32(&length) || !input.ReadString(&bytes, static_cast<int>(length)) ||
          !entry.ParseFromString(bytes)) {
        throw corrupt("metadata_props");
      }
      props.emplace_back(entry.key(), entry.value());
      continue;
    }
    has_graph = has_graph || field == kGraphField;
    has_ir_version = has_ir_version || field == kIrVersionField;
    if (!WireFormatLite::SkipField(&input, tag)) throw corrupt("truncated or malformed");
  }
  if (!input.ConsumedEntireMessage() || file.GetErrno() != 0)
    throw corrupt("protobuf parse failed");
  if (!has_graph || !has_ir_version) throw corrupt("no graph or no IR version");
  return props;
}

OnnxModel OnnxModel::parse(std::string_view bytes, const std::string& origin) {
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument(origin +
                                ": model over 2 GB must keep its weights as external data");
  }
  auto impl = std::make_unique<Impl>();
  if (bytes.empty() || !impl->proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw std::invalid_argument(origin + ": not a valid ONNX model (protobuf parse failed)");
  }
  if (!impl->proto.has_graph() || impl->proto.ir_version() <= 0) {
    throw std::invalid_argument(origin + ": not a valid ONNX model (no graph or no IR version)");
  }
  return OnnxModel(std::move(impl));
}

void OnnxModel::save(const std::string& path) const { write_file_atomically(path, serialize()); }

std::string OnnxModel::serialize() const {
  std::string bytes;
  if (!impl_->proto.SerializeToString(&bytes)) {
    throw std::runtime_error("cannot serialize ONNX model (over 2 GB without external data?)");
  }
  return bytes;
}

MetadataProps OnnxModel::metadata_props() const {
  MetadataProps props;
  props.reserve(static_cast<std::size_t>(impl_->proto.metadata_props_size()));
  for (const auto& entry : impl_->proto.metadata_props())
    props.emplace_back(entry.key(), entry.value());
  return props;
}

std::optional<std::string> OnnxModel::metadata(std::string_view key) const {
  for (const auto& entry : impl_->proto.metadata_props()) {
    if (entry.key() == key) return entry.value();
  }
  return std::nullopt;
}

void OnnxModel::set_metadata(std::string_view key, std::string_view value) {
  for (auto& entry : *impl_->proto.mutable_metadata_props()) {
    if (entry.key() == key) {
      entry.set_value(std::string(value));
      return;
    }
  }
  auto* entry = impl_->proto.add_metadata_props();
  entry->set_key(std::string(key));
  entry->set_value(std::string(value));
}

bool OnnxModel::erase_metadata(std::string_view key) {
  auto* props = impl_->proto.mutable_metadata_props();
  for (int i = 0; i < props->size(); ++i) {
    if (props->Get(i).key() == key) {
      props->DeleteSubrange(i, 1);
      return true;
    }
  }
  return false;
}

std::vector<TensorInfo> OnnxModel::inputs() const {
  const auto& graph = impl_->proto.graph();
  std::unordered_set<std::string> initializers;
  for (const auto& init : graph.initializer()) initializers.insert(init.name());
  std::vector<TensorInfo> result;
  for (const auto& input : graph.input()) {
    if (initializers.count(input.name()) == 0) result.push_back(describe_value(input));
  }
  return result;
}

std::vector<TensorInfo> OnnxModel::outputs() const {
  std::vector<TensorInfo> result;
  for (const auto& output : impl_->proto.graph().output()) result.push_back(describe_value(output));
  return result;
}

std::vector<std::pair<std::string, std::int64_t>> OnnxModel::opset_imports() const {
  std::vector<std::pair<std::string, std::int64_t>> result;
  for (const auto& opset : impl_->proto.opset_import()) {
    result.emplace_back(opset.domain().empty() ? "ai.onnx" : opset.domain(), opset.version());
  }
  return result;
}

std::int64_t OnnxModel::ir_version() const { return impl_->proto.ir_version(); }
std::string OnnxModel::producer_name() const { return impl_->proto.producer_name(); }
std::string OnnxModel::producer_version() const { return impl_->proto.producer_version(); }
std::size_t OnnxModel::node_count() const {
  return static_cast<std::size_t>(impl_->proto.graph().node_size());
}
std::size_t OnnxModel::initializer_count() const {
  return static_cast<std::size_t>(impl_->proto.graph().initializer_size());
}

}  // namespace modelexport
