#include "common/byte_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace focusd {

namespace {

// `left` bytes of a file from `offset`, read with pread(2) (the descriptor's
// own position is not used, so the same file may be read by others at once).
class FileStream final : public ByteStream {
 public:
  FileStream(FileRange file, std::uint64_t length) : file_(std::move(file)), left_(length) {}

  Result<std::size_t> read(std::span<char> buffer) override {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left_, buffer.size()));
    if (want == 0) return std::size_t{0};
    ssize_t n = 0;
    do {
      n = ::pread(file_.fd.get(), buffer.data(), want, static_cast<off_t>(file_.offset));
    } while (n < 0 && errno == EINTR);
    if (n < 0) return internal_error(std::string("pread: ") + std::strerror(errno));
    if (n == 0) return internal_error("pread: the file ended " + std::to_string(left_) + " bytes early");
    file_.offset += static_cast<std::uint64_t>(n);
    left_ -= static_cast<std::uint64_t>(n);
    return static_cast<std::size_t>(n);
  }

 private:
  FileRange file_;
  std::uint64_t left_;
};

}  // namespace

ByteSource as_stream(ByteSource source) {
  auto* file = std::get_if<FileRange>(&source.bytes);
  if (!file) return source;
  const std::uint64_t length = source.length.value_or(0);
  return ByteSource{length, std::make_unique<FileStream>(std::move(*file), length)};
}

}  // namespace focusd
