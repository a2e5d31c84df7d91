#pragma once
// Bytes handed from the layer that has them to the layer that sends them:
// either a range of an open file, which the transport sends with sendfile(2)
// (no copy through user space), or a stream read in pieces, which is what a
// store that keeps no local files (S3, say) can hand out. Declared in common/
// so that blob/ can make one and http/ can send one without either knowing
// the other.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <variant>

#include "common/result.h"
#include "common/unique_fd.h"

namespace focusd {

// Bytes read in order by blocking calls: call read() on the blocking pool,
// never on a network thread. An implementation bounds each read in time
// itself (a remote store with its own timeout): nobody can interrupt it.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads the next bytes into the front of `buffer` and returns how many: at
  // least one while bytes remain (given a non-empty buffer), 0 at the end. An
  // error ends the stream.
  virtual Result<std::size_t> read(std::span<char> buffer) = 0;
  // Reads, as read() does, what can be had without waiting (on any thread):
  // nullopt when that is nothing yet (then read() on the blocking pool). A
  // stream whose bytes may keep a reader waiting (a disk, a remote store)
  // says so by keeping this default.
  virtual std::optional<Result<std::size_t>> read_now(std::span<char> /*buffer*/) { return std::nullopt; }
};

// The bytes of an open file from `offset` on (how many: ByteSource::length).
struct FileRange {
  UniqueFd fd;
  std::uint64_t offset = 0;
};

// Exactly `length` bytes, from a file or from a stream. Whoever reads it reads
// no more than `length`; a stream that ends before `length` bytes is broken.
// A stream made as it is read (a list served a page at a time) has no length
// in advance: it is read to its end, and the transport sends it in chunks.
struct ByteSource {
  std::optional<std::uint64_t> length;  // always set for a file
  std::variant<FileRange, std::unique_ptr<ByteStream>> bytes;
};

// The same bytes as a stream: a file range becomes a stream that reads it with
// pread(2); a stream is returned as it is. For stores that hand out streams
// (and for tests of the stream path with files underneath).
ByteSource as_stream(ByteSource source);

}  // namespace focusd
