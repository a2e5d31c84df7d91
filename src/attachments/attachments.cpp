#include "attachments/attachments.h"

#include "blob/mime.h"
#include "common/metrics.h"
#include "common/side_task.h"

#include <future>

namespace focusd::attachments {

Service::Service(Store& store, blob::BlobStore& blobs, std::int64_t quota_bytes, boost::asio::io_context& helpers)
    : store_(store), blobs_(blobs), quota_bytes_(quota_bytes), helpers_(helpers) {}

// All flushed before the first publish (and outside the lock). On disk one
// after the other: their fsyncs share the journal's commits. In a shared
// store (S3), whose flushes are requests answered each in turn, a bulk's
// files are flushed at once, a thread each.
Status Service::flush_all(std::vector<StagedFile>& files) {
  if (files.size() < 2 || !blobs_.shared()) {
    for (auto& file : files) {
      if (auto flushed = file.staging->flush(); !flushed) return flushed;
    }
    return Ok{};
  }
  std::vector<std::future<Status>> others;
  for (std::size_t i = 1; i < files.size(); ++i) {
    // Deferred (run by get() below) when no thread can be started.
    others.push_back(std::async(std::launch::async | std::launch::deferred,
                                [&staging = *files[i].staging] { return staging.flush(); }));
  }
  Status flushed = files[0].staging->flush();
  for (auto& other : others) {
    auto status = other.get();
    if (flushed && !status) flushed = std::move(status);
  }
  return flushed;
}

Result<std::vector<AttachmentRecord>> Service::create(ParentKind kind, std::int64_t parent_id,
                                                      std::int64_t workspace_id, std::vector<StagedFile>& files) {
  // libmagic (0.2-0.6 ms of CPU a file) runs on another thread while this
  // one waits for the store (the disk's fsync and rename, S3's requests):
  // 1 MiB uploads 4-7 % faster.
  std::vector<std::string> types(files.size());
  SideTask sniffing(helpers_, [&] {
    for (std::size_t i = 0; i < files.size(); ++i) {
      types[i] = blob::sniff_mime_type(files[i].staging->head(), files[i].declared_type);
    }
  });
  std::vector<NewAttachment> rows;
  for (auto& file : files) {
    auto info = file.staging->finish();
    if (!info) return info.error();
    rows.push_back(NewAttachment{file.name, "", static_cast<std::int64_t>(info->size), info->sha256, file.display_order,
                                 info->name == info->sha256 ? "" : info->name});
  }
  if (auto flushed = flush_all(files); !flushed) return flushed.error();
  std::lock_guard lock(lifecycle_);
  std::vector<std::string> fresh;  // blobs this call stored: what a failure must take back
  auto undo = [&] {
    for (const auto& name : fresh) (void)blobs_.remove(name);
  };
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto published = files[i].staging->publish();
    if (!published) {
      undo();
      return published.error();
    }
    if (*published) fresh.push_back(rows[i].blob.empty() ? rows[i].sha256 : rows[i].blob);
  }
  sniffing.wait();
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].mime_type = std::move(types[i]);
  const auto start = metrics::Clock::now();
  auto created = store_.create_attachments(kind, parent_id, workspace_id, rows,
                                           quota_bytes_ > 0 ? std::optional<std::int64_t>(quota_bytes_) : std::nullopt);
  metrics::database_call(metrics::DatabaseCall::Write, metrics::seconds_since(start),
                         metrics::database_failed(created));
  // Unavailable may mean that the database went away during the COMMIT, which
  // may then have happened: the blobs stay (an orphan for fsck at worst),
  // never a row without its bytes.
  if (!created && created.error().code != ErrorCode::Unavailable) undo();
  return created;
}

Status Service::remove(ParentKind kind, std::int64_t parent_id, std::int64_t attachment_id) {
  std::lock_guard lock(lifecycle_);
  const auto start = metrics::Clock::now();
  auto unused = store_.delete_attachment(kind, parent_id, attachment_id);
  metrics::database_call(metrics::DatabaseCall::Write, metrics::seconds_since(start), metrics::database_failed(unused));
  if (!unused) return unused.error();
  // A shared store's bytes may be another node's upload's by now: the sweep's.
  if (*unused && !blobs_.shared()) (void)blobs_.remove(**unused);
  return Ok{};
}

}  // namespace focusd::attachments
