#include "auth/login_throttle.h"

#include <algorithm>

#include "common/strings.h"

namespace focusd::auth {

namespace {

std::string pair_key(std::string_view address, std::string_view account) {
  std::string key(address);
  key.push_back('\0');
  key += ascii_lower(account);
  return key;
}

}  // namespace

LoginThrottle::LoginThrottle(std::size_t max_failures, std::chrono::seconds window, std::size_t max_tracked)
    : max_failures_(max_failures), window_(window), max_tracked_(max_tracked) {}

std::pair<std::size_t, LoginThrottle::Clock::time_point> LoginThrottle::current(const std::string& key,
                                                                                Clock::time_point now) const {
  auto it = windows_.find(key);
  if (it == windows_.end() || it->second.start + window_ <= now) return {0, now};
  return {it->second.failures, it->second.start + window_};
}

std::chrono::seconds LoginThrottle::wait(std::string_view address, std::string_view account, Clock::time_point now) {
  if (max_failures_ == 0) return std::chrono::seconds(0);
  std::lock_guard lock(mutex_);
  const auto [pair_failures, pair_end] = current(pair_key(address, account), now);
  const auto [address_failures, address_end] = current(std::string(address), now);
  Clock::time_point until = now;
  if (pair_failures >= max_failures_) until = pair_end;
  if (address_failures >= max_failures_ && pair_failures > 0) until = std::max(until, address_end);
  if (until <= now) return std::chrono::seconds(0);
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void LoginThrottle::record_failure(std::string_view address, std::string_view account, Clock::time_point now) {
  if (max_failures_ == 0) return;
  std::lock_guard lock(mutex_);
  if (windows_.size() + 2 > max_tracked_) {
    std::erase_if(windows_, [&](const auto& entry) { return entry.second.start + window_ <= now; });
    if (windows_.size() + 2 > max_tracked_) windows_.clear();
  }
  count(pair_key(address, account), now);
  count(std::string(address), now);
}

void LoginThrottle::count(const std::string& key, Clock::time_point now) {
  Window& window = windows_[key];
  if (window.failures == 0 || window.start + window_ <= now) window = Window{now, 0};
  ++window.failures;
}

std::string throttle_key(const boost::asio::ip::address& address) {
  if (!address.is_v6() || address.to_v6().is_v4_mapped()) return address.to_string();
  auto bytes = address.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace focusd::auth
