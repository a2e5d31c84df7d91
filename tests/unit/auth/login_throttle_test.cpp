// The login throttle's rule (auth/login_throttle.h) on a clock of our own.
#include "auth/login_throttle.h"

#include <gtest/gtest.h>

namespace focusd::auth {
namespace {

using namespace std::chrono_literals;
using Clock = LoginThrottle::Clock;

TEST(LoginThrottle, APairIsRefusedAfterTheLimitUntilItsWindowEnds) {
  LoginThrottle throttle(3, 60s);
  const auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(throttle.wait("10.0.0.1", "a@x", t0).count(), 0);
    throttle.record_failure("10.0.0.1", "a@x", t0);
  }
  EXPECT_EQ(throttle.wait("10.0.0.1", "a@x", t0 + 1s), 59s);
  EXPECT_EQ(throttle.wait("10.0.0.1", "A@X", t0 + 1s), 59s) << "accounts are case-insensitive";
  EXPECT_EQ(throttle.wait("10.0.0.2", "a@x", t0 + 1s).count(), 0) << "no lockout of the account itself";
  EXPECT_EQ(throttle.wait("10.0.0.1", "a@x", t0 + 60s).count(), 0) << "the window is over";
}

TEST(LoginThrottle, AnAddressOverTheLimitGetsOneGuessPerAccount) {
  LoginThrottle throttle(3, 60s);
  const auto t0 = Clock::now();
  for (const char* account : {"a@x", "b@x", "c@x"}) throttle.record_failure("10.0.0.1", account, t0);
  EXPECT_GT(throttle.wait("10.0.0.1", "a@x", t0).count(), 0) << "failed once from an address over its limit";
  EXPECT_EQ(throttle.wait("10.0.0.1", "d@x", t0).count(), 0) << "never failed from here: may try";
  EXPECT_EQ(throttle.wait("10.0.0.2", "a@x", t0).count(), 0) << "another address";
}

TEST(LoginThrottle, ZeroTurnsItOff) {
  LoginThrottle throttle(0, 60s);
  for (int i = 0; i < 100; ++i) throttle.record_failure("10.0.0.1", "a@x");
  EXPECT_EQ(throttle.wait("10.0.0.1", "a@x").count(), 0);
}

TEST(LoginThrottle, ItForgetsRatherThanGrows) {
  LoginThrottle throttle(1, 60s, 100);
  const auto t0 = Clock::now();
  for (int i = 0; i < 1000; ++i) throttle.record_failure("10.0.0." + std::to_string(i), "a@x", t0);
  // Still answers, and the latest failure is remembered.
  EXPECT_GT(throttle.wait("10.0.0.999", "a@x", t0).count(), 0);
}

TEST(LoginThrottle, Ipv6ClientsAreKeyedByTheirSlash64) {
  const auto a = boost::asio::ip::make_address("2001:db8:1:2:aaaa::1");
  const auto b = boost::asio::ip::make_address("2001:db8:1:2:bbbb::9");
  const auto c = boost::asio::ip::make_address("2001:db8:1:3::1");
  EXPECT_EQ(throttle_key(a), throttle_key(b));
  EXPECT_NE(throttle_key(a), throttle_key(c));
  EXPECT_EQ(throttle_key(boost::asio::ip::make_address("127.0.0.1")), "127.0.0.1");
}

}  // namespace
}  // namespace focusd::auth
