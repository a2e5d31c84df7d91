// HTTP semantics as pure functions (http_semantics/semantics.h), fed header
// values directly: tables of input and expected answer, each with its reason.
#include "http_semantics/semantics.h"

#include <gtest/gtest.h>

namespace focusd::http_semantics {
namespace {

TEST(HttpSemantics, AcceptAsksForTheObjectOnlyWhenItNamesJsonAndNotTheFile) {
  struct Case {
    const char* accept;
    const char* mime;
    bool json;
    const char* why;
  } cases[] = {
      {"application/json", "image/png", true, "JSON only"},
      {"", "image/png", false, "no Accept: the bytes"},
      {"*/*", "image/png", false, "anything: the bytes"},
      {"application/json, image/png", "image/png", false, "names the file's type too"},
      {"application/json, image/*", "image/png", false, "names the file's family"},
      {"Application/JSON", "image/png", true, "case-insensitive"},
      {"application/json;q=0, */*", "image/png", false, "q=0 refuses JSON"},
      {"application/json;q=0.5", "image/png", true, "a non-zero q still asks"},
      {"application/json", "application/json", false, "a JSON file: its bytes"},
  };
  for (const auto& c : cases) EXPECT_EQ(wants_json(c.accept, c.mime), c.json) << c.why;
}

TEST(HttpSemantics, IfNoneMatchComparesWeaklyAndHonoursTheStar) {
  EXPECT_TRUE(matches_etag("\"abc\"", "\"abc\""));
  EXPECT_TRUE(matches_etag("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(matches_etag("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(matches_etag("*", "\"abc\""));
  EXPECT_FALSE(matches_etag("\"abd\"", "\"abc\""));
  EXPECT_FALSE(matches_etag("", "\"abc\""));
}

TEST(HttpSemantics, RangesAreReadClampedOrIgnored) {
  using Kind = RangeAsk::Kind;
  struct Case {
    const char* header;
    std::uint64_t size;
    Kind kind;
    std::uint64_t first, length;
    const char* why;
  } cases[] = {
      {"bytes=0-9", 100, Kind::Part, 0, 10, "a plain range"},
      {"bytes=90-", 100, Kind::Part, 90, 10, "open end"},
      {"bytes=-5", 100, Kind::Part, 95, 5, "suffix"},
      {"bytes=-500", 100, Kind::Part, 0, 100, "suffix longer than the file"},
      {"bytes=50-99999999999999999999999", 100, Kind::Part, 50, 50, "an end past 64 bits is clamped"},
      {"bytes=100-", 100, Kind::Unsatisfiable, 0, 0, "starts at the end"},
      {"bytes=-0", 100, Kind::Unsatisfiable, 0, 0, "an empty suffix"},
      {"bytes=0-1,5-6", 100, Kind::Whole, 0, 0, "several ranges: the whole file"},
      {"bytes=9-1", 100, Kind::Whole, 0, 0, "reversed: ignored"},
      {"items=0-1", 100, Kind::Whole, 0, 0, "another unit: ignored"},
      {"bytes=a-b", 100, Kind::Whole, 0, 0, "not numbers: ignored"},
      {"", 100, Kind::Whole, 0, 0, "no Range"},
  };
  for (const auto& c : cases) {
    const auto ask = range_of(c.header, c.size);
    EXPECT_EQ(ask.kind, c.kind) << c.why;
    if (c.kind == Kind::Part) {
      EXPECT_EQ(ask.range.first, c.first) << c.why;
      EXPECT_EQ(ask.range.length, c.length) << c.why;
    }
  }
}

TEST(HttpSemantics, ContentDispositionCarriesAnAsciiFallbackAndTheExactName) {
  EXPECT_EQ(content_disposition("inline", "a b.txt"), "inline; filename=\"a b.txt\"; filename*=UTF-8''a%20b.txt");
  EXPECT_EQ(content_disposition("attachment", "\"q\".pdf"),
            "attachment; filename=\"_q_.pdf\"; filename*=UTF-8''%22q%22.pdf");
  EXPECT_EQ(content_disposition("attachment", "r\xc3\xa9sum\xc3\xa9.doc"),
            "attachment; filename=\"r_sum_.doc\"; filename*=UTF-8''r%C3%A9sum%C3%A9.doc")
      << "one '_' per character, not per byte";
}

}  // namespace
}  // namespace focusd::http_semantics
