#include "blob/s3_client.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <thread>

#include "blob/libcurl.h"
#include "common/strings.h"

namespace focusd::blob {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kIdleSessions = 32;    // connections kept open between calls at most
constexpr long kStreamBuffer = 256L * 1024;  // what a stream's connection reads at once (and holds ahead)
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);

struct SlistDeleter {
  const Libcurl* curl;
  void operator()(curl_slist* list) const { curl->slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// What one transfer has received so far, and the body it sends.
struct Transfer {
  S3Reply reply;
  std::string_view upload;                                              // PUT's body
  const std::function<std::size_t(std::span<char>)>* source = nullptr;  // or where it comes from
  std::uint64_t upload_length = 0;
  std::uint64_t uploaded = 0;
  bool headers_done = false;
  // An object read as a stream: its bytes wait in `pending` (from pending_at
  // on) until read; when a buffer's worth waits, the transfer pauses.
  bool streaming = false;
  std::string pending;
  std::size_t pending_at = 0;
  bool paused = false;
  std::uint64_t received = 0;  // body bytes taken into `pending` so far
};

bool streams_body(const Transfer& t) {
  return t.streaming && t.reply.status >= 200 && t.reply.status < 300;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {  // a new response (after a 100 Continue, say)
    t.reply = S3Reply{};
    t.headers_done = false;
    const auto space = line.find(' ');
    if (space != std::string_view::npos) {
      std::from_chars(line.data() + space + 1, line.data() + line.size(), t.reply.status);
    }
    return line.size();
  }
  const std::string_view text = trim(line.substr(0, line.find_last_not_of("\r\n") + 1));
  if (text.empty()) {
    t.headers_done = t.reply.status >= 200;
    return line.size();
  }
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return line.size();
  const std::string_view name = text.substr(0, colon);
  const std::string_view value = trim(text.substr(colon + 1));
  if (iequals(name, "ETag")) {
    t.reply.etag = std::string(value);
  } else if (iequals(name, "Last-Modified")) {
    t.reply.last_modified = std::string(value);
  } else if (iequals(name, "Content-Length")) {
    std::uint64_t length = 0;
    if (std::from_chars(value.data(), value.data() + value.size(), length).ec == std::errc()) {
      t.reply.content_length = length;
    }
  } else if (iequals(name, "Content-Range")) {  // bytes FIRST-LAST/SIZE
    const auto slash = value.rfind('/');
    std::uint64_t size = 0;
    if (slash != std::string_view::npos &&
        std::from_chars(value.data() + slash + 1, value.data() + value.size(), size).ec == std::errc()) {
      t.reply.object_size = size;
    }
  }
  return line.size();
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (streams_body(t)) {
    if (t.pending.size() - t.pending_at >= static_cast<std::size_t>(kStreamBuffer)) {
      t.paused = true;
      return CURL_WRITEFUNC_PAUSE;  // curl keeps these bytes and hands them over again after the pause
    }
    if (t.pending_at == t.pending.size()) {
      t.pending.clear();
      t.pending_at = 0;
    }
    t.pending.append(data, n);
    t.received += n;
    return n;
  }
  if (t.reply.body.size() < S3Client::kMaxReplyBytes) {
    t.reply.body.append(data, std::min(n, S3Client::kMaxReplyBytes - t.reply.body.size()));
  }
  return n;
}

std::size_t on_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::size_t room =
      static_cast<std::size_t>(std::min<std::uint64_t>(size * count, t.upload_length - t.uploaded));
  std::size_t n = 0;
  if (t.source) {
    n = room == 0 ? 0 : (*t.source)(std::span<char>(buffer, room));
    if (n == 0 && room > 0) return CURL_READFUNC_ABORT;
  } else {
    n = room;
    std::copy_n(t.upload.data() + t.uploaded, n, buffer);
  }
  t.uploaded += n;
  return n;
}

bool retryable(long status) {
  return status >= 500;
}

std::chrono::milliseconds backoff(unsigned attempt) {
  return std::min(kFirstBackoff * (1 << std::min(attempt, 5u)), std::chrono::milliseconds(2000));
}

std::string decode_entities(std::string_view text) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    bool replaced = false;
    if (text[at] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (text.substr(at).starts_with(entity)) {
          out.push_back(c);
          at += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(text[at++]);
  }
  return out;
}

}  // namespace

struct S3Client::Session {
  const Libcurl* curl = nullptr;
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  Transfer transfer;
  Slist headers{nullptr, SlistDeleter{nullptr}};
  bool added = false;  // easy is in multi

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  explicit Session(const Libcurl* c) : curl(c), multi(c->multi_init()), easy(c->easy_init()) {}
  ~Session() {
    detach();
    if (easy) curl->easy_cleanup(easy);
    if (multi) curl->multi_cleanup(multi);
  }

  void detach() {
    if (added) curl->multi_remove_handle(multi, easy);
    added = false;
  }

  // Does what can be done now without waiting; the transfer's result once it has ended.
  std::optional<CURLcode> perform() {
    int running = 0;
    curl->multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* message = curl->multi_info_read(multi, &left)) {
      if (message->msg == CURLMSG_DONE) return message->data.result;
    }
    return std::nullopt;
  }

  // Runs the transfer until `enough` holds or it ends; returns its result
  // once it has ended, else nullopt. Fails with a timeout when nothing moves
  // for `stall` (zero: curl's own timeouts alone).
  std::optional<CURLcode> drive(const std::function<bool()>& enough, std::chrono::milliseconds stall, bool& stalled) {
    stalled = false;
    auto last_progress = Clock::now();
    for (;;) {
      const std::uint64_t before = transfer.received;
      if (auto result = perform()) return result;
      if (enough()) return std::nullopt;
      if (transfer.received != before) last_progress = Clock::now();
      if (stall.count() > 0 && Clock::now() - last_progress > stall) {
        stalled = true;
        return std::nullopt;
      }
      curl->multi_poll(multi, nullptr, 0, 100, nullptr);
    }
  }
};

namespace {

// An object's bytes as S3 sends them, read on demand (see S3Client::read).
class ObjectStream final : public ByteStream {
 public:
  // `done`: the transfer's result when it has ended already (a small object
  // arrives with its headers).
  ObjectStream(std::unique_ptr<S3Client::Session> session, std::chrono::milliseconds stall,
               std::optional<CURLcode> done)
      : session_(std::move(session)), stall_(stall), done_(done) {}

  Result<std::size_t> read(std::span<char> buffer) override {
    Transfer& t = session_->transfer;
    while (t.pending_at == t.pending.size() && !done_) {
      if (t.paused) {
        t.paused = false;
        session_->curl->easy_pause(session_->easy, CURLPAUSE_CONT);  // may hand bytes over at once
        if (t.pending_at != t.pending.size()) break;
      }
      bool stalled = false;
      done_ = session_->drive([&] { return t.pending_at != t.pending.size() || t.paused; }, stall_, stalled);
      if (stalled) {
        Error error = make_error(ErrorCode::Unavailable, "the object store is unavailable");
        error.detail = "S3 sent nothing more for " + std::to_string(stall_.count()) + " ms";
        done_ = CURLE_OPERATION_TIMEDOUT;
        return error;
      }
    }
    return *read_now(buffer);  // bytes are pending, or the transfer has ended
  }

  // What has arrived, and what curl can receive without waiting: larger
  // pieces, and most of them read on the transport's own thread, with no trip
  // through the blocking pool (bench/run's 100 MiB view: 0.72-0.78 of curl's GET before, 0.80 after).
  std::optional<Result<std::size_t>> read_now(std::span<char> buffer) override {
    Transfer& t = session_->transfer;
    std::size_t n = take(buffer);
    while (n < buffer.size() && !done_) {
      if (t.paused) {
        t.paused = false;
        session_->curl->easy_pause(session_->easy, CURLPAUSE_CONT);
      }
      const std::uint64_t before = t.received;
      done_ = session_->perform();
      const std::size_t more = take(buffer.subspan(n));
      if (more == 0 && t.received == before) break;
      n += more;
    }
    if (n > 0 || buffer.empty()) return n;
    if (!done_) return std::nullopt;
    if (*done_ != CURLE_OK) return make_error(ErrorCode::Unavailable, "the object store is unavailable");
    return std::size_t{0};
  }

 private:
  // Moves what is pending into the front of `buffer`; how many bytes.
  std::size_t take(std::span<char> buffer) {
    Transfer& t = session_->transfer;
    const std::size_t n = std::min(buffer.size(), t.pending.size() - t.pending_at);
    std::copy_n(t.pending.data() + t.pending_at, n, buffer.data());
    t.pending_at += n;
    return n;
  }

  std::unique_ptr<S3Client::Session> session_;
  std::chrono::milliseconds stall_;
  std::optional<CURLcode> done_;
};

}  // namespace

S3Client::S3Client(S3Settings settings) : settings_(std::move(settings)) {}
S3Client::~S3Client() = default;

std::unique_ptr<S3Client::Session> S3Client::take_session() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      return session;
    }
  }
  auto curl = libcurl();
  if (!curl) return nullptr;
  auto session = std::make_unique<Session>(*curl);
  if (!session->multi || !session->easy) return nullptr;
  return session;
}

void S3Client::give_back(std::unique_ptr<Session> session) {
  session->detach();
  session->transfer = Transfer{};
  session->headers.reset();
  std::lock_guard lock(mutex_);
  if (idle_.size() < kIdleSessions) idle_.push_back(std::move(session));
}

namespace {

std::string url_of(const S3Settings& s, const std::string& key, const std::string& query) {
  std::string endpoint = s.endpoint.empty() ? "https://s3." + s.region + ".amazonaws.com" : s.endpoint;
  std::string url;
  if (s.path_style) {
    url = endpoint + "/" + s.bucket;
  } else {
    const auto scheme_end = endpoint.find("://");
    const auto host = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    url = endpoint.substr(0, host) + s.bucket + "." + endpoint.substr(host);
  }
  if (!key.empty()) url += "/" + s3_encode(key, true);
  if (!s.path_style && key.empty()) url += "/";
  if (!query.empty()) url += "?" + query;
  return url;
}

// Prepares `session` for `request`; false when curl refuses an option.
bool prepare(S3Client::Session& session, const S3Settings& s, const S3Request& request, bool streaming) {
  const Libcurl& c = *session.curl;
  CURL* easy = session.easy;
  c.easy_reset(easy);
  session.transfer = Transfer{};
  session.transfer.upload = request.body;
  session.transfer.source = request.source ? &request.source : nullptr;
  session.transfer.upload_length = request.source ? request.source_length : request.body.size();
  session.transfer.streaming = streaming;
  Transfer* t = &session.transfer;

  curl_slist* list = nullptr;
  auto add = [&](const std::string& header) {
    if (curl_slist* grown = c.slist_append(list, header.c_str())) list = grown;
  };
  add("x-amz-content-sha256: UNSIGNED-PAYLOAD");
  if (!s.session_token.empty()) add("x-amz-security-token: " + s.session_token);
  for (const auto& header : request.headers) add(header);
  session.headers = Slist(list, SlistDeleter{&c});

  const std::string url = url_of(s, request.key, request.query);
  const std::string sigv4 = "aws:amz:" + s.region + ":s3";
  const std::string_view method = request.method;
  bool ok = c.easy_setopt(easy, CURLOPT_URL, url.c_str()) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_HTTPHEADER, list) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_AWS_SIGV4, sigv4.c_str()) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_USERNAME, s.access_key.c_str()) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_PASSWORD, s.secret_key.c_str()) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s.connect_timeout.count())) == CURLE_OK;
  const long timeout = streaming || request.source ? 0L : static_cast<long>(s.request_timeout.count());
  ok = ok && c.easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout) == CURLE_OK;
  if (request.source) {  // S3 taking nothing for stall_timeout (a source that waits is not counted)
    const long stall = std::max(1L, static_cast<long>((s.stall_timeout.count() + 999) / 1000));
    ok = ok && c.easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L) == CURLE_OK;
    ok = ok && c.easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, stall) == CURLE_OK;
  }
  // A large body is sent at once, not after a 100 Continue (a round trip).
  // ("Expect:" would remove the header, but curl 7.88 signs it even so.)
  ok = ok && c.easy_setopt(easy, CURLOPT_EXPECT_100_TIMEOUT_MS, 0L) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_HEADERDATA, t) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
  ok = ok && c.easy_setopt(easy, CURLOPT_WRITEDATA, t) == CURLE_OK;
  if (streaming) ok = ok && c.easy_setopt(easy, CURLOPT_BUFFERSIZE, kStreamBuffer) == CURLE_OK;
  if (method == "HEAD") {
    ok = ok && c.easy_setopt(easy, CURLOPT_NOBODY, 1L) == CURLE_OK;
  } else if (method == "PUT") {
    ok = ok && c.easy_setopt(easy, CURLOPT_UPLOAD, 1L) == CURLE_OK;
    ok = ok && c.easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(t->upload_length)) == CURLE_OK;
    ok = ok && c.easy_setopt(easy, CURLOPT_READFUNCTION, on_upload) == CURLE_OK;
    ok = ok && c.easy_setopt(easy, CURLOPT_READDATA, t) == CURLE_OK;
  } else if (method == "POST") {
    ok = ok && c.easy_setopt(easy, CURLOPT_POST, 1L) == CURLE_OK;
    ok = ok &&
         c.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size())) == CURLE_OK;
    // NOLINTNEXTLINE(bugprone-suspicious-stringview-data-usage): its size is set just above
    ok = ok && c.easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data()) == CURLE_OK;
  } else if (method != "GET") {
    ok = ok && c.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method) == CURLE_OK;
  }
  return ok;
}

Error unavailable(const std::string& detail) {
  Error error = make_error(ErrorCode::Unavailable, "the object store is unavailable");
  error.detail = detail;
  return error;
}

}  // namespace

Result<S3Reply> S3Client::send_once(Session& session, const S3Request& request) {
  if (!prepare(session, settings_, request, false)) return internal_error("curl refused an option");
  session.curl->multi_add_handle(session.multi, session.easy);
  session.added = true;
  bool stalled = false;
  std::optional<CURLcode> result;
  while (!result) result = session.drive([] { return false; }, std::chrono::milliseconds(0), stalled);
  session.detach();
  if (*result != CURLE_OK) {
    return unavailable(std::string(request.method) + " " + request.key + ": " + session.curl->easy_strerror(*result));
  }
  return std::move(session.transfer.reply);
}

Result<S3Reply> S3Client::send(const S3Request& request) {
  const unsigned attempts = request.idempotent && !request.source ? std::max(settings_.attempts, 1u) : 1u;
  Result<S3Reply> answer = unavailable("not sent");
  for (unsigned attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(backoff(attempt - 1));
    auto session = take_session();
    if (!session) return internal_error("libcurl is not available");
    answer = send_once(*session, request);
    give_back(std::move(session));
    if (answer && !retryable(answer->status)) return answer;
  }
  return answer;
}

Result<S3Read> S3Client::read(const std::string& key, const std::string& range) {
  S3Request request("GET", key);
  if (!range.empty()) request.headers.push_back("Range: " + range);
  Result<S3Read> answer = unavailable("not sent");
  for (unsigned attempt = 0; attempt < std::max(settings_.attempts, 1u); ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(backoff(attempt - 1));
    auto session = take_session();
    if (!session) return internal_error("libcurl is not available");
    if (!prepare(*session, settings_, request, true)) return internal_error("curl refused an option");
    session->curl->multi_add_handle(session->multi, session->easy);
    session->added = true;
    Transfer& t = session->transfer;
    bool stalled = false;
    auto result = session->drive([&] { return t.headers_done; }, settings_.stall_timeout, stalled);
    if (stalled || (result && *result != CURLE_OK)) {
      answer = unavailable("GET " + key + ": " +
                           (stalled ? std::string("no answer") : session->curl->easy_strerror(*result)));
      continue;  // the session is dropped: its connection is in an unknown state
    }
    if (streams_body(t)) {
      S3Read read{t.reply, nullptr};
      read.stream = std::make_unique<ObjectStream>(std::move(session), settings_.stall_timeout, result);
      return read;
    }
    // An error's body, read whole (bounded by the request timeout).
    while (!result) result = session->drive([] { return false; }, settings_.request_timeout, stalled);
    S3Read read{std::move(t.reply), nullptr};
    give_back(std::move(session));
    if (!retryable(read.reply.status)) return read;
    answer = std::move(read);
  }
  return answer;
}

Error s3_error(const S3Reply& reply, std::string_view what) {
  Error error =
      reply.status >= 500 ? make_error(ErrorCode::Unavailable, "the object store is unavailable") : internal_error("");
  error.detail = std::string(what) + ": S3 answered " + std::to_string(reply.status) + " " +
                 xml_text(reply.body, "Code").value_or("") + " " + xml_text(reply.body, "Message").value_or("");
  return error;
}

std::optional<std::string> xml_text(std::string_view xml, std::string_view tag, std::size_t from) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const auto start = xml.find(open, from);
  if (start == std::string_view::npos) return std::nullopt;
  const auto end = xml.find(close, start + open.size());
  if (end == std::string_view::npos) return std::nullopt;
  return decode_entities(xml.substr(start + open.size(), end - start - open.size()));
}

std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  std::vector<std::string_view> elements;
  for (auto start = xml.find(open); start != std::string_view::npos; start = xml.find(open, start)) {
    const auto end = xml.find(close, start + open.size());
    if (end == std::string_view::npos) break;
    elements.push_back(xml.substr(start + open.size(), end - start - open.size()));
    start = end + close.size();
  }
  return elements;
}

std::string s3_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_' || c == '.' || c == '~' || (keep_slash && c == '/');
    if (plain) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace focusd::blob
