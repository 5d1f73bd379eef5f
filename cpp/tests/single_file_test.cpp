// Single-file packages: the hf_embedded_files codec (names, sizes, checksums, corruption), pack and
// unpack (byte-identical round trip, external data inlined, refusals) and Package::open on one
// .onnx with nothing beside it.
#include "modelexport/single_file.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "modelexport/atomic_file.h"
#include "modelexport/limits.h"
#include "modelexport/metadata.h"
#include "modelexport/onnx_model.h"
#include "modelexport/package.h"
#include "modelexport/package_info.h"
#include "onnx/codec.h"
#include "onnx/model_access.h"
#include "test_helpers.h"

namespace modelexport {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;
using Files = std::vector<std::pair<std::string, std::string>>;

const std::string kBinary("\x00\x01\xff\xfe binary \x80\n", 14);

Files sample_files() {
  return {{"config.json", R"({"model_type":"bert","architectures":["BertModel"]})"},
          {"tokenizer.json", std::string(40000, 'x') + "}"},
          {"1_Pooling/config.json", R"({"pooling_mode_mean_tokens":true})"},
          {"spm.model", kBinary},
          {"empty.txt", ""}};
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A package folder: the identity model with package metadata, and `files` beside it.
std::string write_package(const ScratchDir& dir, const Files& files = sample_files()) {
  OnnxModel model = OnnxModel::parse(testing::identity_model_bytes(), "identity");
  model.set_metadata(metadata_keys::kVersion, kMetadataFormatVersion);
  model.set_metadata(metadata_keys::kPipelineTask, "feature-extraction");
  model.set_metadata(metadata_keys::kProcessorConfig, R"({"processor_type":"tokenizer"})");
  model.set_metadata(metadata_keys::kModelSource, "hub");
  model.set_metadata(metadata_keys::kHubId, "org/model");
  model.set_metadata(metadata_keys::kHubRevision, "0123abcd");
  model.save(dir.file("model.onnx"));
  for (const auto& [name, bytes] : files) {
    fs::create_directories((dir.path() / name).parent_path());
    write_file_atomically(dir.file(name), bytes);
  }
  return dir.file("model.onnx");
}

// The hf_embedded_files document of `files`, edited by `edit`, as a value.
std::string edited_value(const Files& files, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json document = nlohmann::json::parse(encode_embedded_files(files));
  edit(document);
  return document.dump();
}

TEST(EmbeddedFiles, RoundTripKeepsEveryByteAndTheOrder) {
  const Files files = sample_files();
  const std::string value = encode_embedded_files(files);
  const auto decoded = decode_embedded_files(value, "x.onnx");
  ASSERT_EQ(decoded.size(), files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(decoded[i].info.name, files[i].first);
    EXPECT_EQ(decoded[i].bytes, files[i].second);
    EXPECT_EQ(decoded[i].info.size, files[i].second.size());
    const auto* data = reinterpret_cast<const Bytef*>(files[i].second.data());
    EXPECT_EQ(decoded[i].info.crc32, crc32(0, data, static_cast<uInt>(files[i].second.size())));
    EXPECT_GT(decoded[i].info.stored_size, 0u);
  }
  // Compressed: the 40 kB of one letter is stored in far less.
  EXPECT_LT(decoded[1].info.stored_size, 1000u);
  EXPECT_EQ(value, encode_embedded_files(files)) << "encoding is deterministic";
}

TEST(EmbeddedFiles, UnsafeNamesAreRefusedWhenWrittenAndWhenRead) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"../x", "path escapes the package folder"},
      {"a/../../x", "path escapes the package folder"},
      {"/etc/passwd", "absolute path"},
      {"a//b", "empty path component"},
      {"./a", "'.' path component"},
      {"a\\b", "backslash"},
      {"", "empty name"},
      {std::string("a\nb"), "control character"},
      {"model.onnx", "reserved name"},
      {"model.onnx_data", "reserved name"},
  };
  for (const auto& [name, problem] : cases) {
    const std::string written = error_of([&] {
      encode_embedded_files({{"config.json", "{}"}, {name, "x"}});
    });
    EXPECT_TRUE(contains(written, problem)) << name << ": " << written;
    const std::string value =
        edited_value({{"config.json", "{}"}, {"placeholder", "x"}},
                     [&](nlohmann::json& d) { d["files"][1]["name"] = name; });
    const std::string read = error_of([&] { decode_embedded_files(value, "x.onnx"); });
    EXPECT_TRUE(contains(read, "x.onnx: embedded file '" + name + "': " + problem)) << read;
  }
  EXPECT_TRUE(contains(error_of([] {
                         encode_embedded_files({{"a", "1"}, {"a", "2"}});
                       }),
                       "'a': duplicate name"));
  const std::string duplicate = edited_value(
      {{"a", "1"}, {"b", "2"}}, [](nlohmann::json& d) { d["files"][1]["name"] = "a"; });
  EXPECT_EQ(error_of([&] { decode_embedded_files(duplicate, "x.onnx"); }),
            "x.onnx: embedded file 'a': duplicate name");
  EXPECT_TRUE(contains(error_of([] {
                         encode_embedded_files({{"a", "1"}, {"a/b", "2"}});
                       }),
                       "'a' is both a file and a folder"));
}

TEST(EmbeddedFiles, CorruptionIsOneLineNamingTheFileAndTheProblem) {
  const Files files = {{"config.json", "{}"}, {"vocab.txt", "[PAD]\n[UNK]\nhello\n"}};
  const auto corrupt = [&](const std::function<void(nlohmann::json&)>& edit) {
    return error_of([&] { decode_embedded_files(edited_value(files, edit), "m.onnx"); });
  };
  const std::string prefix = "m.onnx: embedded file 'vocab.txt': ";
  EXPECT_EQ(corrupt([](nlohmann::json& d) {
              d["files"][1]["data"] = "***";
            }).rfind(prefix + "bad base64", 0),
            0u);
  EXPECT_EQ(corrupt([](nlohmann::json& d) {
              d["files"][1]["data"] = codec::base64_encode("not gzip at all");
            }).rfind(prefix + "bad gzip data", 0),
            0u);
  // A truncated gzip stream (its end cut off).
  EXPECT_EQ(corrupt([](nlohmann::json& d) {
              const std::string gz = codec::gzip_compress("[PAD]\n[UNK]\nhello\n");
              d["files"][1]["data"] = codec::base64_encode(gz.substr(0, gz.size() - 6));
            }).rfind(prefix + "bad gzip data", 0),
            0u);
  EXPECT_EQ(corrupt([](nlohmann::json& d) { d["files"][1]["size"] = 5; }),
            prefix + "size mismatch (decodes to more than the declared 5 bytes)");
  EXPECT_EQ(corrupt([](nlohmann::json& d) { d["files"][1]["size"] = 100; }),
            prefix + "size mismatch (declares 100 bytes, decodes to 18)");
  const std::string checksum =
      corrupt([](nlohmann::json& d) { d["files"][1]["crc32"] = "00000000"; });
  EXPECT_EQ(checksum.rfind(prefix + "checksum mismatch (crc32 ", 0), 0u) << checksum;
  EXPECT_TRUE(contains(corrupt([](nlohmann::json& d) { d["files"][1]["crc32"] = "ABCDEF01"; }),
                       "\"crc32\" is not 8 lowercase hex digits"));
  EXPECT_TRUE(contains(corrupt([](nlohmann::json& d) { d["files"][1]["size"] = -1; }),
                       "\"size\" is not a non-negative integer"));
  EXPECT_TRUE(contains(corrupt([](nlohmann::json& d) { d["files"][1].erase("data"); }),
                       "\"data\" is not a string"));
  // A size past the limits is refused before anything is inflated (a gzip bomb).
  EXPECT_TRUE(contains(corrupt([](nlohmann::json& d) { d["files"][1]["size"] = 1ULL << 40; }),
                       "over the limit"));
  EXPECT_TRUE(contains(error_of([] { decode_embedded_files("[1,2]", "m.onnx"); }),
                       "expected an object with a \"files\" array"));
  EXPECT_TRUE(contains(error_of([] { decode_embedded_files("{\"files\":[1]}", "m.onnx"); }),
                       "files[0]: expected an object with a string \"name\""));
  EXPECT_TRUE(contains(error_of([] { decode_embedded_files("{nope", "m.onnx"); }), "m.onnx"));
  for (const std::string& message :
       {corrupt([](nlohmann::json& d) { d["files"][1]["data"] = "***"; }),
        corrupt([](nlohmann::json& d) { d["files"][1]["size"] = 100; })}) {
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(SingleFile, PackThenOpenAloneThenUnpackIsByteIdentical) {
  ScratchDir package;
  const std::string model = write_package(package);
  const std::string original_model = read_file(model);
  ScratchDir alone;
  const PackResult result = pack_package(package.path().string(), alone.file("x.onnx"));
  EXPECT_EQ(result.files.size(), sample_files().size());
  EXPECT_FALSE(result.inlined_external_data);
  EXPECT_EQ(result.bytes, fs::file_size(alone.file("x.onnx")));
  // Sorted by name.
  EXPECT_EQ(result.files.front().name, "1_Pooling/config.json");

  // Nothing beside it but a decoy: the embedded files win, the folder is never read.
  testing::write_text(alone.file("tokenizer.json"), "decoy");
  const Package opened = Package::open(alone.file("x.onnx"));
  EXPECT_TRUE(opened.self_contained());
  EXPECT_EQ(opened.task(), "feature-extraction");
  EXPECT_EQ(opened.file_contents("tokenizer.json"), sample_files()[1].second);
  EXPECT_EQ(opened.file_contents("spm.model"), kBinary);
  EXPECT_TRUE(opened.has_file("1_Pooling/config.json"));
  EXPECT_FALSE(opened.has_file("vocab.txt"));
  EXPECT_EQ(opened.file_origin("vocab.txt"), alone.file("x.onnx") + ": embedded vocab.txt");
  EXPECT_TRUE(contains(error_of([&] { opened.file_contents("vocab.txt"); }), "missing"));
  // The model config comes from the embedded config.json (the metadata has none here).
  EXPECT_TRUE(contains(opened.model_config_json(), "BertModel"));
  for (const auto& [key, value] : opened.metadata()) {
    EXPECT_NE(key, metadata_keys::kEmbeddedFiles) << "served by file_contents, not kept twice";
  }

  // inspect: what is embedded, with sizes; provenance stays in the metadata.
  const auto description = nlohmann::json::parse(describe_package_json(alone.file("x.onnx")));
  EXPECT_TRUE(description["self_contained"].get<bool>());
  EXPECT_EQ(description["embedded_files"].size(), sample_files().size());
  EXPECT_EQ(description["metadata"]["hf_hub_id"], "org/model");
  EXPECT_FALSE(description["metadata"].contains("hf_embedded_files"));
  EXPECT_EQ(description["files"].size(), 1u);

  ScratchDir out;
  const std::string restored = (out.path() / "restored").string();
  unpack_package(alone.file("x.onnx"), restored);
  for (const auto& [name, bytes] : sample_files()) {
    EXPECT_EQ(read_file((fs::path(restored) / name).string()), bytes) << name;
  }
  EXPECT_EQ(read_file((fs::path(restored) / "model.onnx").string()), original_model);
  std::size_t count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(restored)) {
    count += entry.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(count, sample_files().size() + 1) << "nothing else written";
  // And packing it again gives the same single file.
  pack_package(restored, out.file("again.onnx"));
  EXPECT_EQ(read_file(out.file("again.onnx")), read_file(alone.file("x.onnx")));
}

TEST(SingleFile, ExternalDataIsInlined) {
  ScratchDir package;
  write_package(package, {{"config.json", R"({"model_type":"bert"})"}});
  OnnxModel model = OnnxModel::load(package.file("model.onnx"));
  auto& tensor = *OnnxModelAccess::proto(model).mutable_graph()->mutable_initializer(0);
  tensor.clear_float_data();
  tensor.set_data_location(onnx::TensorProto::EXTERNAL);
  for (const auto& [key, value] :
       {std::pair<std::string, std::string>{"location", "model.onnx_data"},
        {"offset", "0"},
        {"length", "4"}}) {
    auto* entry = tensor.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  }
  model.save(package.file("model.onnx"));
  const float half = 0.5f;
  std::string weights(sizeof(half), '\0');
  std::memcpy(weights.data(), &half, sizeof(half));
  write_file_atomically(package.file("model.onnx_data"), weights);

  ScratchDir out;
  const PackResult result = pack_package(package.file("model.onnx"), out.file("x.onnx"));
  EXPECT_TRUE(result.inlined_external_data);
  ASSERT_EQ(result.files.size(), 1u) << "model.onnx_data is weights, not an embedded file";
  const OnnxModel packed = OnnxModel::load(out.file("x.onnx"));
  const auto& inlined = OnnxModelAccess::proto(packed).graph().initializer(0);
  EXPECT_EQ(inlined.data_location(), onnx::TensorProto::DEFAULT);
  EXPECT_EQ(inlined.raw_data(), weights);
}

TEST(SingleFile, OverTwoGigabytesIsRefusedBeforeReadingTheWeights) {
  ScratchDir package;
  write_package(package, {{"config.json", "{}"}});
  OnnxModel model = OnnxModel::load(package.file("model.onnx"));
  auto& tensor = *OnnxModelAccess::proto(model).mutable_graph()->mutable_initializer(0);
  tensor.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* entry = tensor.add_external_data();
  entry->set_key("location");
  entry->set_value("model.onnx_data");
  model.save(package.file("model.onnx"));
  { std::ofstream(package.file("model.onnx_data")).put('\0'); }
  fs::resize_file(package.file("model.onnx_data"), std::uint64_t{3} << 30);  // sparse
  ScratchDir out;
  const std::string error =
      error_of([&] { pack_package(package.path().string(), out.file("x.onnx")); });
  EXPECT_TRUE(contains(error, "over protobuf's 2 GB limit")) << error;
  EXPECT_FALSE(fs::exists(out.file("x.onnx")));
}

TEST(SingleFile, AnOlderPackageIsMarkedWithTheVersionThatEmbedsANewerOneKeepsItsOwn) {
  for (const auto& [source, packed] :
       {std::pair<std::string, std::string>{"2.0", "2.2"}, {"2.1", "2.2"}, {"2.7", "2.7"}}) {
    ScratchDir package;
    OnnxModel model = OnnxModel::load(write_package(package));
    model.set_metadata(metadata_keys::kVersion, source);
    model.save(package.file("model.onnx"));
    ScratchDir out;
    pack_package(package.path().string(), out.file("x.onnx"));
    EXPECT_EQ(OnnxModel::load(out.file("x.onnx")).metadata(metadata_keys::kVersion), packed);
  }
}

TEST(SingleFile, RefusalsAreClear) {
  ScratchDir package;
  write_package(package);
  ScratchDir out;
  const std::string single = out.file("x.onnx");
  pack_package(package.path().string(), single);
  EXPECT_TRUE(
      contains(error_of([&] { pack_package(package.path().string(), single); }), "already exists"));
  pack_package(package.path().string(), single, /*overwrite=*/true);
  ScratchDir other;
  EXPECT_TRUE(contains(error_of([&] { pack_package(single, other.file("y.onnx")); }),
                       "already a single-file package"));
  EXPECT_TRUE(contains(
      error_of([&] { pack_package(package.path().string(), package.file("inside.onnx")); }),
      "inside the package folder"));
  EXPECT_TRUE(contains(error_of([&] { unpack_package(package.file("model.onnx"), out.file("d")); }),
                       "not a single-file package"));
  fs::create_directories(out.file("full"));
  testing::write_text(out.file("full/file"), "x");
  EXPECT_TRUE(
      contains(error_of([&] { unpack_package(single, out.file("full")); }), "already exists"));
  // A file linking outside the package is not packed.
  ScratchDir elsewhere;
  testing::write_text(elsewhere.file("secret"), "TOP SECRET");
  fs::create_symlink(elsewhere.file("secret"), package.file("vocab.txt"));
  EXPECT_TRUE(contains(error_of([&] { pack_package(package.path().string(), out.file("z.onnx")); }),
                       "resolves outside the package"));
  EXPECT_FALSE(fs::exists(out.file("z.onnx")));
}

TEST(SingleFile, ACorruptEmbeddedFileFailsOpenAndUnpackWithNothingWritten) {
  ScratchDir package;
  write_package(package);
  ScratchDir out;
  pack_package(package.path().string(), out.file("x.onnx"));
  OnnxModel model = OnnxModel::load(out.file("x.onnx"));
  auto document = nlohmann::json::parse(*model.metadata(metadata_keys::kEmbeddedFiles));
  for (auto& file : document["files"]) {
    if (file["name"] == "config.json") file["crc32"] = "12345678";
  }
  model.set_metadata(metadata_keys::kEmbeddedFiles, document.dump());
  model.save(out.file("bad.onnx"));
  const std::string opened = error_of([&] { Package::open(out.file("bad.onnx")); });
  EXPECT_EQ(
      opened.rfind(out.file("bad.onnx") + ": embedded file 'config.json': checksum mismatch", 0),
      0u)
      << opened;
  EXPECT_TRUE(contains(error_of([&] { unpack_package(out.file("bad.onnx"), out.file("dir")); }),
                       "checksum mismatch"));
  EXPECT_FALSE(fs::exists(out.file("dir")));
  for (const auto& entry : fs::directory_iterator(out.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
  }
}

}  // namespace
}  // namespace modelexport
