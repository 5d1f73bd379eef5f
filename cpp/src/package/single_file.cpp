// pack / unpack: a package folder as one self-contained .onnx and back (see
// modelexport/single_file.h).
#include <stdlib.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <system_error>

#include "modelexport/atomic_file.h"
#include "modelexport/limits.h"
#include "modelexport/metadata.h"
#include "modelexport/onnx_model.h"
#include "modelexport/package_info.h"
#include "modelexport/shape_buckets.h"
#include "modelexport/single_file.h"
#include "onnx/external_data.h"
#include "onnx/model_access.h"
#include "onnx/paths.h"

namespace modelexport {
namespace {

namespace fs = std::filesystem;

fs::path folder_of(const std::string& model_path) {
  const fs::path parent = fs::path(model_path).parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

std::string mib(std::uint64_t bytes) {
  return std::to_string((bytes + (std::uint64_t{1} << 19)) >> 20) + " MiB";
}

[[noreturn]] void too_big(const std::string& output, std::uint64_t bytes, const std::string& why) {
  throw std::invalid_argument(
      output + ": a single file would be " + std::to_string(bytes) + " bytes (" + mib(bytes) + ")" +
      why + ", over protobuf's 2 GB limit (" + std::to_string(limits::kMaxSingleFileBytes) +
      " bytes); keep the package folder");
}

// The files of the package folder beside the model, sorted by name: every regular file at any
// depth except the model and its external data files. A file that resolves outside the folder
// (a symbolic link) or is not a regular file is refused.
std::vector<std::pair<std::string, std::string>> side_files(const fs::path& directory,
                                                            const std::set<std::string>& skip,
                                                            std::uint64_t& total_bytes) {
  std::vector<std::string> names;
  for (auto it = fs::recursive_directory_iterator(directory);
       it != fs::recursive_directory_iterator(); ++it) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().lexically_relative(directory).generic_string();
    if (skip.count(name) != 0) continue;
    if (entry.is_symlink() && resolve_inside(directory, entry.path()).empty()) {
      throw std::invalid_argument(entry.path().string() +
                                  ": refused, it resolves outside the package");
    }
    if (entry.is_directory()) {
      if (entry.is_symlink()) {
        throw std::invalid_argument(entry.path().string() +
                                    ": a symbolic link to a folder cannot be packed");
      }
      continue;
    }
    if (!entry.is_regular_file()) {
      throw std::invalid_argument(entry.path().string() + ": not a regular file");
    }
    if (entry.path().extension() == ".onnx") {
      // A graph beside the model (a dual encoder's towers) reads the model's external weights,
      // which a single file inlines into the model alone.
      throw std::invalid_argument(entry.path().string() +
                                  ": packages with graphs beside the model cannot be a single "
                                  "file yet; keep the package folder");
    }
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& name : names) {
    files.emplace_back(name, read_file((directory / name).string()));
    total_bytes += files.back().second.size();
  }
  return files;
}

// The minor part of a format version ("1" of "2.1"); -1 when it is not a number. A source of an
// older 2.x is marked as the version that has hf_embedded_files, a newer one keeps its own.
int minor_version(std::string_view version) {
  const std::size_t dot = version.find('.');
  int minor = -1;
  if (dot == std::string_view::npos) return minor;
  const char* end = version.data() + version.size();
  const auto [at, error] = std::from_chars(version.data() + dot + 1, end, minor);
  return error == std::errc() && at == end ? minor : -1;
}

std::uint64_t file_size_or_zero(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

// A folder built beside its destination and renamed into place at the end; removed with
// everything in it unless committed.
class StagingFolder {
 public:
  explicit StagingFolder(const fs::path& destination) : destination_(destination) {
    const fs::path parent =
        destination.parent_path().empty() ? fs::path(".") : destination.parent_path();
    fs::create_directories(parent);
    std::string pattern =
        (parent / ("." + destination.filename().string() + ".partial-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a folder beside " + destination.string());
    }
    path_ = pattern;
  }
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;
  ~StagingFolder() {
    if (!committed_) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  const fs::path& path() const { return path_; }
  // rename(2) replaces only an empty folder: a destination filled meanwhile is not touched.
  void commit() {
    std::error_code ec;
    fs::rename(path_, destination_, ec);
    if (ec) {
      throw std::runtime_error("cannot create " + destination_.string() + ": " + ec.message());
    }
    committed_ = true;
  }

 private:
  fs::path destination_;
  fs::path path_;
  bool committed_ = false;
};

void write_files(const std::vector<EmbeddedFileData>& files, const fs::path& folder) {
  for (const auto& file : files) {
    const fs::path target = folder / fs::path(file.info.name);
    fs::create_directories(target.parent_path());
    std::error_code ec;
    if (fs::exists(fs::symlink_status(target, ec))) {
      throw std::invalid_argument(target.string() + ": already exists");
    }
    write_file_atomically(target.string(), file.bytes);
  }
}

std::vector<EmbeddedFileData> embedded_files_of(const MetadataProps& props,
                                                const std::string& model_path) {
  for (const auto& [key, value] : props) {
    if (key == metadata_keys::kEmbeddedFiles) {
      const std::string decoded = decode_metadata_value(value, key);
      return decode_embedded_files(decoded, model_path);
    }
  }
  throw std::invalid_argument(model_path + ": not a single-file package (no " +
                              std::string(metadata_keys::kEmbeddedFiles) + " metadata)");
}

}  // namespace

PackResult pack_package(const std::string& package_path, const std::string& output_path,
                        bool overwrite) {
  const std::string model_path = resolve_model_path(package_path);
  const fs::path directory = folder_of(model_path);
  // The metadata first (not the weights): what the source is decides the first refusals.
  const MetadataProps props = decoded_metadata_props(read_metadata_props(model_path), model_path);
  const auto has = [&props](std::string_view key) {
    return std::any_of(props.begin(), props.end(), [key](const auto& p) { return p.first == key; });
  };
  if (!has(metadata_keys::kVersion)) {
    throw std::invalid_argument(model_path + ": no " + std::string(metadata_keys::kVersion) +
                                " metadata: not a modelexport package");
  }
  if (has(metadata_keys::kEmbeddedFiles)) {
    throw std::invalid_argument(model_path + ": already a single-file package");
  }

  const fs::path output(output_path);
  std::error_code ec;
  if (fs::is_directory(output, ec)) {
    throw std::invalid_argument(output_path + ": is a folder; give the .onnx file to write");
  }
  if (!resolve_inside(directory, output.is_absolute() ? output : fs::absolute(output)).empty()) {
    throw std::invalid_argument(output_path + ": inside the package folder " + directory.string() +
                                "; write the single file elsewhere");
  }
  if (fs::exists(output, ec) && !overwrite) {
    throw std::invalid_argument(output_path + ": already exists (--force replaces it)");
  }

  OnnxModel model = OnnxModel::load(model_path);
  onnx::ModelProto& proto = OnnxModelAccess::proto(model);
  std::set<std::string> skip = {fs::path(model_path).filename().generic_string()};
  std::uint64_t external_bytes = 0;
  for (const onnx::TensorProto* tensor : external_tensors(*proto.mutable_graph())) {
    const ExternalRef ref = external_ref(*tensor);
    const std::string location = fs::path(ref.location).lexically_normal().generic_string();
    if (skip.insert(location).second) external_bytes += file_size_or_zero(directory / location);
  }
  PackResult result;
  result.output_path = output_path;
  const std::uint64_t model_bytes = file_size_or_zero(model_path);
  // Refused before the weights are read when they alone are too big.
  if (model_bytes + external_bytes > limits::kMaxSingleFileBytes) {
    too_big(output_path, model_bytes + external_bytes, " with its weights inlined");
  }
  // A single file holds one graph: the smaller shape buckets stay out, and model.onnx (the
  // largest) runs every input.
  for (const std::string& file : forget_shape_buckets(model, model_path)) {
    if (skip.insert(file).second) result.dropped_buckets.push_back(file);
  }
  std::uint64_t side_bytes = 0;
  const auto files = side_files(directory, skip, side_bytes);
  result.folder_bytes = model_bytes + external_bytes + side_bytes;
  const std::string value = encode_embedded_files(files);

  result.inlined_external_data = skip.size() > 1;
  inline_external_data(proto, directory);
  if (minor_version(model.metadata(metadata_keys::kVersion).value_or("")) <
      minor_version(kMetadataFormatVersion)) {
    model.set_metadata(metadata_keys::kVersion, kMetadataFormatVersion);
  }
  model.set_metadata(metadata_keys::kEmbeddedFiles, value);
  const std::uint64_t size = proto.ByteSizeLong();
  if (size > limits::kMaxSingleFileBytes) too_big(output_path, size, "");
  result.bytes = size;
  for (const auto& file : decode_embedded_files(value, output_path)) {
    result.files.push_back(file.info);
  }
  model.save(output_path);
  return result;
}

void unpack_package(const std::string& model_path, const std::string& output_dir) {
  const fs::path output(output_dir);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(output, ec)) &&
      !(fs::is_directory(output, ec) && fs::is_empty(output, ec))) {
    throw std::invalid_argument(output_dir + ": already exists (unpack into a new folder)");
  }
  OnnxModel model = OnnxModel::load(model_path);
  const std::vector<EmbeddedFileData> files = embedded_files_of(model.metadata_props(), model_path);
  model.erase_metadata(metadata_keys::kEmbeddedFiles);

  StagingFolder staging(output);
  write_files(files, staging.path());
  model.save((staging.path() / "model.onnx").string());
  staging.commit();
}

std::vector<std::string> extract_embedded_files(const std::string& model_path,
                                                const std::string& output_dir) {
  const std::vector<EmbeddedFileData> files =
      embedded_files_of(read_metadata_props(model_path), model_path);
  if (!fs::is_directory(output_dir)) {
    throw std::invalid_argument(output_dir + ": no such folder");
  }
  write_files(files, output_dir);
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.info.name);
  return names;
}

}  // namespace modelexport
