// The framing rules of RFC 9112 on request heads (http/framing.h) and the
// chunk guard (http/chunk_guard.h) on Beast's chunked decoder, fed as the
// server feeds it: from a flat_buffer with a max_size.
#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstring>

#include "http/chunk_guard.h"
#include "http/framing.h"

namespace focusd {
namespace {

struct Parsed {
  RequestHead head;
  bool chunked = false;
};

Parsed parse_head(const std::string& text) {
  http::request_parser<http::empty_body> parser;
  parser.eager(false);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(text), ec);
  EXPECT_TRUE(!ec || ec == http::error::need_more) << text << ": " << ec.message();
  EXPECT_TRUE(parser.is_header_done()) << text;
  return {parser.get().base(), parser.chunked()};
}

struct FramingCase {
  std::string head;
  std::optional<ErrorCode> refusal;
  const char* why;
};

TEST(HttpFraming, HeadsAreAcceptedOrRefusedByRfc9112) {
  const FramingCase cases[] = {
      {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", std::nullopt, "plain"},
      {"GET / HTTP/1.0\r\n\r\n", std::nullopt, "HTTP/1.0 needs no Host"},
      {"GET / HTTP/1.1\r\n\r\n", ErrorCode::InvalidArgument, "HTTP/1.1 needs a Host"},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", ErrorCode::InvalidArgument, "two Hosts"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", std::nullopt, "chunked"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\n", std::nullopt, "case-insensitive"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n", std::nullopt, "empty list element"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", ErrorCode::InvalidArgument, "not chunked"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", ErrorCode::InvalidArgument, "identity"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", ErrorCode::InvalidArgument, "xchunked"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", ErrorCode::InvalidArgument,
       "chunked not last"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;a=b\r\n\r\n", ErrorCode::InvalidArgument,
       "chunked with parameters"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", ErrorCode::InvalidArgument,
       "chunked twice"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", ErrorCode::NotImplemented,
       "gzip is not implemented"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
       ErrorCode::NotImplemented, "codings over two fields"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\n",
       ErrorCode::InvalidArgument, "with Content-Length"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n", ErrorCode::InvalidArgument, "empty"},
      {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", ErrorCode::InvalidArgument, "in HTTP/1.0"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", std::nullopt,
       "the same length twice"},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_head(c.head);
    const auto refusal = http_framing::check(parsed.head, parsed.chunked);
    ASSERT_EQ(refusal.has_value(), c.refusal.has_value()) << c.why << (refusal ? ": " + refusal->description : "");
    if (refusal) {
      EXPECT_EQ(refusal->code, *c.refusal) << c.why;
    }
  }
}

// Feeds `body` (after a chunked request head) to a string_body parser the way
// Beast's read loop does, in pieces of `piece` bytes into a buffer of at most
// `max_buffer` bytes. Returns the guard's or the parser's verdict.
struct Outcome {
  bool done = false;
  std::optional<Error> guard_error;
  boost::beast::error_code ec;
  std::string body;
  std::size_t fields = 0;
};

Outcome feed(const std::string& body, std::size_t piece, std::size_t max_buffer = 64 * 1024) {
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  http::request_parser<http::empty_body> head_parser;
  boost::beast::error_code ec;
  head_parser.put(boost::asio::buffer(head), ec);
  http::request_parser<http::string_body> parser(std::move(head_parser));
  parser.body_limit(1 << 20);
  boost::beast::flat_buffer buffer;
  buffer.max_size(max_buffer);
  ChunkGuard guard(buffer, 64, 256);
  guard.watch(parser);
  Outcome out;
  std::size_t sent = 0;
  while (!parser.is_done()) {
    if (buffer.size() == buffer.max_size()) {
      out.ec = http::error::buffer_overflow;
      out.guard_error = guard.overflow_error();
      return out;
    }
    if (sent == body.size()) break;
    const std::size_t n = std::min({piece, body.size() - sent, buffer.max_size() - buffer.size()});
    auto space = buffer.prepare(n);
    std::memcpy(space.data(), body.data() + sent, n);
    buffer.commit(n);
    sent += n;
    do {  // as Beast's read loop: parse what is there until the parser needs more
      buffer.consume(parser.put(buffer.data(), ec));
    } while (!ec && !parser.is_done() && buffer.size() > 0);
    if (ec && ec != http::error::need_more) {
      out.ec = ec;
      out.guard_error = guard.error();
      return out;
    }
  }
  out.done = parser.is_done();
  out.body = parser.get().body();
  out.fields = static_cast<std::size_t>(std::distance(parser.get().begin(), parser.get().end()));
  return out;
}

TEST(ChunkGuard, ExtensionsAndTrailersWithinTheLimitsAreRead) {
  for (std::size_t piece : {1u, 7u, 4096u}) {
    auto out = feed("3;a=b\r\nabc\r\n2\r\nde\r\n0;last\r\nX-T: 1\r\n\r\n", piece);
    EXPECT_TRUE(out.done) << piece << ": " << out.ec.message();
    EXPECT_EQ(out.body, "abcde");
  }
}

TEST(ChunkGuard, ExtensionsOverTheLimitAreRefused) {
  auto out = feed("3;" + std::string(65, 'e') + "\r\nabc\r\n0\r\n\r\n", 16);
  ASSERT_TRUE(out.guard_error);
  EXPECT_EQ(out.guard_error->code, ErrorCode::InvalidArgument);
  out = feed("0;" + std::string(65, 'e') + "\r\n\r\n", 16);
  ASSERT_TRUE(out.guard_error);
  EXPECT_EQ(out.guard_error->code, ErrorCode::InvalidArgument);
}

TEST(ChunkGuard, TrailersOverTheLimitAreRefusedWhenWhole) {
  auto out = feed("3\r\nabc\r\n0\r\nX-T: " + std::string(300, 't') + "\r\n\r\n", 64);
  ASSERT_TRUE(out.guard_error) << out.ec.message();
  EXPECT_EQ(out.guard_error->code, ErrorCode::HeaderTooLarge);
  // Within the limit, with a pipelined request after them: read.
  out = feed("3\r\nabc\r\n0\r\nX-T: " + std::string(200, 't') + "\r\n\r\nGET / HTTP/1.1\r\n" + std::string(300, 'p'),
             4096);
  EXPECT_TRUE(out.done) << out.ec.message();
}

TEST(ChunkGuard, AFullBufferIsATooLongLineOrTooLongTrailers) {
  auto line = feed("3;" + std::string(2000, 'e'), 100, 1024);
  EXPECT_EQ(line.ec, http::error::buffer_overflow);
  ASSERT_TRUE(line.guard_error);
  EXPECT_EQ(line.guard_error->code, ErrorCode::InvalidArgument);
  auto trailers = feed("3\r\nabc\r\n0\r\n" + std::string(2000, 't'), 100, 1024);
  EXPECT_EQ(trailers.ec, http::error::buffer_overflow);
  ASSERT_TRUE(trailers.guard_error);
  EXPECT_EQ(trailers.guard_error->code, ErrorCode::HeaderTooLarge);
}

}  // namespace
}  // namespace focusd
