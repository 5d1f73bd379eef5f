// libFuzzer target: arbitrary bytes as the hf_embedded_files value of a single-file package (JSON
// manifest, names, base64, gzip, sizes, CRC-32). decode_embedded_files must return verified files
// or throw std::invalid_argument; whatever it returns must encode and decode back to the same
// files. A crash, a sanitizer report, another exception or an allocation past libFuzzer's
// -rss_limit_mb is a finding. Seeds and past findings: cpp/fuzz/regressions/embedded_files_fuzz/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "modelexport/single_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  std::vector<modelexport::EmbeddedFileData> files;
  try {
    files = modelexport::decode_embedded_files(value, "fuzz.onnx");
  } catch (const std::invalid_argument&) {
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> plain;
  for (const auto& file : files) plain.emplace_back(file.info.name, file.bytes);
  const auto again =
      modelexport::decode_embedded_files(modelexport::encode_embedded_files(plain), "again");
  if (again.size() != files.size()) std::abort();
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (again[i].info.name != files[i].info.name || again[i].bytes != files[i].bytes ||
        again[i].info.crc32 != files[i].info.crc32) {
      std::abort();
    }
  }
  return 0;
}
