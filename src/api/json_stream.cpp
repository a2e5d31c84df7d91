#include "api/json_stream.h"

#include "api/json_util.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace focusd::api {

JsonArrayStream::JsonArrayStream(NextPage next_page, std::int64_t page_size)
    : next_page_(std::move(next_page)), page_{1, page_size} {}

Result<std::size_t> JsonArrayStream::read(std::span<char> buffer) {
  while (taken_ == pending_.size() && !closed_) {
    pending_.clear();
    taken_ = 0;
    if (auto filled = fill(); !filled) {
      closed_ = true;
      return filled.error();
    }
  }
  const std::size_t n = std::min(buffer.size(), pending_.size() - taken_);
  std::memcpy(buffer.data(), pending_.data() + taken_, n);
  taken_ += n;
  return n;
}

Status JsonArrayStream::fill() {
  if (!opened_) {
    opened_ = true;
    writer_.begin_array();
    return Ok{};
  }
  auto count = next_page_(page_, writer_);
  if (!count) return count.error();
  if (*count < page_.per_page) {
    writer_.end_array();
    closed_ = true;
  } else {
    ++page_.page;
  }
  return Ok{};
}

Reply json_array_reply(JsonArrayStream::NextPage next_page, std::int64_t page_size) {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, kJsonContentType);
  return Reply{std::move(res),
               ByteSource{std::nullopt, std::make_unique<JsonArrayStream>(std::move(next_page), page_size)}};
}

}  // namespace focusd::api
