#include <cstring>
#include <filesystem>

#include "admin/admin.h"
#include "common/fsync.h"

namespace focusd::admin {
namespace {

namespace fs = std::filesystem;

constexpr int kAttempts = 5;
constexpr const char* kDatabase = "focusd.db";

Error io_error(const std::string& what, int err) {
  return internal_error(what + ": " + std::strerror(err));
}

Status synced(const fs::path& path) {
  if (const int err = fsync_path(path)) return io_error("fsync " + path.string(), err);
  return Ok{};
}

// Makes `dir` (and its parents) unless it exists; InvalidArgument when it
// exists with anything in it.
Status make_empty_dir(const fs::path& dir, const char* what) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)) {
      return make_error(ErrorCode::InvalidArgument,
                        std::string(what) + " " + dir.string() + " is not an empty directory");
    }
  } else if (!fs::create_directories(dir, ec)) {
    return io_error("mkdir " + dir.string(), ec.value());
  }
  fs::permissions(dir, fs::perms::owner_all, ec);
  const fs::path parent = fs::absolute(dir, ec).parent_path();
  return synced(parent);
}

// Empties `dir` (what an attempt of backup() left).
Status empty_dir(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
  if (ec) return io_error("empty " + dir.string(), ec.value());
  return Ok{};
}

Result<std::vector<std::string>> digests_of(const fs::path& data_dir, const OpenDataDir& open) {
  auto store = open(data_dir.string());
  if (!store) return store.error();
  return (*store)->live_blob_names();  // the store closes here: its WAL folds into the file
}

}  // namespace

Result<boost::json::object> backup(Store& live, const std::string& data_dir, const std::string& to,
                                   const OpenDataDir& open) {
  const fs::path dir(to);
  if (auto made = make_empty_dir(dir, "--to"); !made) return made.error();
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    if (auto emptied = empty_dir(dir); !emptied) return emptied.error();
    if (auto snapshot = live.snapshot_to((dir / kDatabase).string()); !snapshot) return snapshot.error();
    std::error_code ec;
    fs::permissions(dir / kDatabase, fs::perms::owner_read | fs::perms::owner_write, ec);  // password hashes
    auto digests = digests_of(dir, open);
    if (!digests) return digests.error();
    auto copied = blob::copy_disk_blobs(data_dir, to, *digests);
    if (!copied) return copied.error();
    if (!copied->missing.empty()) continue;  // deleted since the snapshot: take another
    const auto database_bytes = fs::file_size(dir / kDatabase, ec);
    if (auto done = synced(dir); !done) return done.error();
    return boost::json::object{{"backup", to},
                               {"database_bytes", database_bytes},
                               {"blobs", digests->size()},
                               {"linked", copied->linked},
                               {"copied", copied->copied},
                               {"attempts", attempt}};
  }
  return internal_error("attachments were deleted between each of " + std::to_string(kAttempts) +
                        " snapshots and the copy of their blobs: try again when the server is less busy");
}

Result<boost::json::object> restore(const std::string& from, const std::string& data, const OpenDataDir& open) {
  const fs::path source(from);
  const fs::path target(data);
  std::error_code ec;
  if (!fs::is_regular_file(source / kDatabase, ec)) {
    return make_error(ErrorCode::InvalidArgument, "--from " + from + " holds no backup (no " + kDatabase + ")");
  }
  // A backup closes its database, which folds the log in: a log means a
  // database in use, whose file alone is not the whole of it.
  if (fs::exists(source / (std::string(kDatabase) + "-wal"), ec)) {
    return make_error(ErrorCode::InvalidArgument, "--from " + from + " has a write-ahead log (" + kDatabase +
                                                      "-wal): a database in use, not a finished backup");
  }
  if (auto made = make_empty_dir(target, "--data"); !made) return made.error();
  if (!fs::copy_file(source / kDatabase, target / kDatabase, ec)) {
    return io_error("copy " + (source / kDatabase).string(), ec.value());
  }
  fs::permissions(target / kDatabase, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (auto done = synced(target / kDatabase); !done) return done.error();
  if (auto done = synced(target); !done) return done.error();

  auto store = open(data);
  if (!store) return store.error();
  auto digests = (*store)->live_blob_names();
  if (!digests) return digests.error();
  auto copied = blob::copy_disk_blobs(from, data, *digests);
  if (!copied) return copied.error();
  if (!copied->missing.empty()) {
    return internal_error(std::to_string(copied->missing.size()) + " blobs the backup's attachments use are not in " +
                          from + " (the first: " + copied->missing.front() + ")");
  }
  auto blobs = blob::make_disk_blob_store(data);
  auto checked = fsck(**store, *blobs, false);
  if (!checked) return checked.error();
  return boost::json::object{{"restored", data},
                             {"blobs", digests->size()},
                             {"linked", copied->linked},
                             {"copied", copied->copied},
                             {"fsck", *checked}};
}

}  // namespace focusd::admin
