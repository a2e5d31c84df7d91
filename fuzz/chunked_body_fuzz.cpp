// A chunked request body as the server reads it: Beast's chunked decoder fed
// from a flat_buffer with a max_size in pieces of 1..64 bytes (the first input
// byte picks the size), watched by focusd's ChunkGuard (extensions, trailers).
// Checks that the buffer never passes its bound and that a guard refusal
// always stops the parser.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <cstring>

#include "http/chunk_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  if (size < 1) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  static const std::string head = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  http::request_parser<http::empty_body> head_parser;
  boost::beast::error_code ec;
  head_parser.put(boost::asio::buffer(head), ec);
  http::request_parser<http::string_body> parser(std::move(head_parser));
  parser.body_limit(64 * 1024);
  constexpr std::size_t kMaxBuffer = 2048;
  boost::beast::flat_buffer buffer;
  buffer.max_size(kMaxBuffer);
  focusd::ChunkGuard guard(buffer, 64, 512);
  guard.watch(parser);

  std::size_t sent = 0;
  while (!parser.is_done() && sent < body.size()) {
    if (buffer.size() == buffer.max_size()) {
      (void)guard.overflow_error();
      return 0;
    }
    const std::size_t n = std::min({piece, body.size() - sent, buffer.max_size() - buffer.size()});
    auto space = buffer.prepare(n);
    std::memcpy(space.data(), body.data() + sent, n);
    buffer.commit(n);
    sent += n;
    do {
      buffer.consume(parser.put(buffer.data(), ec));
    } while (!ec && !parser.is_done() && buffer.size() > 0);
    if (buffer.size() > kMaxBuffer) std::abort();
    if (guard.error() && !ec) std::abort();  // a refusal must stop the parser
    if (ec && ec != http::error::need_more) return 0;
  }
  return 0;
}
