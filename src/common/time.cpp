#include "common/time.h"

#include <charconv>
#include <ctime>
#include <optional>

namespace focusd {

namespace {
std::optional<int> parse_number(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

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

bool is_calendar_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto year = parse_number(s.substr(0, 4));
  auto month = parse_number(s.substr(5, 2));
  auto day = parse_number(s.substr(8, 2));
  if (!year || !month || !day || *year < 1 || *month < 1 || *month > 12 || *day < 1) return false;
  if (s.substr(0, 4).find_first_not_of("0123456789") != std::string_view::npos) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
  const int last = kDays[*month - 1] + (*month == 2 && leap ? 1 : 0);
  return *day <= last;
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
