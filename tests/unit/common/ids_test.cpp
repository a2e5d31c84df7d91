#include "common/ids.h"

#include <gtest/gtest.h>

namespace focusd {
namespace {

TEST(ParseId, AcceptsPositive64BitIntegers) {
  EXPECT_EQ(parse_id("1"), 1);
  EXPECT_EQ(parse_id("42"), 42);
  EXPECT_EQ(parse_id("9223372036854775807"), INT64_MAX);
}

TEST(ParseId, RejectsEverythingElse) {
  for (const char* text : {"", "0", "00", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "abc", "9223372036854775808",
                           "18446744073709551616", "99999999999999999999"}) {
    EXPECT_FALSE(parse_id(text)) << text;
  }
}

}  // namespace
}  // namespace focusd
