#include "blob/s3_blob_store.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "blob/sha256.h"
#include "common/random.h"
#include "common/time.h"

namespace focusd::blob {

namespace {

// A part streamed as it is written (S3Staging::expect_at_least) is no smaller
// than S3's least part and no larger than its largest; the pipe it comes
// through holds this much.
constexpr std::uint64_t kMinStreamedPart = std::uint64_t{5} << 20;
constexpr std::uint64_t kMaxPartBytes = std::uint64_t{5} << 30;
constexpr std::size_t kPipeBytes = std::size_t{1} << 20;
// A file held whole whose flush comes late (Staging::expect_late_flush) is
// sent at finish() from this size on (a smaller one is not worth the two
// more requests of a multipart upload).
constexpr std::uint64_t kSentAtFinish = std::uint64_t{256} << 10;

// A 2xx whose body is an <Error> (S3 may answer a completion or a copy so).
bool succeeded(const S3Reply& reply) {
  return reply.ok() && reply.body.find("<Error>") == std::string::npos;
}

// The multipart upload of one staging, shared with the threads that send its
// parts (and abort it when the staging is dropped): `in_flight_limit` parts
// in flight at most.
struct PartUploads {
  std::shared_ptr<S3Client> client;
  std::string key;
  std::string upload_id;
  std::size_t in_flight_limit = 1;
  std::mutex mutex;
  std::condition_variable idle;    // a part's send ended
  std::size_t in_flight = 0;       // parts being sent
  bool abandoned = false;          // the staging was dropped: abort once none is in flight
  bool closed = false;             // completed or aborted: nothing more to do
  std::vector<std::string> etags;  // by part number - 1, as each send ends
  std::vector<std::string> spare;  // buffers of parts sent, emptied, to be filled again
  std::optional<Error> failure;

  // Aborts the upload (a staging dropped before its end), best effort: what
  // fails here is swept later.
  void abort() { (void)client->send(S3Request("DELETE", key, "uploadId=" + s3_encode(upload_id, false))); }

  // Notes how the send of part `number` ended (by the thread that sent it);
  // the last one in flight of a dropped staging aborts the upload.
  void sent(std::size_t number, const Result<S3Reply>& answer) {
    std::unique_lock lock(mutex);
    if (!answer) {
      failure = answer.error();
    } else if (!succeeded(*answer) || answer->etag.empty()) {
      failure = s3_error(*answer, "PUT part " + std::to_string(number) + " of " + key);
    } else {
      etags[number - 1] = answer->etag;
    }
    --in_flight;
    const bool abort_now = abandoned && !closed && in_flight == 0;
    if (abort_now) closed = true;
    lock.unlock();
    idle.notify_all();
    if (abort_now) abort();
  }
};

// The bytes of a part sent as they are written: a bounded queue between the
// staging's writes and the thread that sends the part.
class Pipe {
 public:
  Pipe(std::size_t capacity, std::chrono::milliseconds stall) : ring_(capacity), stall_(stall) {}

  // Queues `bytes`, waiting while the queue is full. False when the sender
  // has gone (the part's send ended) or took none of them for `stall`.
  bool put(std::string_view bytes) {
    std::unique_lock lock(mutex_);
    while (!bytes.empty()) {
      if (!changed_.wait_for(lock, stall_, [&] { return hung_up_ || count_ < ring_.size(); })) return false;
      if (hung_up_) return false;
      const std::size_t end = (head_ + count_) % ring_.size();
      const std::size_t n = std::min({bytes.size(), ring_.size() - count_, ring_.size() - end});
      bytes.copy(ring_.data() + end, n);
      count_ += n;
      bytes.remove_prefix(n);
      changed_.notify_all();
    }
    return true;
  }

  // Moves queued bytes into the front of `into`, waiting for some; 0 once the
  // pipe is closed and empty.
  std::size_t take(std::span<char> into) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || count_ > 0; });
    const std::size_t n = std::min({into.size(), count_, ring_.size() - head_});
    std::copy_n(ring_.data() + head_, n, into.data());
    head_ = (head_ + n) % ring_.size();
    count_ -= n;
    changed_.notify_all();
    return n;
  }

  // No more bytes will be put (all were, or the staging was dropped).
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  // The sender is done: put() fails from now on.
  void hang_up() {
    std::lock_guard lock(mutex_);
    hung_up_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<char> ring_;
  std::size_t head_ = 0;   // the first queued byte
  std::size_t count_ = 0;  // bytes queued
  bool closed_ = false;
  bool hung_up_ = false;
  std::chrono::milliseconds stall_;
};

class EmptyStream final : public ByteStream {
 public:
  Result<std::size_t> read(std::span<char> /*buffer*/) override { return std::size_t{0}; }
};

class S3Staging final : public Staging {
 public:
  S3Staging(std::shared_ptr<S3Client> client, std::string blob_key_prefix, std::string temp_key,
            std::uint64_t part_size, std::size_t parts_in_flight)
      : client_(std::move(client)),
        blob_key_prefix_(std::move(blob_key_prefix)),
        temp_key_(std::move(temp_key)),
        part_size_(part_size),
        parts_in_flight_(parts_in_flight) {}

  S3Staging(const S3Staging&) = delete;
  S3Staging& operator=(const S3Staging&) = delete;

  // Never waits: a part still being sent is aborted by its own thread.
  ~S3Staging() override {
    if (stream_) stream_->close();  // its send fails short of its length, so the part is never stored
    if (!parts_) return;
    std::unique_lock lock(parts_->mutex);
    if (parts_->closed) return;
    parts_->abandoned = true;
    if (parts_->in_flight > 0) return;  // the last thread sending a part aborts when done
    parts_->closed = true;
    lock.unlock();
    try {
      std::thread([parts = parts_] { parts->abort(); }).detach();
    } catch (const std::system_error&) {  // NOLINT(bugprone-empty-catch): no thread to be had: the sweep's, then
    }
  }

  Status write(std::string_view bytes) override {
    if (finished_) return internal_error("write after finish");
    hash_.update(bytes);
    if (head_.size() < kHeadBytes) head_.append(bytes.substr(0, kHeadBytes - head_.size()));
    size_ += bytes.size();
    // Bytes certain to be written from the first of `bytes` on.
    std::uint64_t certain = std::max<std::uint64_t>(promised_, bytes.size());
    promised_ -= std::min<std::uint64_t>(promised_, bytes.size());
    while (!bytes.empty()) {
      if (!stream_ && buffer_.empty() && certain >= std::max(part_size_, kMinStreamedPart)) {
        if (auto started = start_stream(std::min(certain, kMaxPartBytes)); !started) return started;
      }
      std::size_t taken = 0;
      if (stream_) {
        auto streamed = stream(bytes);
        if (!streamed) return streamed.error();
        taken = *streamed;
      } else {
        if (buffer_.capacity() < part_size_) next_buffer();
        taken = std::min(part_size_ - buffer_.size(), bytes.size());
        buffer_.append(bytes.substr(0, taken));
        if (buffer_.size() == part_size_) {
          if (auto sent = send_part(); !sent) return sent;
        }
      }
      bytes.remove_prefix(taken);
      certain -= taken;
    }
    return Ok{};
  }

  void expect_at_least(std::uint64_t bytes) override { promised_ = bytes; }
  void expect_late_flush() override { late_flush_ = true; }

  // Sends the last part at once, and waits until S3 has every part: a bulk,
  // whose files end one after the other, holds no buffer of a file of more
  // than a part once the next one starts, nor of one of 256 KiB or more with
  // a late flush (its one part). A smaller file stays in memory until flush()
  // PUTs it. Either way a finished staging that is dropped stores nothing:
  // its multipart upload is aborted, never completed.
  Result<BlobInfo> finish() override {
    if (failure_) return *failure_;
    if (finished_) return info_;
    if (stream_) return internal_error("the upload ended before the bytes it promised");
    info_.sha256 = hash_.hex();
    info_.size = size_;
    info_.name = upload_name_.empty() ? info_.sha256 : upload_name_;
    // Held whole, with a late flush: the one part of a multipart upload to its
    // digest's key, which flush() completes (and a drop aborts).
    const bool send_whole = late_flush_ && !parts_ && size_ >= kSentAtFinish;
    Status sent = send_whole ? send_part() : Status(Ok{});
    if (sent) sent = send_rest();
    if (!sent) {
      failure_ = sent.error();
      return *failure_;
    }
    finished_ = true;
    return info_;
  }

  std::string_view head() const override { return head_; }

  Status flush() override {
    if (!finished_) return internal_error("flush before finish");
    if (flushed_) return Ok{};
    const std::string key = blob_key_prefix_ + info_.sha256;
    if (!parts_) {
      // One part's worth or less: one PUT to its place (again when stored: that refreshes its date).
      auto put = client_->send(S3Request("PUT", key, "", buffer_));
      std::string().swap(buffer_);  // freed (assigning an empty string would keep its memory)
      if (!put) return put.error();
      if (!succeeded(*put)) return s3_error(*put, "PUT " + key);
    } else {
      if (auto completed = complete(); !completed) return completed;
      if (parts_->key == temp_key_) {  // under tmp/: copied to its place
        auto copied = client_->send(
            S3Request("PUT", key, "", {},
                      {"x-amz-copy-source: /" + client_->settings().bucket + "/" + s3_encode(temp_key_, true)}));
        if (!copied) return copied.error();
        if (!succeeded(*copied)) return s3_error(*copied, "copy to " + key);
        (void)client_->send(S3Request("DELETE", temp_key_));  // else the sweep's
      }
    }
    flushed_ = true;
    return Ok{};
  }

  Result<bool> publish() override {
    if (!finished_) return internal_error("publish before finish");
    if (auto flushed = flush(); !flushed) return flushed.error();
    return false;  // a shared store's content is never this upload's alone
  }

 private:
  // Sends the full buffer as the next part by a thread of its own, once fewer
  // than parts_in_flight_ parts are being sent.
  Status send_part() {
    auto number = next_part();
    if (!number) return number.error();
    auto started = spawn(*number, [parts = parts_, number = *number, part = std::move(buffer_)]() mutable {
      auto sent = parts->client->send(S3Request("PUT", parts->key, part_query(*parts, number), part));
      part.clear();  // its pages stay, for the staging's next part
      {
        std::lock_guard lock(parts->mutex);
        parts->spare.push_back(std::move(part));
      }
      parts->sent(number, sent);
    });
    buffer_ = std::string();
    return started;
  }

  // Runs `send` (a part's, which ends with parts_->sent()) on a thread of its
  // own. When no thread can be started, that part fails at once: Unavailable.
  template <class Send>
  Status spawn(std::size_t number, Send send) {
    try {
      std::thread(std::move(send)).detach();
      return Ok{};
    } catch (const std::system_error&) {
      const Error error = make_error(ErrorCode::Unavailable, "no thread to send a part to the object store");
      parts_->sent(number, error);
      return error;
    }
  }

  // Starts sending the next `length` bytes written as the next part, by a
  // thread of its own, taking them from stream_ as write() puts them there.
  Status start_stream(std::uint64_t length) {
    // Streamed from its first byte: stored where it is sent, under a name of
    // its own (a copy to the digest's key would be one more request, and on
    // stores that do not copy by reference every byte again).
    if (!parts_) upload_name_ = new_upload_name();
    auto number = next_part();
    if (!number) return number.error();
    stream_ = std::make_shared<Pipe>(kPipeBytes, client_->settings().stall_timeout);
    stream_left_ = length;
    auto started = spawn(*number, [parts = parts_, number = *number, pipe = stream_, length] {
      S3Request put("PUT", parts->key, part_query(*parts, number));
      put.source = [&](std::span<char> into) { return pipe->take(into); };
      put.source_length = length;
      auto sent = parts->client->send(put);
      parts->sent(number, sent);
      pipe->hang_up();  // after sent(): a write that finds the pipe gone finds the failure too
    });
    if (!started) stream_.reset();
    return started;
  }

  // Puts the first of `bytes` that belong to the part being streamed into its
  // pipe; how many. The pipe is closed once the part has all its bytes.
  Result<std::size_t> stream(std::string_view bytes) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(stream_left_, bytes.size()));
    if (!stream_->put(bytes.substr(0, n))) {
      std::lock_guard lock(parts_->mutex);
      if (parts_->failure) return *parts_->failure;
      return make_error(ErrorCode::Unavailable, "the object store is unavailable");
    }
    stream_left_ -= n;
    if (stream_left_ == 0) {
      stream_->close();
      stream_.reset();
    }
    return n;
  }

  static std::string part_query(const PartUploads& parts, std::size_t number) {
    return "partNumber=" + std::to_string(number) + "&uploadId=" + s3_encode(parts.upload_id, false);
  }

  // The number of the next part, once fewer than parts_in_flight_ parts are
  // being sent (the multipart upload started first, for the first part).
  Result<std::size_t> next_part() {
    if (!parts_) {
      // Under the upload's own name when streamed, under its digest's when
      // known already (sent at finish()), else under tmp/ until flush().
      const std::string key = !upload_name_.empty()   ? blob_key_prefix_ + upload_name_
                              : !info_.sha256.empty() ? blob_key_prefix_ + info_.sha256
                                                      : temp_key_;
      auto started = client_->send(S3Request("POST", key, "uploads="));
      if (!started) return started.error();
      auto id = xml_text(started->body, "UploadId");
      if (!succeeded(*started) || !id) return s3_error(*started, "starting the multipart upload " + key);
      parts_ = std::make_shared<PartUploads>();
      parts_->client = client_;
      parts_->key = key;
      parts_->upload_id = *id;
      parts_->in_flight_limit = parts_in_flight_;
    }
    std::unique_lock lock(parts_->mutex);
    parts_->idle.wait(lock, [&] { return parts_->in_flight < parts_->in_flight_limit; });
    if (parts_->failure) return *parts_->failure;
    ++parts_->in_flight;
    parts_->etags.emplace_back();
    return parts_->etags.size();
  }

  // A buffer for the next part: one a part's send has finished with, whose
  // pages are there already (a fresh one is mmapped, and each of its pages
  // faulted in and zeroed: 10 % of an upload's CPU), else a new one, reserved
  // whole (growing by doubling would hold 1.5 parts while it copies).
  void next_buffer() {
    if (parts_) {
      std::lock_guard lock(parts_->mutex);
      if (!parts_->spare.empty()) {
        buffer_ = std::move(parts_->spare.back());
        parts_->spare.pop_back();
        return;
      }
    }
    buffer_.reserve(part_size_);
  }

  // Sends the last part of a multipart upload, then waits for every part's
  // answer and frees the spare buffers.
  Status send_rest() {
    if (!parts_) return Ok{};
    if (!buffer_.empty()) {
      if (auto sent = send_part(); !sent) return sent;
    }
    std::unique_lock lock(parts_->mutex);
    parts_->idle.wait(lock, [&] { return parts_->in_flight == 0; });
    parts_->spare = {};  // every part's thread has put its buffer back: no part is to come
    if (parts_->failure) return *parts_->failure;
    return Ok{};
  }

  // Completes the multipart upload, whose parts finish() sent.
  Status complete() {
    std::unique_lock lock(parts_->mutex);
    std::string body = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < parts_->etags.size(); ++i) {
      body +=
          "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + parts_->etags[i] + "</ETag></Part>";
    }
    body += "</CompleteMultipartUpload>";
    lock.unlock();
    const std::string query = "uploadId=" + s3_encode(parts_->upload_id, false);
    auto completed = client_->send(S3Request("POST", parts_->key, query, body));
    if (!completed) return completed.error();
    if (!succeeded(*completed)) {
      // An answer lost before a retry: the upload may have completed. (Or,
      // at a digest's key, the same content is there already.) Left open, it
      // is aborted when the staging goes: a completed one just answers so.
      auto head = client_->send(S3Request("HEAD", parts_->key));
      if (!head || !head->ok() || head->content_length != size_) {
        return s3_error(*completed, "completing " + parts_->key);
      }
      return Ok{};
    }
    lock.lock();
    parts_->closed = true;
    return Ok{};
  }

  std::shared_ptr<S3Client> client_;
  std::string blob_key_prefix_;
  std::string temp_key_;
  std::string upload_name_;  // set when the upload is stored under a name of its own
  std::uint64_t part_size_;
  std::size_t parts_in_flight_;
  Sha256 hash_;
  std::string head_;
  std::string buffer_;             // the part being filled
  std::uint64_t promised_ = 0;     // bytes certain to come after those written (expect_at_least)
  std::shared_ptr<Pipe> stream_;   // the part being streamed, if any
  std::uint64_t stream_left_ = 0;  // its bytes yet to be written
  std::uint64_t size_ = 0;
  std::shared_ptr<PartUploads> parts_;  // once the upload outgrows one part
  BlobInfo info_;
  bool late_flush_ = false;  // expect_late_flush()
  bool finished_ = false;
  bool flushed_ = false;
  std::optional<Error> failure_;  // of finish(), which sends: returned again
};

// Creates the bucket when it is missing.
Status make_bucket(S3Client& client) {
  const S3Settings& s = client.settings();
  auto head = client.send(S3Request("HEAD"));
  if (!head) return head.error();
  if (head->ok()) return Ok{};
  if (head->status != 404) return s3_error(*head, "HEAD bucket " + s.bucket);
  std::string body;
  if (s.region != "us-east-1") {
    body = "<CreateBucketConfiguration><LocationConstraint>" + s.region +
           "</LocationConstraint></CreateBucketConfiguration>";
  }
  auto made = client.send(S3Request("PUT", {}, "", body));
  if (!made) return made.error();
  if (made->ok() || xml_text(made->body, "Code") == "BucketAlreadyOwnedByYou") return Ok{};
  return s3_error(*made, "creating the bucket " + s.bucket);
}

class S3BlobStore final : public BlobStore {
 public:
  explicit S3BlobStore(const S3BlobSettings& settings)
      : client_(std::make_shared<S3Client>(settings.s3)),
        blobs_(settings.prefix + "blobs/"),
        temps_(settings.prefix + "tmp/"),
        part_size_(settings.part_size),
        parts_in_flight_(std::max<std::size_t>(settings.parts_in_flight, 1)),
        grace_(settings.orphan_grace) {}

  Status prepare() override {
    if (bucket_ready_) return Ok{};
    auto made = make_bucket(*client_);
    if (made) bucket_ready_ = true;
    return made;
  }

  bool shared() const override { return true; }

  Status ping() override {
    S3Request head("HEAD");
    head.idempotent = false;  // once: a probe, not a request to see through
    auto answer = client_->send(head);
    if (!answer) return answer.error();
    if (!answer->ok()) return s3_error(*answer, "HEAD bucket " + client_->settings().bucket);
    return Ok{};
  }

  // Makes the bucket first when prepare() could not (S3 was away at the start).
  Result<std::unique_ptr<Staging>> stage() override {
    if (auto prepared = prepare(); !prepared) return prepared.error();
    return std::unique_ptr<Staging>(
        std::make_unique<S3Staging>(client_, blobs_, temps_ + random_hex(16), part_size_, parts_in_flight_));
  }

  Result<ByteSource> open(std::string_view name, ReadRange range) override {
    if (!is_blob_name(name)) return make_error(ErrorCode::NotFound, "no such blob");
    const std::string key = blobs_ + std::string(name);
    if (range.offset == 0 && !range.length) return read(key, "", range);
    if (range.length != 0) {
      // One GET: S3 answers 206 with the object's size, or 416 when the range
      // starts past the end (then the HEAD below tells an empty range at the
      // very end apart).
      std::string bytes = "bytes=" + std::to_string(range.offset) + "-";
      if (range.length) bytes += std::to_string(range.offset + *range.length - 1);
      if (range.length.value_or(0) <= std::numeric_limits<std::uint64_t>::max() - range.offset) {
        auto read_range = read(key, bytes, range);
        if (read_range || read_range.error().code != ErrorCode::RangeNotSatisfiable) return read_range;
      }
    }
    auto head = client_->send(S3Request("HEAD", key));
    if (!head) return head.error();
    if (head->status == 404) return make_error(ErrorCode::NotFound, "no such blob");
    if (!head->ok() || !head->content_length) return s3_error(*head, "HEAD " + key);
    auto length = range_length(range, *head->content_length);
    if (!length) return length.error();
    if (*length == 0) return ByteSource{0, std::make_unique<EmptyStream>()};
    return internal_error("S3 refused a range that fits the object " + key);
  }

  Status remove(std::string_view name) override {
    if (!is_blob_name(name)) return make_error(ErrorCode::NotFound, "no such blob");
    const std::string key = blobs_ + std::string(name);
    auto head = client_->send(S3Request("HEAD", key));
    if (!head) return head.error();
    if (head->status == 404) return make_error(ErrorCode::NotFound, "no such blob");
    auto removed = client_->send(S3Request("DELETE", key));
    if (!removed) return removed.error();
    if (!removed->ok()) return s3_error(*removed, "DELETE " + key);
    return Ok{};
  }

  Result<std::vector<std::string>> list() override {
    std::vector<std::string> names;
    auto listed = for_each_object(blobs_, [&](std::string_view key, std::string_view /*modified*/) {
      const std::string_view name = key.substr(blobs_.size());
      if (is_blob_name(name)) names.emplace_back(name);
      return Status(Ok{});
    });
    if (!listed) return listed.error();
    return names;
  }

  Result<std::vector<std::string>> recent() override {
    std::vector<std::string> names;
    auto listed = for_each_object(blobs_, [&](std::string_view key, std::string_view modified) {
      const std::string_view name = key.substr(blobs_.size());
      if (is_blob_name(name) && !past_grace(modified)) names.emplace_back(name);
      return Status(Ok{});
    });
    if (!listed) return listed.error();
    return names;
  }

  Result<std::size_t> sweep_temps() override { return for_each_temp(true); }
  Result<std::size_t> count_temps() override { return for_each_temp(false); }

 private:
  // GET `key` with the Range header `bytes` (empty: the whole) for `range`:
  // S3 clamps a range that ends past the object, which must not be.
  Result<ByteSource> read(const std::string& key, const std::string& bytes, ReadRange range) {
    auto read = client_->read(key, bytes);
    if (!read) return read.error();
    const S3Reply& reply = read->reply;
    if (reply.status == 404) return make_error(ErrorCode::NotFound, "no such blob");
    if (reply.status == 416) return make_error(ErrorCode::RangeNotSatisfiable, "the range reaches past the end");
    if (!read->stream || !reply.content_length) return s3_error(reply, "GET " + key);
    if (!bytes.empty()) {
      auto length = range_length(range, reply.object_size.value_or(0));
      if (!length) return length.error();
      if (*length != *reply.content_length) return internal_error("S3 answered another range of " + key);
    }
    return ByteSource{reply.content_length, std::move(read->stream)};
  }

  // True when S3's timestamp (ISO 8601) is older than the grace period.
  bool past_grace(std::string_view timestamp) const {
    const auto seconds = unix_seconds(timestamp);
    if (!seconds) return false;  // unreadable: never swept
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    return now.count() - *seconds >= grace_.count();
  }

  // A bucket no server has made yet (an admin command run first) holds nothing:
  // its listings are empty, not an error.
  static bool no_such_bucket(const S3Reply& reply) {
    return reply.status == 404 && xml_text(reply.body, "Code") == "NoSuchBucket";
  }

  // Calls `visit(key, last_modified)` for every object under `prefix`, a page at a time.
  template <class Visit>
  Status for_each_object(const std::string& prefix, Visit visit) {
    std::string token;
    for (;;) {
      std::string query;
      if (!token.empty()) query = "continuation-token=" + s3_encode(token, false) + "&";
      query += "list-type=2&prefix=" + s3_encode(prefix, false);
      auto page = client_->send(S3Request("GET", {}, query));
      if (!page) return page.error();
      if (no_such_bucket(*page)) return Ok{};
      if (!page->ok()) return s3_error(*page, "listing " + prefix);
      for (const auto contents : xml_elements(page->body, "Contents")) {
        const auto key = xml_text(contents, "Key");
        const auto modified = xml_text(contents, "LastModified");
        if (!key || !key->starts_with(prefix)) continue;
        if (auto visited = visit(*key, modified.value_or("")); !visited) return visited;
      }
      const auto next = xml_text(page->body, "NextContinuationToken");
      if (xml_text(page->body, "IsTruncated") != "true" || !next) return Ok{};
      token = *next;
    }
  }

  // Calls `visit(key, upload_id, initiated)` for every multipart upload under `prefix`.
  template <class Visit>
  Status for_each_upload(const std::string& prefix, Visit visit) {
    std::string key_marker, id_marker;
    for (;;) {
      std::string query;
      if (!key_marker.empty()) query = "key-marker=" + s3_encode(key_marker, false) + "&";
      query += "prefix=" + s3_encode(prefix, false);
      if (!id_marker.empty()) query += "&upload-id-marker=" + s3_encode(id_marker, false);
      query += "&uploads=";
      auto page = client_->send(S3Request("GET", {}, query));
      if (!page) return page.error();
      if (no_such_bucket(*page)) return Ok{};
      if (!page->ok()) return s3_error(*page, "listing the uploads under " + prefix);
      for (const auto upload : xml_elements(page->body, "Upload")) {
        const auto key = xml_text(upload, "Key");
        const auto id = xml_text(upload, "UploadId");
        if (!key || !id) continue;
        if (auto visited = visit(*key, *id, xml_text(upload, "Initiated").value_or("")); !visited) return visited;
      }
      if (xml_text(page->body, "IsTruncated") != "true") return Ok{};
      key_marker = xml_text(page->body, "NextKeyMarker").value_or("");
      id_marker = xml_text(page->body, "NextUploadIdMarker").value_or("");
      if (key_marker.empty()) return Ok{};
    }
  }

  // The multipart uploads (under tmp/, and those streamed under blobs/) and
  // temp objects older than the grace period: counted, and removed when `remove`.
  Result<std::size_t> for_each_temp(bool remove) {
    std::size_t count = 0;
    auto abort_old = [&](const std::string& key, const std::string& id, std::string_view when) {
      if (!past_grace(when)) return Status(Ok{});
      ++count;
      if (!remove) return Status(Ok{});
      auto aborted = client_->send(S3Request("DELETE", key, "uploadId=" + s3_encode(id, false)));
      if (!aborted) return Status(aborted.error());
      if (!aborted->ok() && aborted->status != 404) return Status(s3_error(*aborted, "aborting " + key));
      return Status(Ok{});
    };
    for (const std::string& prefix : {temps_, blobs_}) {
      if (auto uploads = for_each_upload(prefix, abort_old); !uploads) return uploads.error();
    }
    auto objects = for_each_object(temps_, [&](std::string_view key, std::string_view when) {
      if (!past_grace(when)) return Status(Ok{});
      ++count;
      if (!remove) return Status(Ok{});
      auto removed = client_->send(S3Request("DELETE", std::string(key)));
      if (!removed) return Status(removed.error());
      if (!removed->ok()) return Status(s3_error(*removed, "DELETE " + std::string(key)));
      return Status(Ok{});
    });
    if (!objects) return objects.error();
    return count;
  }

  std::shared_ptr<S3Client> client_;
  std::string blobs_;  // key prefix of the blobs
  std::string temps_;  // key prefix of uploads in flight
  std::uint64_t part_size_;
  std::size_t parts_in_flight_;
  std::chrono::seconds grace_;
  std::atomic<bool> bucket_ready_ = false;  // by prepare()
};

bool is_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string_view::npos) return false;
  return name.front() != '.' && name.front() != '-' && name.back() != '.' && name.back() != '-';
}

}  // namespace

Result<S3Location> parse_s3_url(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (!url.starts_with(kScheme)) return invalid("--blobs", "must be s3://BUCKET[/PREFIX]");
  url.remove_prefix(kScheme.size());
  const auto slash = url.find('/');
  S3Location location{std::string(url.substr(0, slash)), ""};
  if (!is_bucket_name(location.bucket)) {
    return invalid("--blobs", "the bucket name must be 3-63 characters of a-z, 0-9, '.' and '-'");
  }
  if (slash != std::string_view::npos) {
    std::string prefix(url.substr(slash + 1));
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    const bool plain = prefix.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-") ==
                       std::string::npos;
    if (!plain || prefix.starts_with('/') || prefix.find("//") != std::string::npos) {
      return invalid("--blobs", "the prefix may hold only A-Z, a-z, 0-9, '/', '.', '_' and '-'");
    }
    if (!prefix.empty()) location.prefix = prefix + "/";
  }
  return location;
}

std::unique_ptr<BlobStore> make_s3_blob_store(const S3BlobSettings& settings) {
  return std::make_unique<S3BlobStore>(settings);
}

}  // namespace focusd::blob
