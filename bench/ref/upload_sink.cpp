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
// fsync or rename). A single file whose body's length leaves at least S3's
// least part (5 MiB) certain to be file, beyond what may still follow it
// (multipart::max_bytes_after, as focusd counts it), goes to S3 as it
// arrives instead: a multipart upload under a name of its own, whose first
// part is exactly those bytes, each read from the socket, parsed and hashed
// when libcurl asks for it (one thread, no buffer but the socket read's);
// the rest of the file is the second part; then the completion, the row, 201.
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
#include "blob/s3_client.h"
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

// What a request to S3 answered: its ETag header and its body.
struct S3Answer {
  std::string etag, body;
};

// Sets the handle's method and URL, and where the answer goes; the body is
// the caller's to set (CURLOPT_READFUNCTION or CURLOPT_POSTFIELDS).
void prepare(const S3Curl& s3, const std::string& url, bool post, S3Answer& answer) {
  const auto* c = s3.curl;
  c->easy_setopt(s3.easy, CURLOPT_URL, url.c_str());
  c->easy_setopt(s3.easy, post ? CURLOPT_POST : CURLOPT_UPLOAD, 1L);
  c->easy_setopt(s3.easy, CURLOPT_WRITEDATA, &answer.body);
  c->easy_setopt(
      s3.easy, CURLOPT_WRITEFUNCTION, +[](char* data, std::size_t size, std::size_t count, void* user) {
        static_cast<std::string*>(user)->append(data, size * count);
        return size * count;
      });
  c->easy_setopt(s3.easy, CURLOPT_HEADERDATA, &answer.etag);
  c->easy_setopt(
      s3.easy, CURLOPT_HEADERFUNCTION, +[](char* data, std::size_t size, std::size_t count, void* user) {
        std::string_view line(data, size * count);
        line = line.substr(0, line.find_last_not_of("\r\n") + 1);
        if (line.size() > 5 && focusd::iequals(line.substr(0, 5), "etag:")) {
          *static_cast<std::string*>(user) = std::string(focusd::trim(line.substr(5)));
        }
        return size * count;
      });
}

// A POST of `body` to `url`; its answer, nullopt unless a 2xx.
std::optional<S3Answer> post(const S3Curl& s3, const std::string& url, const std::string& body) {
  S3Answer answer;
  prepare(s3, url, true, answer);
  s3.curl->easy_setopt(s3.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  s3.curl->easy_setopt(s3.easy, CURLOPT_POSTFIELDS, body.c_str());
  if (!s3.perform()) return std::nullopt;
  return answer;
}

// A PUT of `length` bytes to `url`, each taken by `take(out, room)` (0: none
// left, which aborts a PUT short of its length); its ETag, nullopt unless a 2xx.
template <class Take>
std::optional<std::string> put_taken(const S3Curl& s3, const std::string& url, std::size_t length, Take& take) {
  S3Answer answer;
  prepare(s3, url, false, answer);
  s3.curl->easy_setopt(s3.easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
  s3.curl->easy_setopt(s3.easy, CURLOPT_READDATA, &take);
  s3.curl->easy_setopt(
      s3.easy, CURLOPT_READFUNCTION, +[](char* out, std::size_t size, std::size_t count, void* user) -> std::size_t {
        const std::size_t n = (*static_cast<Take*>(user))(out, size * count);
        return n == 0 ? CURL_READFUNC_ABORT : n;
      });
  if (!s3.perform()) return std::nullopt;
  return answer.etag;
}

// A PUT of `bytes` to `url`; its ETag, nullopt unless a 2xx.
std::optional<std::string> put_bytes(const S3Curl& s3, const std::string& url, std::string_view bytes) {
  const std::size_t length = bytes.size();
  auto take = [&](char* out, std::size_t room) {
    const std::size_t n = std::min(room, bytes.size());
    std::memcpy(out, bytes.data(), n);
    bytes.remove_prefix(n);
    return n;
  };
  return put_taken(s3, url, length, take);
}

// Reads the body's next piece (of the `left` bytes still unread on `client`)
// into `parser`; false when it could not be read or parsed.
bool feed_next(int client, std::vector<char>& buffer, std::size_t& left, focusd::multipart::Parser& parser) {
  const ssize_t r = ::recv(client, buffer.data(), std::min(buffer.size(), left), 0);
  if (r <= 0) return false;
  left -= static_cast<std::size_t>(r);
  return static_cast<bool>(parser.feed(std::string_view(buffer.data(), static_cast<std::size_t>(r))));
}

// The streamed upload of a single file (see the top): `file` has begun, its
// first bytes in file.bytes, and `left` bytes of the body are still unread
// on `client`, of which all but `after` are certain to be file. True once
// the upload is complete and the whole body read.
bool stream_to_s3(const S3Target& target, int client, std::size_t left, std::size_t after, int n,
                  focusd::multipart::Parser& parser, File& file, std::vector<char>& buffer) {
  const std::string url = target.bucket_url + "/sink/u-" + std::to_string(::getpid()) + "-" + std::to_string(n);
  auto started = post(target.s3, url + "?uploads=", "");
  const auto id = started ? focusd::blob::xml_text(started->body, "UploadId") : std::nullopt;
  if (!id) return false;
  const std::string upload = "uploadId=" + focusd::blob::s3_encode(*id, false);
  // Reads more of the body into the parser, which appends the file's bytes to file.bytes.
  auto read_more = [&] { return left > 0 && feed_next(client, buffer, left, parser); };
  const std::size_t first = file.bytes.size() + left - after;
  std::size_t at = 0;    // file.bytes before it are sent
  std::size_t sent = 0;  // of the first part
  auto take = [&](char* out, std::size_t room) -> std::size_t {
    while (at == file.bytes.size()) {
      file.bytes.clear();
      at = 0;
      if (!read_more()) return 0;
    }
    const std::size_t n = std::min({room, file.bytes.size() - at, first - sent});
    std::memcpy(out, file.bytes.data() + at, n);
    at += n;
    sent += n;
    return n;
  };
  auto first_etag = put_taken(target.s3, url + "?partNumber=1&" + upload, first, take);
  if (!first_etag) return false;
  while (left > 0) {
    if (!read_more()) return false;
  }
  if (!parser.finish()) return false;
  const std::string_view rest = std::string_view(file.bytes).substr(at);
  std::string parts =
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + *first_etag + "</ETag></Part>";
  if (!rest.empty()) {
    auto second_etag = put_bytes(target.s3, url + "?partNumber=2&" + upload, rest);
    if (!second_etag) return false;
    parts += "<Part><PartNumber>2</PartNumber><ETag>" + *second_etag + "</ETag></Part>";
  }
  auto completed = post(target.s3, url + "?" + upload, parts + "</CompleteMultipartUpload>");
  return completed && completed->body.find("<Error>") == std::string::npos;
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
  // --s3, a large single file: streamed (see the top), once its first bytes are here.
  const std::size_t after = focusd::multipart::max_bytes_after({}, 2, 4096);  // `name`, `display_order`
  bool streamed = false;
  while (s3 && parsed && sink.files().empty() && left > 0) parsed = feed_next(client, buffer, left, parser);
  if (s3 && parsed && sink.files().size() == 1 && left >= after + (std::size_t{5} << 20)) {
    if (!stream_to_s3(*s3, client, left, after, n, parser, sink.files().front(), buffer)) return false;
    streamed = true;
    left = 0;
  }
  if (pipelined && parsed) {
    parsed = feed_pipelined(client, left, parser);
    left = 0;
  }
  while (parsed && left > 0) parsed = feed_next(client, buffer, left, parser);
  parsed = parsed && (streamed || parser.finish());
  std::vector<File>& files = sink.files();
  if (!parsed || files.empty()) return false;
  std::vector<std::string> types;
  for (File& f : files) {
    types.push_back(focusd::blob::sniff_mime_type(f.head, f.declared));
    if (s3 && !streamed && !put_bytes(s3->s3, s3->bucket_url + "/sink/" + f.digest, f.bytes)) return false;
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
