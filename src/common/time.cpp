#include "common/time.h"

#include <ctime>

namespace focusd {

namespace {
std::string format_utc(std::time_t t, const char* pattern) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, pattern, &tm);
  return std::string(buf, n);
}
}  // namespace

std::string to_rfc3339(std::chrono::system_clock::time_point t) {
  return format_utc(std::chrono::system_clock::to_time_t(t), "%Y-%m-%dT%H:%M:%SZ");
}

std::string now_rfc3339() {
  return to_rfc3339(std::chrono::system_clock::now());
}

const std::string& http_date_now() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    cached_second = now;
    cached = format_utc(now, "%a, %d %b %Y %H:%M:%S GMT");
  }
  return cached;
}

}  // namespace focusd
