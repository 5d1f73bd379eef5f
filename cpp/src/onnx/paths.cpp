// Containment of paths a model or package names (see paths.h).
#include "onnx/paths.h"

#include <algorithm>
#include <system_error>

namespace modelexport {

namespace fs = std::filesystem;

fs::path resolve_inside(const fs::path& directory, const fs::path& path) {
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(directory, ec);
  if (ec) return {};
  const fs::path target = fs::weakly_canonical(directory / path, ec);
  if (ec) return {};
  const auto mismatch = std::mismatch(root.begin(), root.end(), target.begin(), target.end());
  return mismatch.first == root.end() ? target : fs::path();
}

}  // namespace modelexport
