// JsonArrayStream: a JSON array read in pieces of any size, its items asked
// for a page at a time.
#include "api/json_stream.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace focusd::api {
namespace {

// Reads the whole stream in pieces of `piece` bytes; "ERROR" on an error.
std::string read_all(ByteStream& stream, std::size_t piece) {
  std::string out;
  std::string buffer(piece, '\0');
  for (;;) {
    auto n = stream.read(buffer);
    if (!n) return out + "ERROR";
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

// A stream of the numbers 0 .. count-1, `page_size` a page, counting the pages asked for.
JsonArrayStream numbers(int count, std::int64_t page_size, std::vector<std::int64_t>& pages_asked) {
  return JsonArrayStream(
      [count, &pages_asked](const Page& page, JsonWriter& items) -> Result<std::int64_t> {
        pages_asked.push_back(page.page);
        std::int64_t n = 0;
        for (auto i = page.offset(); i < std::min<std::int64_t>(count, page.offset() + page.per_page); ++i, ++n) {
          items.number(i);
        }
        return n;
      },
      page_size);
}

TEST(JsonArrayStream, IsOneArrayOfEveryPagesItemsWhateverThePieceSize) {
  const struct {
    int count;
    std::vector<std::int64_t> pages;  // the pages asked for, in order
    const char* json;
  } cases[] = {
      {0, {1}, "[]"},         {1, {1}, "[0]"},
      {2, {1, 2}, "[0,1]"},  // a full page: the next one, empty, ends the array
      {3, {1, 2}, "[0,1,2]"}, {5, {1, 2, 3}, "[0,1,2,3,4]"},
  };
  for (const auto& c : cases) {
    for (std::size_t piece : {1, 2, 7, 4096}) {
      std::vector<std::int64_t> asked;
      auto stream = numbers(c.count, 2, asked);
      EXPECT_EQ(read_all(stream, piece), c.json) << c.count << " items, pieces of " << piece;
      EXPECT_EQ(asked, c.pages) << c.count << " items, pieces of " << piece;
    }
  }
}

TEST(JsonArrayStream, APageThatFailsEndsTheStreamWithItsError) {
  int calls = 0;
  JsonArrayStream stream(
      [&calls](const Page& page, JsonWriter& items) -> Result<std::int64_t> {
        ++calls;
        if (page.page == 2) return make_error(ErrorCode::Unavailable, "the database went away");
        items.string("a").string("b");
        return 2;
      },
      2);
  EXPECT_EQ(read_all(stream, 3), R"(["a","b"ERROR)");
  std::string buffer(8, '\0');
  auto after = stream.read(buffer);  // ended: no page is asked for again
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, 0u);
  EXPECT_EQ(calls, 2);
}

TEST(JsonArrayStream, ItemsAreSerializedJson) {
  JsonArrayStream stream(
      [](const Page& page, JsonWriter& items) -> Result<std::int64_t> {
        if (page.page > 1) return 0;
        items.value(boost::json::object{{"name", "quote \" and \\ slash"}}).null();
        return 2;
      },
      2);
  const auto parsed = boost::json::parse(read_all(stream, 5));
  EXPECT_EQ(parsed.as_array().at(0).at("name").as_string(), "quote \" and \\ slash");
  EXPECT_TRUE(parsed.as_array().at(1).is_null());
}

}  // namespace
}  // namespace focusd::api
