#include "http/server.h"

#include <sys/sendfile.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <span>
#include <thread>

#include "api/errors.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "common/offload.h"
#include "common/random.h"
#include "common/spin.h"
#include "common/time.h"
#include "http/chunk_guard.h"
#include "http/framing.h"

namespace focusd {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = std::size_t{16} * 1024;
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::size_t kLingerBytes = 1 << 20;
constexpr std::size_t kUploadChunk = std::size_t{256} * 1024;           // bytes handed to an upload handler at a time
constexpr std::size_t kLargeUploadChunk = std::size_t{1024} * 1024;     // … once the body has passed
constexpr std::size_t kLargeUploadFrom = std::size_t{4} * 1024 * 1024;  // … this many bytes
constexpr std::size_t kLargeBody = std::size_t{8} * 1024 * 1024;        // … or from the start of a body this long
constexpr std::size_t kSendfileMax = 8 << 20;                  // bytes of a file reply one sendfile(2) may send
constexpr std::size_t kStreamPiece = std::size_t{256} * 1024;  // bytes of a stream reply read and held at a time
constexpr std::uint64_t kDrainBytes = 1 << 20;  // an unread upload rest up to this is read to keep the connection

// A place among the uploads being handled, if one of `limit` was free; given
// back when it goes.
class UploadPlace {
 public:
  UploadPlace(std::atomic<std::size_t>& count, std::size_t limit) : count_(count) {
    taken_ = count_.fetch_add(1, std::memory_order_relaxed) < limit;
    if (!taken_) count_.fetch_sub(1, std::memory_order_relaxed);
  }
  UploadPlace(const UploadPlace&) = delete;
  UploadPlace& operator=(const UploadPlace&) = delete;
  ~UploadPlace() {
    if (taken_) count_.fetch_sub(1, std::memory_order_relaxed);
  }
  bool taken() const { return taken_; }

 private:
  std::atomic<std::size_t>& count_;
  bool taken_ = false;
};

// The pattern of the route a request matched, for metrics ("" for none).
std::string_view route_of(const api::RouteLookup& lookup) {
  return lookup.route ? lookup.route->pattern : std::string_view();
}

// An incoming X-Request-Id is echoed when it is 1..128 characters of
// [A-Za-z0-9._:-]; otherwise a new random id is made.
std::string request_id_for(std::string_view incoming) {
  bool sane = !incoming.empty() && incoming.size() <= 128;
  for (char c : incoming) {
    sane = sane && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '-');
  }
  return sane ? std::string(incoming) : request_id_hex();
}

Error read_error(const beast::error_code& ec) {
  if (ec == http::error::header_limit) {
    return make_error(ErrorCode::HeaderTooLarge, "request head exceeds the configured limit");
  }
  if (ec == http::error::body_limit) return make_error(ErrorCode::PayloadTooLarge, "request body is too large");
  Error error = invalid("request", "malformed HTTP request (" + ec.message() + ")");
  return error;
}

// True for read errors after which nothing can be said to the peer. A timeout
// is one: beast::tcp_stream closes the socket when its deadline passes.
bool peer_gone(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == http::error::partial_message || ec == beast::error::timeout;
}

// The error to report for a body read that failed: the guard's reason when
// it stopped the parser, else one made from `ec`.
Error body_error(const ChunkGuard& guard, const beast::error_code& ec) {
  if (guard.error()) return *guard.error();
  return ec == http::error::buffer_overflow ? guard.overflow_error() : read_error(ec);
}

// Reads the body of an upload route from the socket in pieces of kUploadChunk
// bytes, and of kLargeUploadChunk past kLargeUploadFrom or throughout a body
// whose Content-Length is kLargeBody or more (the last piece may be shorter),
// so that the handler's work per piece (parsing, hashing, writing) is done in
// large steps: each piece is a trip to the blocking pool and back. A small
// body still comes in several pieces, so that its reading and its writing
// overlap (fresh uploads: 1 MiB pieces throughout took 100 MiB from 159 to
// 134 ms, but 1 MiB from 4.5 to 6.2 ms). A body with a Content-Length is read
// from the socket straight into the piece (after what Beast buffered with the
// head): Beast's parser would read it 64 KiB at a time into its buffer and
// copy it out. A chunked body goes through the parser. Each read may wait
// body_timeout at most, so a stalled upload is cut off while a slow but steady
// one goes on.
class SocketBodyReader final : public api::BodyReader {
 public:
  SocketBodyReader(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                   http::request_parser<http::buffer_body>& parser, const ChunkGuard& guard,
                   std::chrono::seconds timeout)
      : stream_(stream),
        buffer_(buffer),
        parser_(parser),
        guard_(guard),
        timeout_(timeout),
        chunks_{std::vector<char>(kUploadChunk), std::vector<char>(kUploadChunk)} {
    if (!parser_.chunked()) left_ = parser_.content_length().value_or(0);
    // A bulk of ten 1 MiB files: 24.9 -> 22.2 ms with large pieces throughout.
    if (left_ && *left_ >= kLargeBody) large_from_ = 0;
    buffer_.reserve(kUploadChunk);  // Beast reads at most 64 KiB, and no more than the buffer holds
  }

  asio::awaitable<Result<std::string_view>> read() override {
    if (left_ && *left_ > body_limit_) co_return fail(http::error::body_limit);
    // This buffer held the piece before last, which is not in use any more.
    auto& chunk = chunks_[next_chunk_];
    next_chunk_ = 1 - next_chunk_;
    chunk.resize(delivered_ < large_from_ ? kUploadChunk : kLargeUploadChunk);
    // Two statements, not `?:`: g++ 12 destroys a co_await's temporary result twice there.
    Result<std::size_t> filled = std::size_t{0};
    if (left_) {
      filled = co_await read_straight(chunk);
    } else {
      filled = co_await read_parsed(chunk);
    }
    if (!filled) co_return filled.error();
    delivered_ += *filled;
    metrics::upload_bytes(*filled);
    co_return std::string_view(chunk.data(), *filled);
  }

  // The body's limit (Beast's parser checks it itself).
  void limit(std::uint64_t body_limit) {
    body_limit_ = body_limit;
    parser_.body_limit(body_limit);
  }
  // Bytes of a body with a Content-Length still unread (nullopt for a chunked one).
  std::optional<std::uint64_t> left() const override { return left_; }
  bool gone() const { return gone_; }
  bool done() const { return left_ ? *left_ == 0 : parser_.is_done(); }

 private:
  // Fills `chunk` with the next bytes of a Content-Length body: first those
  // Beast read past the head, then from the socket. Never reads past the body
  // (a pipelined request may follow it).
  asio::awaitable<Result<std::size_t>> read_straight(std::vector<char>& chunk) {
    std::size_t filled = 0;
    while (*left_ > 0 && filled < chunk.size()) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size() - filled, *left_));
      std::size_t n = 0;
      if (buffer_.size() > 0) {
        n = asio::buffer_copy(asio::buffer(chunk.data() + filled, want), buffer_.data());
        buffer_.consume(n);
      } else {
        stream_.expires_after(timeout_);
        beast::error_code ec;
        std::tie(ec, n) = co_await stream_.async_read_some(asio::buffer(chunk.data() + filled, want), kAsTuple);
        if (ec == asio::error::eof) ec = http::error::partial_message;
        if (ec) co_return fail(ec);
      }
      filled += n;
      *left_ -= n;
    }
    co_return filled;
  }

  // Fills `chunk` with the next bytes of a chunked body, through the parser.
  asio::awaitable<Result<std::size_t>> read_parsed(std::vector<char>& chunk) {
    std::size_t filled = 0;
    while (!parser_.is_done() && filled < chunk.size()) {
      auto& body = parser_.get().body();
      body.data = chunk.data() + filled;
      body.size = chunk.size() - filled;
      stream_.expires_after(timeout_);
      auto [ec, n] = co_await http::async_read_some(stream_, buffer_, parser_, kAsTuple);
      if (ec && ec != http::error::need_buffer) co_return fail(ec);
      filled = chunk.size() - parser_.get().body().size;
    }
    co_return filled;
  }

  Error fail(const beast::error_code& ec) {
    gone_ = peer_gone(ec);
    return body_error(guard_, ec);
  }

  beast::tcp_stream& stream_;
  beast::flat_buffer& buffer_;
  http::request_parser<http::buffer_body>& parser_;
  const ChunkGuard& guard_;
  std::chrono::seconds timeout_;
  std::vector<char> chunks_[2];  // read() alternates: a piece stays valid while the next is read
  int next_chunk_ = 0;
  std::size_t delivered_ = 0;                  // body bytes handed out so far
  std::size_t large_from_ = kLargeUploadFrom;  // pieces are kLargeUploadChunk once delivered_ reaches it
  std::optional<std::uint64_t> left_;          // of a Content-Length body, the bytes not read yet
  std::uint64_t body_limit_ = 0;
  bool gone_ = false;
};

}  // namespace

struct HttpServer::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {
    beast::error_code ignored;
    peer = stream.socket().remote_endpoint(ignored).address();
  }
  beast::tcp_stream stream;
  asio::ip::address peer;  // read once: getpeername(2) on every request was a system call each
  bool idle = false;       // waiting for the next request; guarded by HttpServer::mutex_
};

HttpServer::HttpServer(const Config& config, api::Api& api) : config_(config), api_(api), acceptor_(ioc_) {
  const unsigned threads = config_.threads ? config_.threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 1; i < threads; ++i) others_.push_back(std::make_unique<asio::io_context>(1));
}

HttpServer::~HttpServer() = default;

Status HttpServer::bind() {
  const auto colon = config_.listen.rfind(':');
  std::string host = config_.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text = config_.listen.substr(colon + 1);
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec || port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos || std::stoi(port_text) > 65535) {
    return make_error(ErrorCode::InvalidArgument, "--listen must be IP:PORT, got '" + config_.listen + "'");
  }
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(std::stoi(port_text)));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(ErrorCode::Internal, "cannot listen on " + config_.listen + ": " + ec.message());
  return Ok{};
}

tcp::endpoint HttpServer::local_endpoint() const {
  return acceptor_.local_endpoint();
}

void HttpServer::run() {
  asio::signal_set signals(ioc_, SIGINT, SIGTERM);
  asio::steady_timer draining(ioc_);
  signals.async_wait([&](const beast::error_code& ec, int signal) {
    if (ec) return;
    logging::event(spdlog::level::info, "shutting down", {{"signal", std::to_string(signal)}});
    if (config_.drain_period.count() == 0) return begin_shutdown();
    // Served as before meanwhile, but for /readyz; a second signal ends it early.
    api_.drain();
    logging::event(spdlog::level::info, "draining", {{"seconds", std::to_string(config_.drain_period.count())}});
    draining.expires_after(config_.drain_period);
    draining.async_wait([this](const beast::error_code&) { begin_shutdown(); });
    signals.async_wait([&](const beast::error_code& again, int) {
      if (!again) draining.cancel();
    });
  });
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);

  std::vector<std::thread> workers;
  workers.reserve(others_.size());
  for (auto& context : others_) {
    workers.emplace_back([this, &context] {
      auto busy = asio::make_work_guard(*context);  // until drain() stops it, connections or not
      run_spinning(*context, config_.idle_spin);
    });
  }
  run_spinning(ioc_, config_.idle_spin);
  for (auto& worker : workers) worker.join();
}

void HttpServer::begin_shutdown() {
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const auto& connection : connections_) {
      if (!connection->idle) continue;
      asio::post(connection->stream.get_executor(), [connection] {
        if (connection->idle) connection->stream.cancel();
      });
    }
  }
  asio::co_spawn(ioc_, drain(), asio::detached);
}

asio::awaitable<void> HttpServer::drain() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = Clock::now() + config_.shutdown_grace;
  while (active_ > 0 && Clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kAsTuple);
  }
  if (active_ > 0) {
    logging::event(spdlog::level::warn, "grace period over; closing remaining connections",
                   {{"connections", std::to_string(active_.load())}});
  }
  for (auto& context : others_) context->stop();
  ioc_.stop();
}

std::size_t HttpServer::buffer_limit() const {
  return config_.max_header_bytes + kReadChunk;
}

bool HttpServer::enter_idle(Connection& connection) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  connection.idle = true;
  return true;
}

void HttpServer::leave_idle(Connection& connection) {
  std::lock_guard lock(mutex_);
  connection.idle = false;
}

asio::awaitable<void> HttpServer::accept_loop() {
  for (;;) {
    const std::size_t turn = next_context_++ % (others_.size() + 1);
    asio::io_context& context = turn == 0 ? ioc_ : *others_[turn - 1];
    auto [ec, socket] = co_await acceptor_.async_accept(context, kAsTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      logging::event(spdlog::level::warn, "accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kAsTuple);
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto executor = socket.get_executor();
    if (active_ >= config_.max_connections) {
      asio::co_spawn(executor, refuse(std::move(socket)), asio::detached);
      continue;
    }
    ++active_;
    metrics::connection_opened();
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(mutex_);
      connections_.insert(connection);
    }
    asio::co_spawn(executor, session(std::move(connection)), asio::detached);
  }
}

namespace {

// Half-closes, then reads and discards what the peer still sends (bounded in
// time and bytes) so that it sees our last response instead of a reset.
asio::awaitable<void> linger_close(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(kLingerTime);
  std::array<char, 8192> sink{};
  for (std::size_t total = 0; !ec && total < kLingerBytes;) {
    auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(sink), kAsTuple);
    ec = read_ec;
    total += n;
  }
  stream.close();
}

void finalize(Response& res, unsigned version, std::string_view request_id, bool keep_alive) {
  res.version(version);
  res.set(http::field::date, http_date_now());
  res.set(http::field::server, "focusd");
  res.set("X-Request-Id", request_id);
  res.keep_alive(keep_alive);
  res.prepare_payload();
}

// Waits until the socket can take more bytes, or `timeout` passes (then the
// wait is cancelled and an error returned): a client that stops reading must
// not hold the connection for ever. The timer's handler runs on the socket's
// strand, like this coroutine; it may run after the wait is over (it had
// already fired), so it reads shared state and then does nothing.
asio::awaitable<beast::error_code> wait_writable(tcp::socket& socket, std::chrono::seconds timeout) {
  struct State {
    bool over = false;
    bool timed_out = false;
  };
  auto state = std::make_shared<State>();
  asio::steady_timer timer(socket.get_executor());
  timer.expires_after(timeout);
  timer.async_wait([&socket, state](const beast::error_code& ec) {
    if (ec || state->over) return;  // cancelled, or the socket became writable first
    state->timed_out = true;
    socket.cancel();
  });
  auto [ec] = co_await socket.async_wait(tcp::socket::wait_write, kAsTuple);
  state->over = true;
  timer.cancel();
  if (state->timed_out) co_return beast::error_code(beast::error::timeout);
  co_return ec;
}

// Writes `length` bytes of `file` from its offset with sendfile(2): the bytes
// go from the page cache to the socket without passing through user space, so
// a reply of any size holds no buffer of ours. Each call runs on the blocking
// pool (a cold disk must not stall the network threads) and sends what the
// socket takes, up to kSendfileMax; a full socket is waited for here.
asio::awaitable<beast::error_code> write_file(beast::tcp_stream& stream, const FileRange& file, std::uint64_t length,
                                              std::chrono::seconds timeout, asio::io_context& blocking) {
  auto& socket = stream.socket();
  off_t offset = static_cast<off_t>(file.offset);
  for (std::uint64_t left = length; left > 0;) {
    int error = 0;  // errno of the pool thread
    const ssize_t n = co_await offload(blocking, [&] {
      ssize_t sent = 0;
      do {
        sent = ::sendfile(socket.native_handle(), file.fd.get(), &offset, std::min<std::uint64_t>(left, kSendfileMax));
      } while (sent < 0 && errno == EINTR);
      error = sent < 0 ? errno : 0;
      return sent;
    });
    if (n < 0 && (error == EAGAIN || error == EWOULDBLOCK)) {
      if (auto ec = co_await wait_writable(socket, timeout)) co_return ec;
      continue;
    }
    if (n <= 0) {
      if (n == 0 || (error != EPIPE && error != ECONNRESET)) {
        logging::event(spdlog::level::err, "file reply cut short", {{"error", n < 0 ? std::strerror(error) : "EOF"}});
      }
      co_return beast::error_code(n < 0 ? error : EIO, beast::system_category());
    }
    left -= static_cast<std::uint64_t>(n);
  }
  co_return beast::error_code{};
}

// Writes all of `bytes`, a part at a time, so that the timeout counts from the
// last progress (a slow reader is not a stalled one), as the waits for files do.
asio::awaitable<beast::error_code> write_all(beast::tcp_stream& stream, std::span<const char> bytes,
                                             std::chrono::seconds timeout) {
  for (std::size_t sent = 0; sent < bytes.size();) {
    stream.expires_after(timeout);
    auto [ec, n] = co_await stream.async_write_some(asio::buffer(bytes.data() + sent, bytes.size() - sent), kAsTuple);
    if (ec) co_return ec;
    sent += n;
  }
  co_return beast::error_code{};
}

// How a stream's bytes go on the wire after the head.
enum class Framing {
  Sized,    // exactly the Content-Length the head promised
  Chunked,  // HTTP/1.1 chunks, then the last chunk
  ToClose,  // HTTP/1.0: raw to the end, then the connection closes
};

// Writes `source` a piece of at most kStreamPiece at a time: a read runs on
// the blocking pool (a remote store's read, or a page of a list, may wait)
// unless the stream has bytes ready, each write on this strand. One piece is
// all a reply holds, so a client that stops reading pins kStreamPiece bytes at most, and a socket that takes
// nothing for `timeout` ends the reply, as for files. Sized, it writes
// `length` bytes, and a stream that fails or ends early cuts the reply short
// (the head promised `length` bytes, so the connection must close); else it
// writes to the stream's end, and a failure cuts the reply before its last
// chunk, which a client sees as a broken reply. `written` counts the stream's
// bytes (without the chunks' framing).
asio::awaitable<beast::error_code> write_stream(beast::tcp_stream& stream, ByteStream& source, Framing framing,
                                                std::uint64_t length, std::chrono::seconds timeout,
                                                asio::io_context& blocking, std::uint64_t& written) {
  constexpr std::size_t kSizeLine = 18;  // room before a piece for its chunk-size line: 16 hex digits, CRLF
  const std::size_t capacity = framing == Framing::Sized
                                   ? static_cast<std::size_t>(std::min<std::uint64_t>(length, kStreamPiece))
                                   : kStreamPiece;
  std::vector<char> piece(kSizeLine + capacity + 2);
  for (std::uint64_t left = length;;) {
    if (framing == Framing::Sized && left == 0) break;
    const std::size_t want =
        framing == Framing::Sized ? static_cast<std::size_t>(std::min<std::uint64_t>(left, capacity)) : capacity;
    const std::span<char> into(piece.data() + kSizeLine, want);
    std::optional<Result<std::size_t>> ready = source.read_now(into);
    if (!ready) {
      auto waited = co_await offload(blocking, [&] { return source.read(into); });
      ready = std::move(waited);
    }
    const Result<std::size_t>& read = *ready;
    std::string problem;
    if (!read) {
      problem = read.error().detail.empty() ? read.error().description : read.error().detail;
    } else if (*read > into.size()) {
      problem = "the stream overran its buffer";
    } else if (*read == 0 && framing == Framing::Sized) {
      problem = "the stream ended " + std::to_string(left) + " bytes early";
    }
    if (!problem.empty()) {
      logging::event(spdlog::level::err, "stream reply cut short", {{"error", problem}});
      co_return beast::error_code(EIO, beast::system_category());
    }
    if (*read == 0) {
      if (framing == Framing::Chunked) {
        co_return co_await write_all(stream, std::string_view("0\r\n\r\n"), timeout);  // the last chunk
      }
      break;
    }
    std::span<const char> out(into.data(), *read);
    if (framing == Framing::Chunked) {
      char line[kSizeLine + 1];
      const auto size_line = static_cast<std::size_t>(std::snprintf(line, sizeof line, "%zx\r\n", *read));
      std::memcpy(into.data() - size_line, line, size_line);
      std::memcpy(into.data() + *read, "\r\n", 2);
      out = std::span<const char>(into.data() - size_line, size_line + *read + 2);
    }
    if (auto ec = co_await write_all(stream, out, timeout)) co_return ec;
    written += *read;
    left -= framing == Framing::Sized ? *read : 0;
  }
  co_return beast::error_code{};
}

// The head of a response as Beast's serializer writes it: the status line,
// each field on a line of its own, then an empty line.
std::string head_text(const Response& res) {
  std::string text;
  text.reserve(256);
  const unsigned version = res.version();
  text += "HTTP/";
  text += static_cast<char>('0' + version / 10);
  text += '.';
  text += static_cast<char>('0' + version % 10);
  text += ' ';
  text += std::to_string(res.result_int());
  text += ' ';
  text += res.reason();
  text += "\r\n";
  for (const auto& field : res.base()) {
    text += field.name_string();
    text += ": ";
    text += field.value();
    text += "\r\n";
  }
  text += "\r\n";
  return text;
}

// Writes a response whose body is in memory: head and body in one writev(2)
// at once, which the socket takes whole unless its buffer is full (then the
// rest waits for the client, within the stream's timeout, as before). Most
// replies so need no write operation queued and completed, nor Beast's
// serializer walking its buffer sequences: a tenth of a GET by id here.
asio::awaitable<beast::error_code> write_whole(beast::tcp_stream& stream, const Response& res) {
  const std::string head = head_text(res);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(res.body())};
  auto& socket = stream.socket();
  beast::error_code ec;
  if (!socket.non_blocking()) socket.non_blocking(true, ec);  // an ioctl(2): once per connection
  const std::size_t sent = ec ? 0 : socket.write_some(buffers, ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return ec;
  beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
  rest.consume(sent);
  if (beast::buffer_bytes(rest) == 0) co_return beast::error_code{};
  std::tie(ec, std::ignore) = co_await asio::async_write(stream, rest, kAsTuple);
  co_return ec;
}

// Writes the reply: the head only for HEAD; the head and then the body
// source's bytes when there is one; else the response with its own body.
// The error, if any, is returned; `written` counts the body's bytes.
asio::awaitable<beast::error_code> write_response(beast::tcp_stream& stream, api::Reply& reply, bool head_only,
                                                  std::chrono::seconds timeout, asio::io_context& blocking,
                                                  std::uint64_t& written) {
  stream.expires_after(timeout);
  if (!head_only && !reply.body) {
    written = reply.response.body().size();
    if (!reply.response.chunked()) {
      co_return co_await write_whole(stream, reply.response);
    }
    auto [ec, n] = co_await http::async_write(stream, reply.response, kAsTuple);
    co_return ec;
  }
  // The head alone (with `Transfer-Encoding: chunked`, a whole message would
  // also write the last chunk), as write_whole() writes it.
  const bool chunked = reply.response.chunked();
  const bool sized = reply.response.has_content_length();
  const std::string head = head_text(reply.response);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), kAsTuple);
  if (ec || head_only || !reply.body) co_return ec;
  ByteSource& body = *reply.body;
  if (auto* file = std::get_if<FileRange>(&body.bytes)) {
    written = body.length.value_or(0);
    co_return co_await write_file(stream, *file, body.length.value_or(0), timeout, blocking);
  }
  const Framing framing = sized ? Framing::Sized : chunked ? Framing::Chunked : Framing::ToClose;
  co_return co_await write_stream(stream, *std::get<std::unique_ptr<ByteStream>>(body.bytes), framing,
                                  body.length.value_or(0), timeout, blocking, written);
}

}  // namespace

asio::awaitable<void> HttpServer::refuse(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  const std::string request_id = request_id_hex();
  Response res =
      api::error_response(make_error(ErrorCode::Unavailable, "too many connections; retry shortly"), request_id);
  finalize(res, 11, request_id, false);
  api::Reply reply(std::move(res));  // a named local: see common/offload.h on temporaries in co_await
  std::uint64_t written = 0;
  co_await write_response(stream, reply, false, kLingerTime, api_.blocking(), written);
  co_await linger_close(stream);
}

asio::awaitable<void> HttpServer::session(std::shared_ptr<Connection> connection) {
  beast::flat_buffer buffer;
  buffer.max_size(buffer_limit());
  bool first = true;
  try {
    for (;;) {
      if (buffer.size() == 0) {
        if (!enter_idle(*connection)) break;
        connection->stream.expires_after(first ? config_.header_timeout : config_.idle_timeout);
        auto [ec, n] = co_await connection->stream.async_read_some(buffer.prepare(kReadChunk), kAsTuple);
        leave_idle(*connection);
        if (ec) break;
        buffer.commit(n);
      }
      first = false;
      if (!co_await serve_one(*connection, buffer)) break;
    }
  } catch (const std::exception& e) {
    logging::event(spdlog::level::err, "connection failed", {{"error", e.what()}});
  }
  co_await linger_close(connection->stream);
  {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
  }
  metrics::connection_closed();
  --active_;
}

asio::awaitable<bool> HttpServer::serve_one(Connection& connection, beast::flat_buffer& buffer) {
  auto& stream = connection.stream;
  const auto started = Clock::now();
  http::request_parser<http::empty_body> head_parser;
  head_parser.header_limit(static_cast<std::uint32_t>(config_.max_header_bytes));
  head_parser.body_limit(boost::none);  // the route's limit is applied by admit() and the body parser
  stream.expires_after(config_.header_timeout);
  auto [head_ec, head_bytes] = co_await http::async_read_header(stream, buffer, head_parser, kAsTuple);
  if (head_ec && peer_gone(head_ec)) co_return false;

  Exchange exchange;
  api::Reply reply{Response{}};
  const metrics::InFlight in_flight;
  if (head_ec) {
    exchange.ctx.request_id = request_id_hex();
    reply = api::error_response(read_error(head_ec), exchange.ctx.request_id);
  } else {
    const RequestHead& head = head_parser.get();
    exchange.ctx.request_id = request_id_for(head["X-Request-Id"]);
    exchange.method = std::string(head.method_string());
    exchange.path = std::string(head.target().substr(0, head.target().find('?')));
    exchange.version = head.version();
    exchange.head_only = head.method() == http::verb::head;
    exchange.keep_alive = head_parser.keep_alive();
    exchange.ctx.client_address = connection.peer;
    if (auto misframed = http_framing::check(head, head_parser.chunked())) {
      // The body's length is unknown: answer, then close without reading on.
      exchange.keep_alive = false;
      reply = api::error_response(*misframed, exchange.ctx.request_id);
    } else {
      auto answer = co_await respond(stream, buffer, head_parser, exchange);
      if (!answer) {
        metrics::request_finished(exchange.method, route_of(exchange.ctx.lookup), 0, metrics::seconds_since(started));
        co_return false;
      }
      reply = std::move(*answer);
    }
  }

  bool keep_alive = exchange.keep_alive;
  {
    std::lock_guard lock(mutex_);
    keep_alive = keep_alive && !stopping_;
  }
  Response& res = reply.response;
  const auto& body = reply.body;
  // A body of unknown length goes in chunks; HTTP/1.0 has none, so there
  // the connection's close ends it.
  if (body && !body->length && exchange.version < 11) keep_alive = false;
  finalize(res, exchange.version, exchange.ctx.request_id, keep_alive);
  if (body && body->length) res.content_length(*body->length);
  if (body && !body->length) {
    res.erase(http::field::content_length);
    if (exchange.version >= 11) res.chunked(true);
  }
  const unsigned status = res.result_int();
  std::uint64_t bytes = 0;
  auto write_ec = co_await write_response(stream, reply, exchange.head_only, config_.idle_timeout,
                                          reply.body_pool ? *reply.body_pool : api_.blocking(), bytes);

  const auto elapsed = Clock::now() - started;
  logging::access({exchange.method, exchange.path, status, bytes,
                   std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count(), exchange.ctx.request_id,
                   exchange.ctx.user ? exchange.ctx.user->id : 0});
  metrics::request_finished(exchange.method, route_of(exchange.ctx.lookup), status,
                            std::chrono::duration<double>(elapsed).count());
  co_return keep_alive && !write_ec;
}

asio::awaitable<std::optional<api::Reply>> HttpServer::respond(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                               http::request_parser<http::empty_body>& head_parser,
                                                               Exchange& exchange) {
  const RequestHead& head = head_parser.get();
  const auto declared = head_parser.content_length();
  const std::optional<std::uint64_t> content_length = declared ? std::optional<std::uint64_t>(*declared) : std::nullopt;
  const bool has_body = head_parser.chunked() || content_length.value_or(0) > 0;
  // 100 Continue is HTTP/1.1; an HTTP/1.0 client just sends its body.
  const bool expects_continue = head.version() >= 11 && beast::iequals(head[http::field::expect], "100-continue");
  auto& ctx = exchange.ctx;

  if (auto refusal = co_await api_.admit(head, content_length, head_parser.chunked(), ctx)) {
    Response res = api::error_response(*refusal, ctx.request_id);
    if (refusal->code == ErrorCode::MethodNotAllowed) res.set(http::field::allow, ctx.lookup.allow);
    exchange.keep_alive = exchange.keep_alive && !has_body;  // an unread body makes the stream unusable
    co_return res;
  }

  // Each upload holds read buffers (with S3, part buffers too) and blob store
  // work: max_uploads are handled at once, and one more is refused before its
  // body is asked for.
  std::optional<UploadPlace> place;
  if (ctx.lookup.route->body == api::BodyKind::Upload) {
    place.emplace(uploads_, config_.max_uploads);
    if (!place->taken()) {
      exchange.keep_alive = exchange.keep_alive && !has_body;
      co_return api::error_response(make_error(ErrorCode::Unavailable, "too many uploads at once; retry shortly"),
                                    ctx.request_id);
    }
  }

  // 100 Continue as soon as the request is admitted, before any handler
  // runs: an upload's body is then on its way while its handler checks the
  // parent (a trip to the database; 1 MiB uploads had their 100 after
  // 300-355 us, now 130-160 us), and a handler that refuses answers
  // without reading it.
  if (has_body && expects_continue) {
    http::response<http::empty_body> proceed{http::status::continue_, exchange.version};
    stream.expires_after(config_.body_timeout);
    auto [ec, n] = co_await http::async_write(stream, proceed, kAsTuple);
    if (ec) co_return std::nullopt;  // the peer went away or stalled: nothing to answer it on
  }

  if (place) {
    co_return co_await respond_upload(stream, buffer, head_parser, exchange);
  }

  // Trailer fields are read (within the limit) and dropped: the handler sees
  // the head as it came.
  std::optional<RequestHead> head_only_fields;
  if (head_parser.chunked()) head_only_fields = head;
  http::request_parser<http::string_body> body_parser(std::move(head_parser));
  body_parser.body_limit(ctx.body_limit);
  ChunkGuard guard(buffer, config_.max_chunk_extension_bytes, config_.max_header_bytes);
  guard.watch(body_parser);
  if (has_body) {
    stream.expires_after(config_.body_timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, body_parser, kAsTuple);
    if (ec && peer_gone(ec)) co_return std::nullopt;
    if (ec) {
      exchange.keep_alive = false;
      co_return api::error_response(body_error(guard, ec), ctx.request_id);
    }
  }
  if (head_only_fields) body_parser.get().base() = std::move(*head_only_fields);
  co_return co_await api_.handle(body_parser.get(), ctx);
}

// An upload's handler reads the body itself, as it arrives. When it answers
// before the body's end (an error) the rest is not read and the connection
// closes after the answer; when the peer went away nothing is answered.
asio::awaitable<std::optional<api::Reply>> HttpServer::respond_upload(
    beast::tcp_stream& stream, beast::flat_buffer& buffer, http::request_parser<http::empty_body>& head_parser,
    Exchange& exchange) {
  auto& ctx = exchange.ctx;
  const Request request{head_parser.get().base()};
  http::request_parser<http::buffer_body> body_parser(std::move(head_parser));
  ChunkGuard guard(buffer, config_.max_chunk_extension_bytes, config_.max_header_bytes);
  guard.watch(body_parser);
  SocketBodyReader reader(stream, buffer, body_parser, guard, config_.body_timeout);
  reader.limit(ctx.body_limit);
  ctx.body = &reader;
  api::Reply reply = co_await api_.handle(request, ctx);
  ctx.body = nullptr;
  // A small unread rest (say, of an upload refused with 403) is read and
  // dropped so that the connection stays usable; a large one closes it.
  const auto declared = reader.left();
  if (!reader.done() && !reader.gone() && declared && *declared <= kDrainBytes) {
    while (!reader.done()) {
      auto piece = co_await reader.read();
      if (!piece) break;
    }
  }
  if (reader.gone()) co_return std::nullopt;
  if (!reader.done()) exchange.keep_alive = false;
  // An idle keep-alive connection keeps no upload-sized buffer, nor the
  // upload's larger bound (the reader raised it to read in large pieces).
  buffer.max_size(std::max(buffer_limit(), buffer.size()));
  buffer.shrink_to_fit();
  co_return std::move(reply);
}

}  // namespace focusd
