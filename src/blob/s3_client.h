#pragma once
// A small S3 client over libcurl (loaded on first use, blob/libcurl.h): one
// request at a time per call, signed with AWS Signature V4 by libcurl
// (CURLOPT_AWS_SIGV4), on connections kept open between calls. Only what the
// S3 blob store needs: objects, multipart uploads, listings, the bucket.
//
// Every call blocks (run it on the blocking pool) and is bounded in time by
// the settings: a connect timeout, a whole-request timeout, and for an object
// read as a stream the longest wait for its next bytes. Idempotent requests
// are sent again after a network error or a 5xx (with backoff, up to
// `attempts` tries in all); when no answer comes, Unavailable.
//
// S3's rules that libcurl 7.88 leaves to us (../shared/docs/SCALE-OUT.md):
// every request carries `x-amz-content-sha256: UNSIGNED-PAYLOAD`, and a query
// must be canonical already: parameters sorted, each with '=', values encoded.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/byte_source.h"
#include "common/result.h"

namespace focusd::blob {

struct S3Settings {
  std::string endpoint;  // scheme://host[:port]; empty = AWS: https://s3.REGION.amazonaws.com
  std::string region = "us-east-1";
  std::string bucket;
  bool path_style = false;  // endpoint/bucket/key rather than bucket.host/key
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // temporary credentials' token, if any
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{60000};  // a whole request, other than an object read as a stream
  std::chrono::milliseconds stall_timeout{30000};    // an object read as a stream: the longest wait for more bytes
  unsigned attempts = 4;                             // tries of an idempotent request
};

// One request. `key` is the object's whole key; empty for the bucket itself.
struct S3Request {
  explicit S3Request(const char* method, std::string key = {}, std::string query = {}, std::string_view body = {},
                     std::vector<std::string> headers = {})
      : method(method), key(std::move(key)), query(std::move(query)), body(body), headers(std::move(headers)) {}

  const char* method = "GET";
  std::string key;
  std::string query;                 // canonical (see above), without '?'
  std::string_view body;             // sent with PUT and POST
  std::vector<std::string> headers;  // more headers, "Name: value"
  bool idempotent = true;            // may be sent again when no answer came
  // A PUT's body taken as it is sent rather than from `body`: `source_length`
  // bytes, `source` filling the front of a buffer and saying how many bytes
  // it put there (it may wait for them; 0 before the end aborts the PUT).
  // Sent once (its bytes are gone), with no whole-request timeout (the source
  // sets the pace, and bounds its own waits).
  std::function<std::size_t(std::span<char>)> source;
  std::uint64_t source_length = 0;
};

// S3's answer, whatever its status.
struct S3Reply {
  long status = 0;
  std::string body;  // the body (listings and errors: bounded by kMaxReplyBytes)
  std::string etag;
  std::string last_modified;
  std::optional<std::uint64_t> content_length;
  std::optional<std::uint64_t> object_size;  // of a range's answer: the total of its Content-Range
  bool ok() const { return status >= 200 && status < 300; }
};

// An object read as a stream: S3's status and headers, then its bytes.
struct S3Read {
  S3Reply reply;                       // no body when the status is 2xx
  std::unique_ptr<ByteStream> stream;  // set when the status is 2xx
};

class S3Client {
 public:
  static constexpr std::size_t kMaxReplyBytes = std::size_t{4} << 20;

  explicit S3Client(S3Settings settings);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Sends `request` and returns the answer (any status); Unavailable when none
  // came (after every try, for an idempotent request).
  Result<S3Reply> send(const S3Request& request);
  // GET `key` with `range` ("bytes=A-B", or empty for the whole object): on a
  // 2xx, the stream of its bytes, read as the caller asks for them (at most one
  // network buffer is held ahead). The stream keeps a connection until it is
  // destroyed; reading it fails with Unavailable when S3 sends nothing for
  // stall_timeout.
  Result<S3Read> read(const std::string& key, const std::string& range);

  const S3Settings& settings() const { return settings_; }

  struct Session;  // a connection (a curl multi handle with its easy handle)

 private:
  std::unique_ptr<Session> take_session();
  void give_back(std::unique_ptr<Session> session);
  Result<S3Reply> send_once(Session& session, const S3Request& request);

  S3Settings settings_;
  std::mutex mutex_;  // guards idle_
  std::vector<std::unique_ptr<Session>> idle_;
};

// The error for an answer other than the one expected (`what`: what was asked):
// Unavailable for a 5xx, Internal otherwise, S3's code and message in the
// detail (never the client's description).
Error s3_error(const S3Reply& reply, std::string_view what);

// The text of the first <tag>…</tag> in `xml` from `from` on (entities
// decoded), or nullopt.
std::optional<std::string> xml_text(std::string_view xml, std::string_view tag, std::size_t from = 0);
// The inside of every <tag>…</tag> in `xml`, in order (not decoded).
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag);
// `text` encoded as S3's Signature V4 wants in a path or a query value:
// everything but A-Z a-z 0-9 - _ . ~ as %XX (and '/' too unless keep_slash).
std::string s3_encode(std::string_view text, bool keep_slash);

}  // namespace focusd::blob
