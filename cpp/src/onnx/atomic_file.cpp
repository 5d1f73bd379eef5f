// Atomic whole-file writes (temporary file + fsync + rename) and whole-file reads.
#include "modelexport/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace modelexport {
namespace {

std::string errno_text() { return std::strerror(errno); }

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace

void write_file_atomically(const std::string& path, std::string_view contents) {
  std::string temp_path = path + ".tmp-XXXXXX";
  FileDescriptor fd(::mkstemp(temp_path.data()));
  if (fd.get() < 0) {
    throw std::runtime_error("cannot write " + path + ": " + errno_text());
  }
  auto fail = [&](const std::string& what) {
    std::string message = "cannot write " + path + ": " + what;
    ::close(fd.release());
    ::unlink(temp_path.c_str());
    throw std::runtime_error(message);
  };
  const char* data = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    ssize_t written = ::write(fd.get(), data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail(errno_text());
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  if (::fchmod(fd.get(), 0644) != 0 || ::fsync(fd.get()) != 0) fail(errno_text());
  if (::close(fd.release()) != 0) fail(errno_text());
  if (std::rename(temp_path.c_str(), path.c_str()) != 0) {
    std::string message = "cannot write " + path + ": " + errno_text();
    ::unlink(temp_path.c_str());
    throw std::runtime_error(message);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + ": " + errno_text());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read " + path + ": read error");
  return std::move(buffer).str();
}

}  // namespace modelexport
