#pragma once
// A JSON array made while it is sent, for the `…/stream` operations: the
// items come a page at a time from `next_page` (called from read(), so on the
// blocking pool), and a stream of any length holds one page. The array ends
// after a page shorter than `page_size`. Each page is its own read of the
// store, so an item written while the stream runs may be missed or repeated,
// as when paging by hand. An error from `next_page` ends the stream; the
// transport then cuts the reply short.

#include <cstdint>
#include <functional>
#include <string>

#include "api/json_writer.h"
#include "api/types.h"
#include "common/byte_source.h"
#include "common/listing.h"
#include "common/result.h"

namespace focusd::api {

class JsonArrayStream final : public ByteStream {
 public:
  // Writes the page's items to `items` (as elements of the array) and says how many there were.
  using NextPage = std::function<Result<std::int64_t>(const Page& page, JsonWriter& items)>;

  JsonArrayStream(NextPage next_page, std::int64_t page_size);
  JsonArrayStream(const JsonArrayStream&) = delete;  // writer_ writes to this one's pending_
  JsonArrayStream& operator=(const JsonArrayStream&) = delete;

  Result<std::size_t> read(std::span<char> buffer) override;

 private:
  // Appends the next page's items (or the opening or closing bracket) to pending_.
  Status fill();

  NextPage next_page_;
  Page page_;
  bool opened_ = false;
  bool closed_ = false;
  std::string pending_;
  JsonWriter writer_{pending_};  // its commas run on from page to page
  std::size_t taken_ = 0;        // bytes of pending_ already read
};

// A 200 reply of JSON whose body is such a stream (sent in chunks).
Reply json_array_reply(JsonArrayStream::NextPage next_page, std::int64_t page_size);

}  // namespace focusd::api
