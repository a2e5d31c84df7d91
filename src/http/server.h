#pragma once
// The HTTP/1.1 transport: a listener and one coroutine per connection running
// a straight read -> admit -> read body -> handle -> write loop, with the
// limits and timeouts of Config. Keep-alive and pipelining (requests are read
// from one buffer and answered strictly in order), HEAD, Expect: 100-continue.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "api/api.h"
#include "config/config.h"

namespace focusd {

class HttpServer {
 public:
  HttpServer(const Config& config, api::Api& api);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds and listens on config.listen. InvalidArgument for a malformed
  // address; Internal when the address cannot be bound.
  Status bind();
  // The bound address (with the real port when port 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Serves on config.threads threads until SIGTERM or SIGINT, then (after
  // config.drain_period, during which /readyz answers 503 and the rest is
  // served as before; a second signal ends it) stops accepting, lets
  // in-flight requests finish (up to shutdown_grace) and returns.
  void run();

 private:
  struct Connection;
  // One request and what the access log and the response need to know of it.
  struct Exchange {
    api::RequestContext ctx;
    std::string method = "-";
    std::string path = "-";  // without the query string
    unsigned version = 11;
    bool head_only = false;
    bool keep_alive = false;
  };

  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  // Serves one request from the buffer. False when the connection must close.
  boost::asio::awaitable<bool> serve_one(Connection& connection, boost::beast::flat_buffer& buffer);
  // Admits the request, reads its body and runs its handler. nullopt when the
  // peer went away mid-body (nothing left to answer).
  boost::asio::awaitable<std::optional<api::Reply>> respond(
      boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
      boost::beast::http::request_parser<boost::beast::http::empty_body>& head_parser, Exchange& exchange);
  boost::asio::awaitable<std::optional<api::Reply>> respond_upload(
      boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
      boost::beast::http::request_parser<boost::beast::http::empty_body>& head_parser, Exchange& exchange);
  boost::asio::awaitable<void> refuse(boost::asio::ip::tcp::socket socket);
  void begin_shutdown();
  // Waits for the open connections to finish (up to shutdown_grace), then stops.
  boost::asio::awaitable<void> drain();
  // The most a connection's buffer holds: a request head at the limit and
  // one read more. Bytes the parser has not consumed (a head, a chunk line, a
  // trailer section, pipelined requests) never take more.
  std::size_t buffer_limit() const;
  bool enter_idle(Connection& connection);
  void leave_idle(Connection& connection);

  const Config& config_;
  api::Api& api_;
  std::atomic<std::size_t> uploads_{0};  // upload requests being handled: config_.max_uploads at most
  // One io_context per network thread, each run by its own thread: a
  // connection stays on the context that accepted it, so its coroutine needs
  // no strand and no context's queue is shared between threads. The first
  // also runs the acceptor, which deals connections out in turn, the signals
  // and the shutdown. `others_` comes first so that it outlives `ioc_`: an
  // accept still pending at the end holds a socket of one of them, destroyed
  // with `ioc_`'s queue (ASan found a use after free at exit the other way).
  std::vector<std::unique_ptr<boost::asio::io_context>> others_;
  boost::asio::io_context ioc_{1};
  std::size_t next_context_ = 0;  // the accept loop's turn (it runs on ioc_ only)
  boost::asio::ip::tcp::acceptor acceptor_;

  std::atomic<std::size_t> active_{0};
  std::mutex mutex_;  // guards stopping_, connections_ and their idle flags
  bool stopping_ = false;
  std::unordered_set<std::shared_ptr<Connection>> connections_;
};

}  // namespace focusd
