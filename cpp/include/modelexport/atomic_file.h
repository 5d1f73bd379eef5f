// Whole-file writes that never leave a half-written file behind: data goes to a temporary file
// in the destination's directory, which is flushed and renamed over the destination.
#pragma once

#include <string>
#include <string_view>

namespace modelexport {

// Throws std::runtime_error naming `path` when the directory is not writable or the disk fills.
void write_file_atomically(const std::string& path, std::string_view contents);

// Reads a whole file; throws std::runtime_error naming `path` when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace modelexport
