#include "api/query.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace focusd::api {
namespace {

Query parse(const std::string& target) {
  auto q = Query::parse(target);
  EXPECT_TRUE(q) << target;
  return q ? *q : Query{};
}

TEST(Query, ArraysAcceptEverySpelling) {
  const std::vector<std::string> expected = {"1", "2", "3"};
  EXPECT_EQ(parse("/x?id=1,2,3").list("id"), expected);
  EXPECT_EQ(parse("/x?id[]=1&id[]=2&id[]=3").list("id"), expected);
  EXPECT_EQ(parse("/x?id=1&id=2&id=3").list("id"), expected);
  EXPECT_EQ(parse("/x?id%5B%5D=1&id%5B%5D=2,3").list("id"), expected);
  EXPECT_EQ(parse("/x?id[0]=1&id[1]=2&id[2]=3").list("id"), expected);
  EXPECT_EQ(parse("/x?id=,1,,2,3,").list("id"), expected);
  EXPECT_TRUE(parse("/x").list("id").empty());
}

TEST(Query, ScalarsMustBeGivenOnce) {
  auto q = parse("/x?name=a+b%21&name2=z");
  EXPECT_EQ(q.text("name")->value(), "a b!");
  EXPECT_FALSE(q.text("missing")->has_value());
  auto twice = parse("/x?name=a&name=b").text("name");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().values.count("name"), 1u);
}

TEST(Query, Booleans) {
  EXPECT_EQ(parse("/x?b=true").boolean("b")->value(), true);
  EXPECT_EQ(parse("/x?b=0").boolean("b")->value(), false);
  EXPECT_FALSE(parse("/x").boolean("b")->has_value());
  EXPECT_FALSE(parse("/x?b=yes").boolean("b"));
  EXPECT_FALSE(parse("/x?b=").boolean("b"));
}

TEST(Query, DateTimesTakeAnyOffsetAndAnswerUtc) {
  EXPECT_EQ(parse("/x?t=2026-03-01T10:00:00%2B02:00").date_time("t")->value(), "2026-03-01T08:00:00Z");
  EXPECT_FALSE(parse("/x").date_time("t")->has_value());
  for (const char* bad : {"/x?t=2026-03-01", "/x?t=garbage", "/x?t=", "/x?t=2026-02-30T00:00:00Z"}) {
    auto refused = parse(bad).date_time("t");
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().values.count("t"), 1u) << bad;
  }
}

TEST(Query, AnEmptyValueAndFlagsThatMustBeBooleans) {
  EXPECT_TRUE(parse("/x?id=").has_empty("id"));
  EXPECT_TRUE(parse("/x?id=3&id=").has_empty("id"));
  EXPECT_TRUE(parse("/x?id").has_empty("id"));
  EXPECT_FALSE(parse("/x?id=3").has_empty("id"));
  EXPECT_FALSE(parse("/x?other=").has_empty("id"));
  EXPECT_TRUE(parse("/x?a=true&b=0").booleans({"a", "b", "c"}));
  auto refused = parse("/x?a=true&b=maybe").booleans({"a", "b"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().values.count("b"), 1u);
}

TEST(Query, PagesAndTheirBounds) {
  auto page = parse("/x").page();
  EXPECT_EQ(page->page, 1);
  EXPECT_EQ(page->per_page, 50);
  page = parse("/x?page=3&per_page=200").page();
  EXPECT_EQ(page->offset(), 400);
  for (const char* bad : {"/x?page=0", "/x?page=-2", "/x?per_page=0", "/x?per_page=201", "/x?per_page=1.5",
                          "/x?page=99999999999999999999"}) {
    EXPECT_FALSE(parse(bad).page()) << bad;
  }
}

TEST(Query, OrderByChecksFields) {
  auto keys = parse("/x?order_by=-name,created_at").order_by({"name", "created_at"});
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_TRUE((*keys)[0].descending);
  EXPECT_EQ((*keys)[1].field, "created_at");
  EXPECT_FALSE(parse("/x?order_by=color").order_by({"name"}));
  EXPECT_FALSE(parse("/x?order_by=--name").order_by({"name"}));
}

TEST(Query, IdsAndDates) {
  EXPECT_EQ(*parse("/x?ids=4,5").ids("ids"), (std::vector<std::int64_t>{4, 5}));
  EXPECT_FALSE(parse("/x?ids=4,-5").ids("ids"));
  EXPECT_FALSE(parse("/x?ids=9223372036854775808").ids("ids"));
  EXPECT_EQ(parse("/x?d=2024-02-29").date("d")->value(), "2024-02-29");
  EXPECT_FALSE(parse("/x?d=2023-02-29").date("d"));
}

TEST(Query, MalformedEncodingIsAnError) {
  EXPECT_FALSE(Query::parse("/x?a=%zz"));
  // The error names the parameter whose encoding is broken, where its name can be read.
  auto named = [](std::string_view target) {
    auto query = Query::parse(target);
    EXPECT_FALSE(query) << target;
    if (query || query.error().values.size() != 1) return std::string();
    return query.error().values.begin()->first;
  };
  EXPECT_EQ(named("/x?page=1&filter=%ZZ"), "filter");
  EXPECT_EQ(named("/x?name=a%2"), "name");
  EXPECT_EQ(named("/x?order_by[]=%zz&page=1"), "order_by");
  EXPECT_EQ(named("/x?n%61me=%zz"), "name");
  EXPECT_EQ(named("/x?page+size=%zz"), "page size");  // named as params() names it
  EXPECT_EQ(named("/x?query=%zz"), "query");
  EXPECT_EQ(Query::parse("/x?query=%zz").error().values.at("query"), "malformed URL encoding");
  EXPECT_EQ(named("/x?a=1&%zz=1"), "query");
  EXPECT_EQ(named("/x?=%zz"), "query");
  EXPECT_EQ(named("/x?%FF=%zz"), "query");  // not echoed: the answer stays UTF-8
  EXPECT_EQ(Query::parse("/x?%zz=1").error().values.at("query"), "malformed query string");
  // What the fuzzers found reading past the end in Boost.URL's params of a parsed key.
  EXPECT_EQ(named("/api/x?archived=[arch[%"), "archived");
}

TEST(CalendarDate, KnowsTheCalendar) {
  for (const char* good : {"2026-01-01", "2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01"}) {
    EXPECT_TRUE(is_calendar_date(good)) << good;
  }
  for (const char* bad : {"2026-1-01", "2026-13-01", "2026-00-10", "2026-04-31", "1900-02-29", "2026-02-29", "26-01-01",
                          "2026/01/01", "2026-01-01T00:00", "+026-01-01", "2026-01-0a", ""}) {
    EXPECT_FALSE(is_calendar_date(bad)) << bad;
  }
}

}  // namespace
}  // namespace focusd::api
