#pragma once
// HTTP semantics (RFC 9110, RFC 6266) as pure functions of header values: no
// sockets, no messages. The view of an attachment uses them; unit tests feed
// them header values directly.

#include <cstdint>
#include <string>
#include <string_view>

namespace focusd::http_semantics {

// True when `accept` asks for application/json and names neither the file's
// type nor its type/* (a q=0 item asks for nothing): such a client wants the
// attachment object, not its bytes.
bool wants_json(std::string_view accept, std::string_view mime_type);

// If-None-Match holds `etag` (weak comparison, as RFC 9110 asks) or "*".
bool matches_etag(std::string_view if_none_match, std::string_view etag);

// A single byte range of a `Range: bytes=…` header over `size` bytes.
struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};
struct RangeAsk {
  enum class Kind { Whole, Part, Unsatisfiable };
  Kind kind = Kind::Whole;
  ByteRange range;
};

// The range a `Range: bytes=…` header asks of `size` bytes. Malformed ranges
// and multiple ranges are ignored (the whole file is sent), as RFC 9110
// allows; a range end past the file is clamped to it.
RangeAsk range_of(std::string_view header, std::uint64_t size);

// RFC 6266: `disposition` ("inline" or "attachment") with an ASCII fallback
// `filename` (one '_' per character it cannot carry) and the exact name as
// `filename*` (UTF-8, percent-encoded).
std::string content_disposition(std::string_view disposition, std::string_view name);

}  // namespace focusd::http_semantics
