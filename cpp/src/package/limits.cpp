// The computed limits of modelexport/limits.h.
#include "modelexport/limits.h"

#include <algorithm>
#include <thread>

namespace modelexport::limits {

int max_threads() {
  const auto hardware = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(16, 4 * hardware);
}

}  // namespace modelexport::limits
