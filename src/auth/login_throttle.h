#pragma once
// Counts failed password logins per client address and per (address, account)
// in fixed windows, so that guessing is refused (429) before any Argon2id work.
// Only password logins that no cache vouched for are ever refused: API keys
// and cached successes never reach the throttle, and there is no lockout of an
// account as such (it would let anyone lock a user out), only of a pair.
//
// The rule: a login for `account` from `address` is refused while the pair has
// had `max_failures` failures in its window, or while the address has had
// `max_failures` failures (over all accounts) in its window and the pair at
// least one. An address that guesses at many accounts gets one guess at each.
//
// Bounded: at most `max_tracked` keys are kept. When full, expired windows are
// dropped, and if none has expired, all of them: a flood of distinct keys makes
// the throttle forget, never grow. Thread-safe.

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace focusd::auth {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  // max_failures 0 turns the throttle off.
  LoginThrottle(std::size_t max_failures, std::chrono::seconds window, std::size_t max_tracked = 65536);

  // How long a login for `account` from `address` must wait; zero when it may go on.
  std::chrono::seconds wait(std::string_view address, std::string_view account, Clock::time_point now = Clock::now());
  void record_failure(std::string_view address, std::string_view account, Clock::time_point now = Clock::now());

 private:
  struct Window {
    Clock::time_point start;
    std::size_t failures = 0;
  };
  // The failures of a key in its current window (0 when it has expired), and when that window ends.
  std::pair<std::size_t, Clock::time_point> current(const std::string& key, Clock::time_point now) const;
  void count(const std::string& key, Clock::time_point now);

  std::size_t max_failures_;
  std::chrono::seconds window_;
  std::size_t max_tracked_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

// The key a client address is throttled under: the address itself, or for an
// IPv6 address its /64 prefix (one host usually holds the whole /64).
std::string throttle_key(const boost::asio::ip::address& address);

}  // namespace focusd::auth
