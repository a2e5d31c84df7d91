// The bound of a durable upload, for bench/run: an HTTP server that does only
// the work an attachment upload cannot skip, on one thread, for one client at
// a time: it reads the request head and the multipart body (focusd's parser,
// in 256 KiB reads straight from the socket), hashes each file part (SHA-256)
// while writing it to a temp file of its own (writeback started every MiB),
// sniffs its type (libmagic, as focusd does), fsyncs the files, renames each
// to its digest in one directory and fsyncs that once, commits the
// attachments' rows in one SQLite transaction (WAL, synchronous=FULL), and
// answers 201. One file part is a single upload; ten are a bulk's least work.
// No thread hand-offs, no access checks. Prints the port it listens on, then
// serves until killed.
//
// With --pipelined a second thread reads the body from the socket a piece
// (1 MiB) ahead of the one that parses, hashes and writes it, two pieces in
// turn, as focusd overlaps the network and the disk; the threads hand pieces
// over under a mutex and sleep on a condition variable, nothing more.
//
// With --s3 ENDPOINT BUCKET it holds each file part in memory instead, then
// PUTs it to ENDPOINT/BUCKET/sink/DIGEST (libcurl's own SigV4, one kept
// connection, not waiting for a 100 Continue) and commits the rows: the least
// work of an upload to S3 small enough to need no multipart upload (no file,
// fsync or rename).
//
//   upload-sink DIR [--pipelined | --s3 ENDPOINT BUCKET]
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "blob/mime.h"
#include "common/strings.h"
#include "http_head.h"
#include "multipart/multipart.h"
#include "s3_curl.h"
#include "store/sqlite/connection.h"

namespace {

constexpr std::size_t kRead = 256 << 10;
constexpr std::size_t kWindow = 1 << 20;
constexpr std::size_t kHead = 4096;
constexpr std::size_t kMostFiles = 10;  // a bulk's

// One file part, written to `temp` (or held in `bytes`) and hashed as it comes.
struct File {
  std::filesystem::path temp;
  int fd = -1;
  std::string bytes;
  SHA256_CTX hash{};
  std::string head, declared, digest;
  std::size_t size = 0, written_back = 0;
};

// The file parts of a body, each to a temp file of its own under `dir` (or,
// `in_memory`, to a string).
class Sink final : public focusd::multipart::Handler {
 public:
  Sink(std::filesystem::path dir, int request, bool in_memory)
      : dir_(std::move(dir)), request_(request), in_memory_(in_memory) {
    files_.reserve(kMostFiles);
  }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;
  ~Sink() override {
    for (const File& f : files_) {
      if (f.fd >= 0) ::close(f.fd);
    }
  }

  focusd::Status on_part_begin(const focusd::multipart::PartHeaders& headers) override {
    if (!headers.filename) return focusd::Ok{};
    if (files_.size() == kMostFiles) return focusd::internal_error("too many files");
    File& f = files_.emplace_back();
    if (!in_memory_) {
      f.temp = dir_ / ("upload-" + std::to_string(request_) + "-" + std::to_string(files_.size()));
      f.fd = ::open(f.temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (f.fd < 0) return focusd::internal_error("open failed");
    }
    SHA256_Init(&f.hash);
    f.declared = headers.content_type;
    current_ = &f;
    return focusd::Ok{};
  }
  focusd::Status on_part_data(std::string_view data) override {
    if (current_ == nullptr) return focusd::Ok{};
    File& f = *current_;
    SHA256_Update(&f.hash, data.data(), data.size());
    if (f.head.size() < kHead) f.head.append(data.substr(0, kHead - f.head.size()));
    if (in_memory_) {
      f.bytes.append(data);
      f.size += data.size();
      return focusd::Ok{};
    }
    for (std::string_view rest = data; !rest.empty();) {
      const ssize_t n = ::write(f.fd, rest.data(), rest.size());
      if (n < 0) return focusd::internal_error("write failed");
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    f.size += data.size();
    while (f.size - f.written_back >= kWindow) {
      ::sync_file_range(f.fd, static_cast<off_t>(f.written_back), kWindow, SYNC_FILE_RANGE_WRITE);
      f.written_back += kWindow;
    }
    return focusd::Ok{};
  }
  focusd::Status on_part_end() override {
    if (current_ != nullptr) {
      unsigned char d[SHA256_DIGEST_LENGTH];
      SHA256_Final(d, &current_->hash);
      current_->digest = focusd::to_hex(d, sizeof d);
    }
    current_ = nullptr;
    return focusd::Ok{};
  }
  std::vector<File>& files() { return files_; }

 private:
  std::filesystem::path dir_;
  int request_;
  bool in_memory_;
  std::vector<File> files_;  // kMostFiles at most, reserved up front: current_ points into it
  File* current_ = nullptr;
};

// Feeds the body's last `left` bytes to `parser` while another thread reads
// them from `client` a piece ahead; false when they could not be read or parsed.
bool feed_pipelined(int client, std::size_t left, focusd::multipart::Parser& parser) {
  constexpr std::size_t kPiece = 1 << 20;
  std::vector<char> pieces[2] = {std::vector<char>(kPiece), std::vector<char>(kPiece)};
  std::size_t filled[2] = {0, 0};
  std::mutex mutex;
  std::condition_variable changed;
  int ready = 0;  // pieces read and not yet fed
  bool read_all = false;
  bool failed = false;
  std::thread reader([&] {
    for (int i = 0; left > 0; i = 1 - i) {
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return ready < 2 || failed; });
        if (failed) return;
      }
      std::size_t n = 0;
      while (n < kPiece && left > 0) {
        const ssize_t r = ::recv(client, pieces[i].data() + n, std::min(kPiece - n, left), 0);
        if (r <= 0) {
          std::lock_guard lock(mutex);
          failed = true;
          changed.notify_all();
          return;
        }
        n += static_cast<std::size_t>(r);
        left -= static_cast<std::size_t>(r);
      }
      std::lock_guard lock(mutex);
      filled[i] = n;
      ++ready;
      changed.notify_all();
    }
    std::lock_guard lock(mutex);
    read_all = true;
    changed.notify_all();
  });
  for (int i = 0;; i = 1 - i) {
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return ready > 0 || read_all || failed; });
      if (ready == 0) break;
    }
    const bool fed = static_cast<bool>(parser.feed(std::string_view(pieces[i].data(), filled[i])));
    std::lock_guard lock(mutex);
    --ready;
    if (!fed) failed = true;
    changed.notify_all();
    if (failed) break;
  }
  reader.join();
  return !failed;
}

// Where --s3 puts the files: the handle and ENDPOINT/BUCKET.
struct S3Target {
  S3Curl s3;
  std::string bucket_url;
};

// PUTs the file to the bucket under its digest; true when stored.
bool put(const S3Target& target, const File& f) {
  const std::string url = target.bucket_url + "/sink/" + f.digest;
  const S3Curl& s3 = target.s3;
  std::string_view rest = f.bytes;
  s3.curl->easy_setopt(s3.easy, CURLOPT_URL, url.c_str());
  s3.curl->easy_setopt(s3.easy, CURLOPT_UPLOAD, 1L);
  s3.curl->easy_setopt(s3.easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(f.bytes.size()));
  s3.curl->easy_setopt(s3.easy, CURLOPT_READDATA, &rest);
  s3.curl->easy_setopt(
      s3.easy, CURLOPT_READFUNCTION, +[](char* out, std::size_t size, std::size_t count, void* user) -> std::size_t {
        auto& left = *static_cast<std::string_view*>(user);
        const std::size_t n = std::min(size * count, left.size());
        std::memcpy(out, left.data(), n);
        left.remove_prefix(n);
        return n;
      });
  return s3.perform();
}

// One request on `client`: false when it could not be read whole.
bool serve(int client, const std::filesystem::path& dir, focusd::sqlite::Connection& db, int n,
           std::vector<char>& buffer, bool pipelined, const S3Target* s3) {
  std::string head;
  std::size_t body_start = std::string::npos;
  while (body_start == std::string::npos) {
    const ssize_t r = ::recv(client, buffer.data(), buffer.size(), 0);
    if (r <= 0) return false;
    head.append(buffer.data(), static_cast<std::size_t>(r));
    if (const auto end = head.find("\r\n\r\n"); end != std::string::npos) body_start = end + 4;
  }
  std::string body = head.substr(body_start);
  head.resize(body_start);
  if (focusd::iequals(header(head, "expect"), "100-continue")) {
    const std::string proceed = "HTTP/1.1 100 Continue\r\n\r\n";
    ::send(client, proceed.data(), proceed.size(), MSG_NOSIGNAL);
  }
  std::size_t left = std::strtoull(header(head, "content-length").c_str(), nullptr, 10);
  auto boundary = focusd::multipart::boundary_of(header(head, "content-type"));
  if (!boundary) return false;
  Sink sink(dir, n, s3 != nullptr);
  focusd::multipart::Parser parser(*boundary, {}, sink);
  bool parsed = static_cast<bool>(parser.feed(body));
  left -= std::min(left, body.size());
  if (pipelined && parsed) {
    parsed = feed_pipelined(client, left, parser);
    left = 0;
  }
  while (parsed && left > 0) {
    const ssize_t r = ::recv(client, buffer.data(), std::min(buffer.size(), left), 0);
    if (r <= 0) return false;
    left -= static_cast<std::size_t>(r);
    parsed = static_cast<bool>(parser.feed(std::string_view(buffer.data(), static_cast<std::size_t>(r))));
  }
  parsed = parsed && parser.finish();
  std::vector<File>& files = sink.files();
  if (!parsed || files.empty()) return false;
  std::vector<std::string> types;
  for (File& f : files) {
    types.push_back(focusd::blob::sniff_mime_type(f.head, f.declared));
    if (s3 && !put(*s3, f)) return false;
    if (!s3) ::fsync(f.fd);
  }
  if (!s3) {
    for (const File& f : files) std::filesystem::rename(f.temp, dir / f.digest);
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  {
    focusd::sqlite::Transaction tx(db);
    for (std::size_t i = 0; i < files.size(); ++i) {
      db.prepare("INSERT INTO attachments (sha256, mime_type, size) VALUES (?1, ?2, ?3)")
          .bind_all(files[i].digest, types[i], static_cast<std::int64_t>(files[i].size))
          .run();
    }
    tx.commit();
  }
  const std::string json = "{\"id\":" + std::to_string(db.last_insert_id()) + "}";
  const std::string response =
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(json.size()) +
      "\r\nConnection: close\r\n\r\n" + json;
  ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const bool pipelined = argc == 3 && std::strcmp(argv[2], "--pipelined") == 0;
  const bool to_s3 = argc == 5 && std::strcmp(argv[2], "--s3") == 0;
  if (argc < 2 || (argc == 3 && !pipelined) || argc == 4 || (argc == 5 && !to_s3) || argc > 5) {
    std::fprintf(stderr, "usage: upload-sink DIR [--pipelined | --s3 ENDPOINT BUCKET]\n");
    return 2;
  }
  std::optional<S3Target> s3;
  if (to_s3) {
    auto handle = S3Curl::open("upload-sink");
    if (!handle) return 1;
    handle->curl->easy_setopt(
        handle->easy, CURLOPT_WRITEFUNCTION,
        +[](char*, std::size_t size, std::size_t count, void*) { return size * count; });
    s3 = S3Target{*handle, std::string(argv[3]) + "/" + argv[4]};
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  auto db =
      focusd::sqlite::Connection::open((dir / "sink.db").string(), focusd::sqlite::OpenOptions{.synchronous = "full"});
  db->exec(
      "CREATE TABLE IF NOT EXISTS attachments (id INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL,"
      " mime_type TEXT NOT NULL, size INTEGER NOT NULL)");
  const int listener = listen_on_loopback("upload-sink");
  if (listener < 0) return 1;
  std::vector<char> buffer(kRead);
  int n = 0;
  serve_one_at_a_time(listener,
                      [&](int client) { serve(client, dir, *db, n++, buffer, pipelined, s3 ? &*s3 : nullptr); });
}
