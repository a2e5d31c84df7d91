#pragma once
// A streaming multipart/form-data parser (RFC 7578 over RFC 2046): the body
// is fed in pieces of any size and parts come out as events, so a file part
// can go straight to disk without ever being whole in memory.
//
//   multipart::Parser parser(boundary, limits, handler);
//   while (more) if (auto s = parser.feed(chunk); !s) ...;
//   if (auto s = parser.finish(); !s) ...;
//
// Errors are InvalidArgument naming the offending "multipart" element, or
// whatever the handler returned (which stops the parse).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace focusd::multipart {

struct Limits {
  std::size_t max_part_header_bytes = std::size_t{16} * 1024;  // the headers of one part
  std::size_t max_parts = 64;
  std::size_t max_epilogue_bytes = 1024;  // after the closing delimiter (ignored, but bounded)
};

// The most bytes a body the parser accepts holds after a part's data when at
// most `parts` more parts follow, each with at most `data_bytes` of data:
// their delimiters, padding, headers and data, then the closing delimiter and
// the epilogue. What a consumer may count on to know how much of the rest of
// a body of known length is still the part's.
std::uint64_t max_bytes_after(const Limits& limits, std::size_t parts, std::size_t data_bytes);

struct PartHeaders {
  std::string name;                     // Content-Disposition name
  std::optional<std::string> filename;  // filename (or RFC 5987 filename*, decoded)
  std::string content_type;             // as sent; empty when absent
};

class Handler {
 public:
  virtual ~Handler() = default;
  virtual Status on_part_begin(const PartHeaders& headers) = 0;
  virtual Status on_part_data(std::string_view data) = 0;
  virtual Status on_part_end() = 0;
};

// The boundary of a `multipart/form-data; boundary=…` Content-Type.
// UnsupportedMediaType for another type; InvalidArgument for a missing or
// malformed boundary (1..70 characters, RFC 2046).
Result<std::string> boundary_of(std::string_view content_type);

class Parser {
 public:
  Parser(const std::string& boundary, Limits limits, Handler& handler);

  // Feeds the next bytes of the body.
  Status feed(std::string_view data);
  // The body has ended: InvalidArgument unless the closing boundary was seen.
  Status finish();
  // During a handler's on_part_data(): how many of the bytes fed so far come
  // after that data (not yet parsed).
  std::size_t unparsed() const { return unparsed_; }

 private:
  enum class State { Preamble, AfterDelimiter, Headers, Data, Epilogue };

  Status step(bool& progressed);
  Status feed_data(std::string_view& data);
  Status begin_part(std::string_view header_block);

  std::string delimiter_;  // "\r\n--" + boundary; the first one may lack the CRLF
  Limits limits_;
  Handler& handler_;
  State state_ = State::Preamble;
  std::string buffer_;         // bytes fed but not yet consumed
  bool at_body_start_ = true;  // nothing of the preamble dropped yet
  std::size_t parts_ = 0;
  std::size_t epilogue_bytes_ = 0;
  std::size_t unfed_ = 0;     // bytes of the piece being fed not yet in buffer_ (while step() runs)
  std::size_t unparsed_ = 0;  // unparsed()
};

}  // namespace focusd::multipart
