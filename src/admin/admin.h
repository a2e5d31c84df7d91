#pragma once
// `focusd admin …`: the administration commands. Each validates its input,
// acts on the Store and returns the JSON object to print, or an Error whose
// description is the message for the operator.

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "blob/blob_store.h"
#include "common/result.h"
#include "store/store.h"

namespace focusd::admin {

struct CreateUserArgs {
  std::string email;
  std::string password;
  std::string fullname;
  std::optional<std::int64_t> organization_id;
  std::string role = "member";  // only with organization_id
};

// {"user_id", "organization_id", "workspace_id"}
Result<boost::json::object> create_user(Store& store, const CreateUserArgs& args);
// {"workspace_id"}
Result<boost::json::object> create_workspace(Store& store, std::int64_t organization_id, const std::string& name);
// {"api_key"}; the key is shown here once and stored only as its SHA-256.
Result<boost::json::object> create_api_key(Store& store, const std::string& email, std::optional<int> expires_in_days);

// {"group_id", "email"}: adds the user to a group of their organization.
Result<boost::json::object> add_user_to_group(Store& store, std::int64_t group_id, const std::string& email);

// Checks that the database and the blob files agree: blobs no live
// attachment uses (orphans), temp files left by a crash, and live attachments
// whose blob is missing. With repair, orphans and temp files are removed (run
// it with the server stopped: a running upload's temp file would go too). On
// a shared store (S3) it may run beside the servers: what was written within
// the grace period is spared (its unreferenced blobs are `young_blobs`, no
// orphans), so no upload in flight loses its bytes; one repair at a time
// (Store::hold_sweep: Conflict while another node's runs).
// {"consistent", "blobs", "orphan_blobs", "young_blobs", "temp_files",
// "missing_blobs", "repaired"}; `consistent` describes the state after the repair.
Result<boost::json::object> fsck(Store& store, blob::BlobStore& blobs, bool repair);

// Copies every blob a live attachment refers to from `from` (the files under
// --data) to `to` (an S3 bucket), streaming, and reads each back to check its
// size and SHA-256. A blob `to` holds already and reads back right is left as
// it is, so a run cut short goes on where it stopped when run again. Blobs
// missing from `from`, or whose bytes do not match their digest on either
// side, are listed, never copied as they are.
// {"blobs", "copied", "already_there", "bytes_copied", "missing", "mismatched", "complete"};
// `complete` is true when every blob is in `to`, checked.
Result<boost::json::object> migrate_blobs(Store& store, blob::BlobStore& from, blob::BlobStore& to);

// Opens the store of the embedded install under a data directory (SQLite,
// migrated): main's make_store, given to backup and restore.
using OpenDataDir = std::function<Result<std::unique_ptr<Store>>(const std::string& data_dir)>;

// A consistent copy of the embedded install under `data_dir` (SQLite and
// files) into `to`, a new or empty directory, while servers run on it: the
// database as of one moment (Store::snapshot_to) and exactly the blobs that
// snapshot's attachments use, hard-linked where the file system allows. `to`
// is itself a data directory (focusd.db, blobs/): restore copies it, and
// `focusd serve --data` could run on it. A blob whose attachment is deleted
// between the snapshot and its link is gone: then it starts again (up to 5
// times). InvalidArgument when `to` is not empty.
// {"backup", "database_bytes", "blobs", "linked", "copied", "attempts"}
Result<boost::json::object> backup(Store& live, const std::string& data_dir, const std::string& to,
                                   const OpenDataDir& open);
// Brings a backup (`from`) back as a new data directory `data`, new or empty:
// its database copied, its blobs linked or copied, then checked as fsck
// does. Fails (leaving `data` as far as it got) when a blob is missing.
// {"restored", "blobs", "linked", "copied", "fsck"}
Result<boost::json::object> restore(const std::string& from, const std::string& data, const OpenDataDir& open);

}  // namespace focusd::admin
