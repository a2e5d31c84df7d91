#pragma once
// Attachments below the API: how an attachment's bytes and its row come and
// go together, for projects and tasks alike. Handlers only translate HTTP to
// these calls (and check who may make them).
//
// create(): every file is already staged (a temp file, hashed as it was
// written). Each is finished, then all are made durable (fsync; together, so
// that a bulk's files share the journal's commits) while another thread of
// `helpers` sniffs their types, then each is published into its
// content-addressed place, and then all rows are inserted in one transaction.
// A failure at any step creates nothing: blobs this call newly published are
// removed again, and the stagings remove their temp files; except after
// Unavailable from the database (PostgreSQL gone during the COMMIT, which may
// have happened), where they stay, orphans for fsck if it did not. A crash before the
// commit leaves at most a blob no row refers to (invisible; `admin fsck
// --repair` removes it), never a row without its bytes.
//
// remove(): the row is deleted, then its blob is removed when no live
// attachment refers to it any more. Bytes that cannot be removed then stay as
// an orphan for fsck; the delete has happened.
//
// One lifecycle lock is held across publish + insert and across delete +
// reclaim, so a reclaim never removes bytes that a new row is about to refer
// to. A shared store (S3: other nodes write it too, BlobStore::shared) is
// never reclaimed from here: its publish() claims nothing to undo, and a
// delete leaves the bytes to the sweep, which spares what is younger than its
// grace period. Both calls block (disk and database): run them on the
// blocking pool.

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "blob/blob_store.h"
#include "common/result.h"
#include "store/store.h"

namespace focusd::attachments {

// A file of an upload, staged, with what its row needs.
struct StagedFile {
  std::string name;
  double display_order = 0;
  std::string declared_type;  // the part's Content-Type: a hint for sniffing
  std::unique_ptr<blob::Staging> staging;
};

class Service {
 public:
  // quota_bytes: attachment storage per workspace (0 = unlimited). helpers:
  // a pool (the blocking pool) where create() sniffs types meanwhile.
  Service(Store& store, blob::BlobStore& blobs, std::int64_t quota_bytes, boost::asio::io_context& helpers);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The new attachments, in the order of `files` (all or none). The errors of
  // the blob store (InsufficientStorage, Internal) and of
  // Store::create_attachments (NotFound, QuotaExceeded, …).
  Result<std::vector<AttachmentRecord>> create(ParentKind kind, std::int64_t parent_id, std::int64_t workspace_id,
                                               std::vector<StagedFile>& files);
  // NotFound when the parent has no such live attachment.
  Status remove(ParentKind kind, std::int64_t parent_id, std::int64_t attachment_id);

 private:
  Status flush_all(std::vector<StagedFile>& files);

  Store& store_;
  blob::BlobStore& blobs_;
  std::int64_t quota_bytes_;
  boost::asio::io_context& helpers_;
  std::mutex lifecycle_;
};

}  // namespace focusd::attachments
