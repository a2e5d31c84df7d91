#pragma once
// Blobs in an S3 bucket (AWS S3, Ceph RGW, MinIO, Garage, …), under
// PREFIX/blobs/<sha256>, with uploads under PREFIX/tmp/<random>.
//
// A staging keeps up to one part (part_size bytes) in memory. An upload that
// stays within one part is sent with one PUT to its content-addressed key once
// its digest is known (flush()); or, when its flush comes late
// (Staging::expect_late_flush: a bulk's file) and it has 256 KiB or more, as the
// one part of a multipart upload to that key at finish(), completed by
// flush(), so that a bulk does not hold its files until its end. A larger one becomes a multipart upload under
// a temp key as it arrives: each full part is sent by a thread of its own
// while the next one fills, parts_in_flight at most at once (so at most
// parts_in_flight + 1 parts are held), and flush() sends
// the last part, completes the upload and copies it to its content-addressed
// key (a copy inside the store: S3 has no rename), then deletes the temp
// object. The bytes are durable once flush() returns: S3 answered success.
//
// Bytes promised (Staging::expect_at_least: an upload whose form has a known
// length) need no part buffer: as many of them as are certain to come go as
// one part of that length, sent while they are written (through a pipe of
// 1 MiB), and only what follows them is held as above. Such a part cannot be
// sent again: a failure fails the upload.
//
// The store is shared (BlobStore::shared): other focusd nodes may store and
// read the same content at once, so publish() never claims content as its
// own, and nothing is removed but by the sweep (admin fsck --repair), which
// leaves alone what was written within `orphan_grace`: an upload in flight
// elsewhere is never swept. Identical content is stored once (the same key);
// writing it again refreshes the object's date, so the sweep spares it.
//
// A staging dropped before flush() abandons its multipart upload (aborted by
// a thread of its own, never by the caller); whatever a crash leaves under
// tmp/ (uploads and objects) is what sweep_temps() removes once it is older
// than orphan_grace.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "blob/blob_store.h"
#include "blob/s3_client.h"
#include "common/result.h"

namespace focusd::blob {

// Where in S3: the bucket, and a prefix of keys ("" or ending in '/').
struct S3Location {
  std::string bucket;
  std::string prefix;
};

// Parses s3://BUCKET[/PREFIX]. InvalidArgument (naming `--blobs`) for anything
// else: a bucket name must be 3-63 characters of a-z 0-9 . -, and a prefix
// may hold only A-Z a-z 0-9 / . _ - (keys S3 signs alike everywhere).
Result<S3Location> parse_s3_url(std::string_view url);

struct S3BlobSettings {
  S3Settings s3;  // its bucket: the location's
  std::string prefix;
  std::uint64_t part_size = std::uint64_t{6} << 20;
  std::size_t parts_in_flight = 2;
  std::chrono::seconds orphan_grace{3600};
};

std::unique_ptr<BlobStore> make_s3_blob_store(const S3BlobSettings& settings);

}  // namespace focusd::blob
