#pragma once
// Where attachment bytes live. A BlobStore keeps immutable blobs addressed by
// their SHA-256 (identical content is stored once), except that the S3 store
// names an upload it streams as it comes before its digest is known (a name
// is_blob_name() accepts; no copy to the digest's key afterwards). An upload
// is written to a Staging (a temp file, hashed as it is written), ended with finish(), and
// made durable in its content-addressed place by publish(); a Staging that is
// never published removes its temp file. The interface is the seam for other
// backends and for fault injection in tests: a store that wraps another wraps
// its stagings too, and nothing needs to know a staging's concrete type.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_source.h"
#include "common/result.h"

namespace focusd::blob {

struct BlobInfo {
  std::string sha256;  // lower-case hex
  std::uint64_t size = 0;
  std::string name;  // where the store keeps the bytes: sha256, or a name of their own
};

// How many of an upload's first bytes a staging keeps for content sniffing (Staging::head).
constexpr std::size_t kHeadBytes = 4096;

// True for a digest: 64 lower-case hex digits (anything else is no blob on
// disk, and could be a path out of the store).
bool is_digest(std::string_view s);
// True for a blob's name: a digest, or the name of an upload stored under a
// name of its own ("u-" and 32 lower-case hex digits).
bool is_blob_name(std::string_view s);
// A fresh name of the second kind.
std::string new_upload_name();

// Which bytes of a blob to read: `length` bytes from `offset`, or all from
// `offset` to the end when `length` is absent. The default is the whole blob.
struct ReadRange {
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
};

// How many bytes `range` covers in a blob of `size` bytes; RangeNotSatisfiable
// when it reaches past the end (an empty range at the very end is fine).
Result<std::uint64_t> range_length(ReadRange range, std::uint64_t size);

// An upload being written. A Staging keeps what it needs to publish (no
// reference into the store that made it), so it may outlive that store.
class Staging {
 public:
  virtual ~Staging() = default;
  // Appends bytes. InsufficientStorage when the disk is full, else Internal.
  virtual Status write(std::string_view bytes) = 0;
  // A promise that at least `bytes` more bytes will be written (counting from
  // this call) before finish(), unless the upload fails first: a store may
  // then send them on as they come rather than hold them (S3: one part of
  // that length). finish() before they came is Internal. Each call replaces
  // the last promise; the disk store has no use for it.
  virtual void expect_at_least(std::uint64_t /*bytes*/) {}
  // A hint that flush() may come long after finish() (a bulk's file, whose
  // flush waits for the rest of the form): a store that would hold the
  // finished bytes in memory until then (S3: a file within one part) sends
  // them on at finish() instead. Dropped unflushed, it still stores nothing.
  virtual void expect_late_flush() {}
  // Ends the upload and returns the bytes' digest and size; nothing may be
  // written afterwards. It may start writing the bytes to stable storage, but
  // need not wait for them: publish() makes them durable.
  virtual Result<BlobInfo> finish() = 0;
  // The first bytes written (up to 4 KiB), for content sniffing.
  virtual std::string_view head() const = 0;
  // Makes the finished bytes durable where they are staged, unless the same
  // content is stored already (publish() drops them then, never flushed).
  // publish() does it for a staging that was not flushed: flushing several
  // stagings first lets their fsyncs share the file system's journal commits.
  virtual Status flush() = 0;
  // Flushes the finished bytes to stable storage, moves them into their
  // content-addressed place and makes the move durable. When the same content
  // is already stored the staged bytes are simply dropped, never flushed.
  // True when this call stored new content (so that a failed upload knows
  // what to undo); a shared store (BlobStore::shared) always says false, as
  // another process may count on the same content. Internal before finish().
  virtual Result<bool> publish() = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Makes what uploads need (the disk store: its directories) ahead of the
  // first one, which would otherwise pay for it; stage() makes it too where
  // it is missing. Called when the server starts.
  virtual Status prepare() = 0;
  // True when other processes (other focusd nodes) may store and read blobs
  // here at the same moment: then a blob that no row refers to now may be
  // referred to by another node's upload in a moment, and only the sweep
  // (admin fsck --repair, with its grace period) may remove blobs; a delete
  // or a failed upload leaves its bytes to it.
  virtual bool shared() const = 0;
  // Whether the store answers now (for /readyz): S3 is asked once, without
  // retries; the disk store always answers. Unavailable otherwise.
  virtual Status ping() = 0;
  virtual Result<std::unique_ptr<Staging>> stage() = 0;
  // The bytes of a stored blob in `range`, to be read once: an open file
  // with an offset (the disk store; the transport sends it without copying)
  // or a stream (a store without local files). Either reads the bytes it was
  // opened for to the end even if the blob is removed meanwhile, so a reply
  // begun before a delete ends whole. NotFound when no blob has this name
  // (BlobInfo::name; any string that is not one included); RangeNotSatisfiable
  // when the range reaches past the blob's end. Blocking, like the rest of
  // this interface.
  virtual Result<ByteSource> open(std::string_view name, ReadRange range) = 0;
  virtual Status remove(std::string_view name) = 0;
  // Every stored blob's name (for fsck).
  virtual Result<std::vector<std::string>> list() = 0;
  // The stored blobs written within a shared store's grace period: another
  // node's upload may be about to refer to them, so fsck leaves them be
  // whatever it finds. A store that is not shared has none.
  virtual Result<std::vector<std::string>> recent() = 0;
  // Removes temp files left by a crash; returns how many there were. Only
  // safe while no upload is being staged, except in a shared store, which
  // removes only what is older than its grace period. count_temps() counts
  // what sweep_temps() would remove.
  virtual Result<std::size_t> sweep_temps() = 0;
  virtual Result<std::size_t> count_temps() = 0;
};

class DiskSpace;

// Blobs under root/blobs/<2 hex>/<sha256> (those of earlier builds under
// root/blobs/<2 hex>/<2 hex>/<sha256> are read and removed where they are),
// temp files under root/tmp.
// With `space`, a staging write fails with InsufficientStorage once the
// upload reserve is reached (checked every MiB); `space` must outlive the store
// and its stagings.
std::unique_ptr<BlobStore> make_disk_blob_store(const std::string& root, const DiskSpace* space = nullptr);

// What copy_disk_blobs did: blobs hard-linked (or there already), blobs
// copied byte for byte, and digests it found no blob for.
struct DiskBlobCopy {
  std::size_t linked = 0;
  std::size_t copied = 0;
  std::vector<std::string> missing;
};

// Puts the blobs named by `digests` of the disk store under `from_root` into
// the one under `to_root` (its directories made as needed; the rest of its
// tree is made by its first prepare()): a hard link where both are on one file
// system (blobs are never changed in place, only added and removed, so a
// link is a copy), else a copy of the bytes; durable when it returns (files
// and directories fsynced). For admin backup and restore.
Result<DiskBlobCopy> copy_disk_blobs(const std::string& from_root, const std::string& to_root,
                                     const std::vector<std::string>& digests);

}  // namespace focusd::blob
