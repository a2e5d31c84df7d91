#pragma once
// Where attachment bytes live. A BlobStore keeps immutable blobs addressed by
// their SHA-256 (identical content is stored once). An upload is written to a
// Staging (a temp file, hashed as it is written), made durable with finish(),
// and only then published into its content-addressed place; a Staging that is
// never published removes its temp file. The interface is the seam for other
// backends and for fault injection in tests: a store that wraps another wraps
// its stagings too, and nothing needs to know a staging's concrete type.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace focusd::blob {

struct BlobInfo {
  std::string sha256;  // lower-case hex
  std::uint64_t size = 0;
};

class Staging {
 public:
  virtual ~Staging() = default;
  // Appends bytes. InsufficientStorage when the disk is full, else Internal.
  virtual Status write(std::string_view bytes) = 0;
  // Flushes the bytes to stable storage and returns their digest and size;
  // nothing may be written afterwards.
  virtual Result<BlobInfo> finish() = 0;
  // The first bytes written (up to 4 KiB), for content sniffing.
  virtual std::string_view head() const = 0;
  // Moves the finished bytes into their content-addressed place and makes the
  // move durable. When the same content is already stored the staged bytes
  // are simply dropped. True when this call stored new content (so that a
  // failed upload knows what to undo); Internal before finish().
  virtual Result<bool> publish() = 0;
};
// A Staging keeps what it needs to publish (no reference into the store that
// made it), so it may outlive that store.

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual Result<std::unique_ptr<Staging>> stage() = 0;
  // The file holding a blob, for reading; NotFound when it is not stored.
  virtual Result<std::string> path_of(std::string_view sha256) = 0;
  virtual Status remove(std::string_view sha256) = 0;
  // Every stored blob's digest (for fsck).
  virtual Result<std::vector<std::string>> list() = 0;
  // Removes temp files left by a crash; returns how many there were. Only
  // safe while no upload is being staged.
  virtual Result<std::size_t> sweep_temps() = 0;
  virtual Result<std::size_t> count_temps() = 0;
};

class DiskSpace;

// Blobs under root/blobs/<2 hex>/<2 hex>/<sha256>, temp files under root/tmp.
// With `space`, a staging write fails with InsufficientStorage once the
// upload reserve is reached (checked every MiB); `space` must outlive the store
// and its stagings.
std::unique_ptr<BlobStore> make_disk_blob_store(const std::string& root, const DiskSpace* space = nullptr);

}  // namespace focusd::blob
