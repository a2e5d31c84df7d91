#include "http/chunk_guard.h"

#include <boost/beast/http/error.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace focusd {

namespace beast = boost::beast;

ChunkGuard::ChunkGuard(const beast::flat_buffer& buffer, std::size_t max_extension_bytes, std::size_t max_trailer_bytes)
    : buffer_(buffer),
      max_extension_bytes_(max_extension_bytes),
      max_trailer_bytes_(max_trailer_bytes),
      callback_([this](std::uint64_t size, beast::string_view extensions, beast::error_code& ec) {
        on_chunk_line(size, extensions, ec);
      }) {}

void ChunkGuard::on_chunk_line(std::uint64_t size, beast::string_view extensions, beast::error_code& ec) {
  if (extensions.size() > max_extension_bytes_) {
    error_ = invalid("request", "chunk extensions exceed " + std::to_string(max_extension_bytes_) + " bytes");
    ec = beast::http::error::bad_chunk_extension;
    return;
  }
  if (size != 0 || trailer_bytes(extensions) <= max_trailer_bytes_) return;
  error_ =
      make_error(ErrorCode::HeaderTooLarge, "request trailers exceed " + std::to_string(max_trailer_bytes_) + " bytes");
  ec = beast::http::error::header_limit;
}

Error ChunkGuard::overflow_error() const {
  std::string_view pending(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  if (pending.starts_with("\r\n")) pending.remove_prefix(2);  // the end of the last chunk's data
  const auto zeros = pending.find_first_not_of('0');
  const bool last_chunk =
      zeros > 0 && zeros != std::string_view::npos && (pending[zeros] == ';' || pending[zeros] == '\r');
  if (last_chunk && pending.find("\r\n") != std::string_view::npos) {
    return make_error(ErrorCode::HeaderTooLarge,
                      "request trailers exceed " + std::to_string(max_trailer_bytes_) + " bytes");
  }
  return invalid("request", "a chunk line is too long");
}

// The bytes of trailer fields after the last chunk's line. `extensions`
// points into the buffer, just before that line's CRLF; the section ends at
// the first empty line.
std::size_t ChunkGuard::trailer_bytes(beast::string_view extensions) const {
  const auto begin = reinterpret_cast<std::uintptr_t>(buffer_.data().data());
  const auto end = begin + buffer_.size();
  const auto after = reinterpret_cast<std::uintptr_t>(extensions.data() + extensions.size());
  if (after < begin || after > end) return buffer_.size();  // not in the buffer: count all of it
  const std::string_view rest(extensions.data() + extensions.size(), end - after);
  const auto blank_line = rest.find("\r\n\r\n");
  return blank_line == std::string_view::npos ? rest.size() : blank_line;
}

}  // namespace focusd
