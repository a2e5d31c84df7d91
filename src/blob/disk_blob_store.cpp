#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "blob/blob_store.h"
#include "blob/disk_space.h"
#include "blob/sha256.h"
#include "common/fsync.h"
#include "common/random.h"
#include "common/strings.h"
#include "common/unique_fd.h"

namespace focusd::blob {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kWritebackWindow = 1 << 20;
constexpr std::uint64_t kFirstWritebackWindow = 1 << 18;
constexpr std::size_t kSpareFiles = 10;  // a bulk's worth
constexpr std::string_view kSparePrefix = "spare-";

Error io_error(const std::string& what, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return Error{ErrorCode::InsufficientStorage, "the server's disk is full", {}, what};
  }
  return internal_error(what + ": " + std::strerror(err));
}

Status fsync_dir(const fs::path& dir) {
  if (const int err = fsync_path(dir)) return io_error("fsync " + dir.string(), err);
  return Ok{};
}

// Creates a directory and its missing parents, and adds to `changed` the
// directories that gained an entry (each new one's parent), which fsync_dir
// must make durable. The caller fsyncs them after all its own changes: on
// ext4 the first fsync commits them all, and the others find nothing to do.
Status create_dirs(const fs::path& dir, std::vector<fs::path>& changed) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Ok{};
  if (auto parent = create_dirs(dir.parent_path(), changed); !parent) return parent;
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) return Ok{};
    return io_error("mkdir " + dir.string(), errno);
  }
  changed.push_back(dir.parent_path());
  return Ok{};
}

Status fsync_dirs(const std::vector<fs::path>& dirs) {
  for (const auto& dir : dirs) {
    if (auto synced = fsync_dir(dir); !synced) return synced;
  }
  return Ok{};
}

// Where the blob with this digest lives under `blobs`: one level of 256
// directories, all made before the first upload (prepare()), so that a new
// blob needs no new directory (and no fsync of one). A million blobs are 4k
// entries a directory, which ext4's hashed directories look up as fast as a few.
fs::path path_for(const fs::path& blobs, std::string_view sha256) {
  return blobs / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

// Where earlier builds put it (two levels, aa/bb/<sha256>): such blobs are
// read, found and removed where they are, and nothing new goes there. With
// random digests almost every upload made a new directory there: two mkdirs
// and two more directory fsyncs per upload.
fs::path old_path_for(const fs::path& blobs, std::string_view sha256) {
  return blobs / std::string(sha256.substr(0, 2)) / std::string(sha256.substr(2, 2)) / std::string(sha256);
}

// Whether a blob with this digest is stored, in either layout.
Result<bool> stored(const fs::path& blobs, std::string_view sha256) {
  for (const auto& path : {path_for(blobs, sha256), old_path_for(blobs, sha256)}) {
    struct stat existing {};
    if (::stat(path.c_str(), &existing) == 0) return true;
    if (errno != ENOENT) return io_error("stat " + path.string(), errno);
  }
  return false;
}

struct TempFile {
  UniqueFd fd;
  fs::path path;
};

Result<TempFile> create_temp(const fs::path& dir, std::string_view prefix) {
  fs::path path = dir / (std::string(prefix) + random_hex(12));
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return io_error("create " + path.string(), errno);
  return TempFile{std::move(fd), std::move(path)};
}

// Empty temp files made ahead of need by a thread of their own, so that an
// upload does not wait while the file system creates one (0.2-0.4 ms each
// on the development machine's ext4, ten of them for a bulk). Named spare-…
// so that fsck does not count them as unfinished uploads while they are
// empty; the server's start sweeps them with the other temp files.
class SpareFiles {
 public:
  SpareFiles(fs::path dir, std::size_t count) : dir_(std::move(dir)), count_(count), thread_([this] { fill(); }) {}
  SpareFiles(const SpareFiles&) = delete;
  SpareFiles& operator=(const SpareFiles&) = delete;
  ~SpareFiles() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
    for (const auto& file : ready_) ::unlink(file.path.c_str());
  }

  // A spare that is still in its directory (a sweep may have removed it),
  // or nullopt when none is ready.
  std::optional<TempFile> take() {
    std::unique_lock lock(mutex_);
    while (!ready_.empty()) {
      TempFile file = std::move(ready_.back());
      ready_.pop_back();
      lock.unlock();
      changed_.notify_all();
      struct stat st {};
      if (::fstat(file.fd.get(), &st) == 0 && st.st_nlink > 0) return file;
      lock.lock();
    }
    return std::nullopt;
  }

 private:
  void fill() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (ready_.size() >= count_) {
        changed_.wait(lock);
        continue;
      }
      lock.unlock();
      auto file = create_temp(dir_, kSparePrefix);
      lock.lock();
      if (file) {
        ready_.push_back(std::move(*file));
      } else {
        changed_.wait_for(lock, std::chrono::seconds(1));  // a full disk, say: stage() makes its own meanwhile
      }
    }
  }

  fs::path dir_;
  std::size_t count_;
  std::mutex mutex_;
  std::condition_variable changed_;  // a spare taken, or stopping
  std::vector<TempFile> ready_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts at once and uses the members above
};

class DiskStaging final : public Staging {
 public:
  DiskStaging(int fd, fs::path path, fs::path blobs, const DiskSpace* space)
      : fd_(fd), path_(std::move(path)), blobs_(std::move(blobs)), space_(space) {}
  ~DiskStaging() override {
    if (fd_ >= 0) ::close(fd_);
    if (!published_) ::unlink(path_.c_str());
  }

  Status write(std::string_view bytes) override {
    if (finished_) return internal_error("write after finish");
    hash_.update(bytes);
    if (head_.size() < kHeadBytes) head_.append(bytes.substr(0, kHeadBytes - head_.size()));
    size_ += bytes.size();
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return io_error("write " + path_.string(), errno);
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    start_writeback();
    // An upload of unknown length (or several at once) must stop at the
    // upload reserve too, not only at admission: checked at every window.
    if (space_ && size_ - space_checked_ >= kWritebackWindow) {
      space_checked_ = size_;
      if (auto room = space_->admit_upload(0); !room) return room.error();
    }
    return Ok{};
  }

  // Only starts the tail's writeback: the caller's work between finish() and
  // publish() (sniffing the type, the other files of a bulk) runs while the
  // disk writes, and publish()'s fsync waits for what is left. A copy of
  // content already stored is never flushed: publish() drops it.
  Result<BlobInfo> finish() override {
    if (finished_) return info_;
    info_.sha256 = hash_.hex();
    info_.size = size_;
    info_.name = info_.sha256;
    finished_ = true;
    if (size_ > written_back_) {
      ::sync_file_range(fd_, static_cast<off_t>(written_back_), static_cast<off_t>(size_ - written_back_),
                        SYNC_FILE_RANGE_WRITE);
      written_back_ = size_;
    }
    return info_;
  }

  std::string_view head() const override { return head_; }

  Result<bool> publish() override {
    if (!finished_) return internal_error("publish before finish");
    const fs::path target = path_for(blobs_, info_.sha256);
    std::vector<fs::path> changed;  // made durable after the rename, all together
    if (auto made = create_dirs(target.parent_path(), changed); !made) return made.error();
    auto exists = stored(blobs_, info_.sha256);
    if (!exists) return exists.error();
    if (*exists) return false;  // same content stored; the destructor drops ours
    if (auto synced = sync(); !synced) return synced.error();
    if (::rename(path_.c_str(), target.c_str()) != 0) return io_error("rename to " + target.string(), errno);
    published_ = true;
    changed.insert(changed.begin(), target.parent_path());
    if (auto synced = fsync_dirs(changed); !synced) {
      ::unlink(target.c_str());  // not durably in place: no later upload may count on it
      return synced.error();
    }
    return true;
  }

  Status flush() override {
    if (!finished_) return internal_error("flush before finish");
    auto exists = stored(blobs_, info_.sha256);
    if (!exists) return exists.error();
    if (*exists) return Ok{};
    return sync();
  }

 private:
  // fsync and close, once.
  Status sync() {
    if (fd_ < 0) return Ok{};
    if (::fsync(fd_) != 0) return io_error("fsync " + path_.string(), errno);
    ::close(fd_);
    fd_ = -1;
    return Ok{};
  }

  // Starts writing each full window to disk while the upload goes on
  // (sync_file_range only starts it; it does not wait), so that publish()'s
  // fsync is left with the tail alone instead of the whole file. Windows grow
  // from kFirstWritebackWindow to kWritebackWindow, so a small file's first
  // bytes go early too (1 MiB uploads: 5.13 -> 4.82 ms median) while a large
  // one is written in MiBs (256 KiB windows throughout slowed 100 MiB uploads
  // from 152 to 175 ms). Advice only: durability comes from that fsync.
  void start_writeback() {
    for (;;) {
      const std::uint64_t window = std::clamp(written_back_, kFirstWritebackWindow, kWritebackWindow);
      if (size_ - written_back_ < window) return;
      ::sync_file_range(fd_, static_cast<off_t>(written_back_), static_cast<off_t>(window), SYNC_FILE_RANGE_WRITE);
      written_back_ += window;
    }
  }

  int fd_;
  fs::path path_;
  fs::path blobs_;  // the store's blob directory: a copy, so that the staging may outlive the store
  const DiskSpace* space_;
  std::uint64_t space_checked_ = 0;  // size_ when the free space was last checked
  Sha256 hash_;
  std::string head_;
  std::uint64_t size_ = 0;
  std::uint64_t written_back_ = 0;  // bytes whose writeback start_writeback() has started
  BlobInfo info_;
  bool finished_ = false;
  bool published_ = false;
};

class DiskBlobStore final : public BlobStore {
 public:
  DiskBlobStore(const fs::path& root, const DiskSpace* space)
      : blobs_(root / "blobs"), temp_(root / "tmp"), space_(space) {}

  // Also starts making spare temp files (only the server calls it).
  Status prepare() override {
    if (auto made = make_tree(); !made) return made;
    std::lock_guard lock(tree_mutex_);
    if (!spares_) spares_ = std::make_unique<SpareFiles>(temp_, kSpareFiles);
    return Ok{};
  }

  bool shared() const override { return false; }
  Status ping() override { return Ok{}; }

  Result<std::unique_ptr<Staging>> stage() override {
    if (auto made = make_tree(); !made) return made.error();
    std::optional<TempFile> file;
    {
      std::lock_guard lock(tree_mutex_);
      if (spares_) file = spares_->take();
    }
    if (!file) {
      auto made = create_temp(temp_, "upload-");
      if (!made) return made.error();
      file = std::move(*made);
    }
    return std::unique_ptr<Staging>(
        std::make_unique<DiskStaging>(file->fd.release(), std::move(file->path), blobs_, space_));
  }

  Result<ByteSource> open(std::string_view sha256, ReadRange range) override {
    if (!is_digest(sha256)) return make_error(ErrorCode::NotFound, "no such blob");
    fs::path path = path_for(blobs_, sha256);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd && errno == ENOENT) {
      path = old_path_for(blobs_, sha256);
      fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    }
    if (!fd) {
      if (errno == ENOENT) return make_error(ErrorCode::NotFound, "no such blob");
      return io_error("open " + path.string(), errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return io_error("fstat " + path.string(), errno);
    auto length = range_length(range, static_cast<std::uint64_t>(st.st_size));
    if (!length) return length.error();
    // The descriptor reads the file as it is now, even if it is unlinked later.
    return ByteSource{*length, FileRange{std::move(fd), range.offset}};
  }

  Status remove(std::string_view sha256) override {
    if (!is_digest(sha256)) return make_error(ErrorCode::NotFound, "no such blob");
    for (const auto& path : {path_for(blobs_, sha256), old_path_for(blobs_, sha256)}) {
      if (::unlink(path.c_str()) == 0) return fsync_dir(path.parent_path());
      if (errno != ENOENT) return io_error("unlink " + path.string(), errno);
    }
    return make_error(ErrorCode::NotFound, "no such blob");
  }

  Result<std::vector<std::string>> list() override {
    std::vector<std::string> digests;
    std::error_code ec;
    if (!fs::exists(blobs_, ec)) return digests;
    for (auto it = fs::recursive_directory_iterator(blobs_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (it->is_regular_file() && is_digest(name)) digests.push_back(name);
    }
    if (ec) return internal_error("listing blobs: " + ec.message());
    return digests;
  }

  Result<std::vector<std::string>> recent() override { return std::vector<std::string>(); }

  Result<std::size_t> sweep_temps() override { return for_each_temp(true); }
  Result<std::size_t> count_temps() override { return for_each_temp(false); }

 private:
  // Makes the temp directory and the 256 blob directories, once (again only
  // if the temp directory went away): a blob's publish then finds its
  // directory in place (no mkdir, no fsync of a new entry) from the first
  // upload on.
  Status make_tree() {
    std::lock_guard lock(tree_mutex_);
    std::error_code ec;
    if (tree_made_ && fs::is_directory(temp_, ec)) return Ok{};
    std::vector<fs::path> changed;
    if (auto made = create_dirs(temp_, changed); !made) return made;
    for (int i = 0; i < 256; ++i) {
      const auto byte = static_cast<unsigned char>(i);
      if (auto made = create_dirs(blobs_ / to_hex(&byte, 1), changed); !made) return made;
    }
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    if (auto synced = fsync_dirs(changed); !synced) return synced;
    tree_made_ = true;
    return Ok{};
  }

  Result<std::size_t> for_each_temp(bool remove) {
    std::size_t count = 0;
    std::error_code ec;
    if (!fs::exists(temp_, ec)) return count;
    for (const auto& entry : fs::directory_iterator(temp_, ec)) {
      if (remove) {
        if (fs::remove(entry.path(), ec)) ++count;
      } else if (!is_spare(entry)) {
        ++count;
      }
    }
    if (ec) return internal_error("temp files: " + ec.message());
    return count;
  }

  // A spare not yet taken (empty): one that an upload took holds its bytes.
  static bool is_spare(const fs::directory_entry& entry) {
    std::error_code ec;
    return entry.path().filename().string().starts_with(kSparePrefix) && entry.file_size(ec) == 0 && !ec;
  }

  fs::path blobs_;
  fs::path temp_;
  const DiskSpace* space_;
  std::mutex tree_mutex_;               // guards tree_made_ and spares_
  bool tree_made_ = false;              // by make_tree()
  std::unique_ptr<SpareFiles> spares_;  // from prepare() on
};

}  // namespace

std::unique_ptr<BlobStore> make_disk_blob_store(const std::string& root, const DiskSpace* space) {
  return std::make_unique<DiskBlobStore>(fs::path(root), space);
}

Result<DiskBlobCopy> copy_disk_blobs(const std::string& from_root, const std::string& to_root,
                                     const std::vector<std::string>& digests) {
  const fs::path from = fs::path(from_root) / "blobs";
  const fs::path to = fs::path(to_root) / "blobs";
  DiskBlobCopy copy;
  std::vector<fs::path> changed;
  for (const auto& sha256 : digests) {
    fs::path source = is_digest(sha256) ? path_for(from, sha256) : fs::path();
    std::error_code ec;
    if (!source.empty() && !fs::exists(source, ec)) source = old_path_for(from, sha256);
    if (source.empty() || !fs::exists(source, ec)) {
      copy.missing.push_back(sha256);
      continue;
    }
    const fs::path target = path_for(to, sha256);
    if (auto made = create_dirs(target.parent_path(), changed); !made) return made.error();
    if (::link(source.c_str(), target.c_str()) == 0 || errno == EEXIST) {
      ++copy.linked;
    } else if (errno == EXDEV || errno == EPERM || errno == EMLINK) {
      // Another file system (or one without hard links): the bytes themselves.
      if (!fs::copy_file(source, target, fs::copy_options::overwrite_existing, ec)) {
        return io_error("copy " + source.string(), ec.value());
      }
      if (const int err = fsync_path(target)) return io_error("fsync " + target.string(), err);
      ++copy.copied;
    } else if (errno == ENOENT) {
      copy.missing.push_back(sha256);  // removed since it was found
      continue;
    } else {
      return io_error("link " + source.string(), errno);
    }
    if (changed.empty() || changed.back() != target.parent_path()) changed.push_back(target.parent_path());
  }
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  if (auto synced = fsync_dirs(changed); !synced) return synced.error();
  return copy;
}

}  // namespace focusd::blob
