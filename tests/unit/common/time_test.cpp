// Timestamps: RFC 3339 in, RFC 3339 UTC out, and Unix seconds.
#include "common/time.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "common/timestamp.h"

namespace focusd {
namespace {

TEST(Time, ADateTimeWithAnyOffsetIsNormalizedToUtcAndAPlainDateIsNotADateTime) {
  const struct {
    const char* text;
    std::optional<std::string> normalized;
  } cases[] = {
      {"2026-03-01T09:00:00Z", "2026-03-01T09:00:00Z"},
      {"2026-03-01T09:00:00+00:00", "2026-03-01T09:00:00Z"},
      {"2026-03-01T09:00:00+02:00", "2026-03-01T07:00:00Z"},
      {"2026-03-01T01:00:00-02:30", "2026-03-01T03:30:00Z"},
      {"2026-03-01T00:30:00+01:00", "2026-02-28T23:30:00Z"},
      {"2026-03-01T09:00:00.123456Z", "2026-03-01T09:00:00Z"},
      {"2026-03-01", std::nullopt},
      {"2026-03-01T09:00Z", std::nullopt},
      {"2026-02-30T09:00:00Z", std::nullopt},
      {"2026-03-01T09:00:00", std::nullopt},
      {"tomorrow", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(normalize_date_time(c.text), c.normalized) << c.text;
  EXPECT_EQ(normalize_timestamp("2026-03-01"), "2026-03-01T00:00:00Z");  // dates are timestamps elsewhere
}

TEST(Time, UnixSeconds) {
  EXPECT_EQ(unix_seconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(unix_seconds("2026-03-01T09:00:00Z"), 1772355600);
  EXPECT_EQ(unix_seconds("2026-03-01T11:00:00+02:00"), 1772355600);
  EXPECT_FALSE(unix_seconds("not a time"));
}

TEST(Time, UnixSecondsOfTheStoredFormAgreesWithTheCalendarAcrossCenturies) {
  // Every 7,777,777 s (about 90 days, each step at another time of day) from
  // 1000-01-01 to past 9999, plus leap days and century edges.
  const std::int64_t first = *unix_seconds("1000-01-01T00:00:00+00:00");
  const std::int64_t last = *unix_seconds("9999-12-31T23:59:59+00:00");
  for (std::int64_t t = first; t <= last; t += 7'777'777) {
    const std::string stored = *add_seconds("1970-01-01T00:00:00+00:00", t);  // formatted by gmtime
    ASSERT_EQ(unix_seconds(stored), t) << stored;
    ASSERT_EQ(unix_seconds(stored.substr(0, 19) + "+00:00"), t) << "the general path agrees: " << stored;
  }
  EXPECT_EQ(unix_seconds("2000-02-29T12:00:00Z"), 951825600);
  EXPECT_EQ(unix_seconds("1969-12-31T23:59:59Z"), -1);
  EXPECT_FALSE(unix_seconds("2100-02-29T00:00:00Z")) << "not a leap year";
  EXPECT_FALSE(unix_seconds("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(unix_seconds("2026-01-01T24:00:00Z"));
  EXPECT_FALSE(unix_seconds("2026-01-01T23:59:60Z"));
  EXPECT_FALSE(unix_seconds("0999-01-01T00:00:00Z"));
  EXPECT_FALSE(unix_seconds("2026-0a-01T00:00:00Z"));
}

TEST(Time, AddSecondsCrossesDaysAndStopsAtTheLastSecondOfTheYear9999) {
  EXPECT_EQ(add_seconds("2026-03-01T23:30:00+00:00", 3600), "2026-03-02T00:30:00Z");
  EXPECT_EQ(add_seconds("2026-03-01T09:00:00Z", 0), "2026-03-01T09:00:00Z");
  EXPECT_EQ(add_seconds("9999-12-31T23:59:58Z", 1), "9999-12-31T23:59:59Z");
  EXPECT_FALSE(add_seconds("9999-12-31T23:59:58Z", 2));
  EXPECT_FALSE(add_seconds("not a time", 1));
}

TEST(Timestamp, HoldsTheTextItIsGivenInlineAndComparesAsText) {
  const Timestamp start = now_rfc3339();
  EXPECT_EQ(start.view(), std::string_view(start));
  EXPECT_EQ(start.view().size(), 20u);
  EXPECT_EQ(unix_seconds(start), unix_seconds(start.str()));

  const Timestamp earlier("2026-03-01T09:00:00Z");
  const Timestamp later(std::string("2026-03-01T09:00:01Z"));
  EXPECT_LT(earlier, later);
  EXPECT_EQ(std::max(earlier, later), later);
  EXPECT_EQ(earlier, "2026-03-01T09:00:00Z");
  EXPECT_EQ(Timestamp(), "");
  EXPECT_TRUE(Timestamp().empty());

  const std::string longest(Timestamp::kCapacity, '9');
  EXPECT_EQ(Timestamp(longest).str(), longest);
  EXPECT_THROW(Timestamp(longest + "9"), std::length_error);
  EXPECT_LE(sizeof(Timestamp), sizeof(std::string));
}

}  // namespace
}  // namespace focusd
