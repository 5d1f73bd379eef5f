// libFuzzer target: arbitrary bytes as a package's model.onnx (ONNX protobuf, metadata values
// with gz: encoding, configuration JSON inside them, a single file's hf_embedded_files).
// Package::open and everything a pipeline asks of the package, plus the inspect description, must
// succeed or throw std::invalid_argument / std::runtime_error; a crash, a sanitizer report, another
// exception (std::terminate) or an allocation past libFuzzer's -rss_limit_mb is a finding. Seeds
// and past findings: cpp/fuzz/regressions/package_open_fuzz/.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "modelexport/package.h"
#include "modelexport/package_info.h"

namespace {

// A private folder for the package under test, made once per process.
const std::string& package_dir() {
  static const std::string dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "package-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    return pattern;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string model = package_dir() + "/model.onnx";
  {
    std::ofstream out(model, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const modelexport::Package package = modelexport::Package::open(package_dir());
    (void)package.labels();
    (void)package.problem_type();
    (void)package.sentence_pooling();
    (void)package.max_length();
    (void)package.pad_token();
    (void)package.special_token("mask_token");
    (void)package.embedded_files();
    if (package.has_file("tokenizer.json")) (void)package.file_contents("tokenizer.json");
  } catch (const std::invalid_argument&) {
  } catch (const std::runtime_error&) {
  }
  try {
    (void)modelexport::describe_package_json(package_dir());
  } catch (const std::invalid_argument&) {
  } catch (const std::runtime_error&) {
  }
  return 0;
}
