#pragma once
// Bounds on a chunked request body that Beast 1.81 does not keep by itself.
// Its parser buffers a whole chunk line, and on the last chunk the whole
// trailer section, before it parses them (and it merges trailer fields into
// the request's headers). The connection's buffer has a max_size, so neither
// can grow without bound; this guard, called by the parser on every chunk line,
// also refuses chunk extensions over their limit and, on the last chunk (whose
// trailer section is then whole in the buffer), trailers over the header limit.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <functional>
#include <optional>

#include "common/result.h"

namespace focusd {

class ChunkGuard {
 public:
  // `buffer` is the one the parser is fed from; it must outlive the guard, as
  // the guard must outlive the parser it watches.
  ChunkGuard(const boost::beast::flat_buffer& buffer, std::size_t max_extension_bytes, std::size_t max_trailer_bytes);
  ChunkGuard(const ChunkGuard&) = delete;
  ChunkGuard& operator=(const ChunkGuard&) = delete;

  template <class Body>
  void watch(boost::beast::http::request_parser<Body>& parser) {
    parser.on_chunk_header(callback_);
  }

  // Why the guard stopped the parser, when it did: InvalidArgument for chunk
  // extensions over the limit, HeaderTooLarge for trailers over it.
  const std::optional<Error>& error() const { return error_; }
  // What a full buffer (the parser still waiting for the end of a line)
  // means: HeaderTooLarge when it holds the last chunk's line and an
  // unfinished trailer section, InvalidArgument for an unfinished chunk line.
  Error overflow_error() const;

 private:
  void on_chunk_line(std::uint64_t size, boost::beast::string_view extensions, boost::beast::error_code& ec);
  std::size_t trailer_bytes(boost::beast::string_view extensions) const;

  const boost::beast::flat_buffer& buffer_;
  std::size_t max_extension_bytes_;
  std::size_t max_trailer_bytes_;
  std::optional<Error> error_;
  std::function<void(std::uint64_t, boost::beast::string_view, boost::beast::error_code&)> callback_;
};

}  // namespace focusd
