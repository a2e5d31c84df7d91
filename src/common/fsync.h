#pragma once
// fsync(2) of a file or a directory named by its path.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/unique_fd.h"

namespace focusd {

// Opens `path` (a file or a directory) read-only and fsyncs it: 0, or the
// errno of the step that failed.
inline int fsync_path(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) return errno;
  return 0;
}

}  // namespace focusd
