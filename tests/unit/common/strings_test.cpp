#include "common/strings.h"

#include <gtest/gtest.h>

#include <string_view>

namespace focusd {
namespace {

using namespace std::string_view_literals;

TEST(Iequals, FoldsAsciiCaseOnly) {
  EXPECT_TRUE(iequals("Content-Type", "content-TYPE"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("bearer", "bearer "));
  EXPECT_FALSE(iequals("\xC3\x89", "\xC3\xA9"));  // É and é: not ASCII
}

TEST(Iequals, ComparesPastANul) {
  EXPECT_FALSE(iequals("a\0b"sv, "a\0c"sv));
  EXPECT_TRUE(iequals("A\0B"sv, "a\0b"sv));
}

}  // namespace
}  // namespace focusd
