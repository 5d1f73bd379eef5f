// Paths a model or package names are data from strangers: they must stay inside its folder.
#pragma once

#include <filesystem>

namespace modelexport {

// `path` after resolving symbolic links and "..", when that lies inside `directory` (also
// resolved); empty otherwise. `path` may be relative to `directory` or already under it.
std::filesystem::path resolve_inside(const std::filesystem::path& directory,
                                     const std::filesystem::path& path);

}  // namespace modelexport
