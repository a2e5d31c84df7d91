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

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// The form focusd writes (to_rfc3339, YYYY-MM-DDTHH:MM:SSZ) read straight to
// seconds; nullopt for anything else, which takes the general path.
std::optional<std::int64_t> stored_form_seconds(std::string_view s) {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') {
    return std::nullopt;
  }
  const auto field = [&s](std::size_t at, std::size_t width) {
    int value = 0;
    for (std::size_t i = at; i < at + width; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      value = value * 10 + (s[i] - '0');
    }
    return value;
  };
  const int year = field(0, 4), month = field(5, 2), day = field(8, 2);
  const int hour = field(11, 2), minute = field(14, 2), second = field(17, 2);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return std::nullopt;
  return days_from_civil(year, month, day) * 86400 + std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second;
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

std::optional<std::string> normalize_timestamp(std::string_view s) {
  if (s.size() == 10) {
    if (!is_calendar_date(s)) return std::nullopt;
    return std::string(s) + "T00:00:00Z";
  }
  if (s.size() < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  if (!is_calendar_date(s.substr(0, 10))) return std::nullopt;
  auto hour = parse_number(s.substr(11, 2));
  auto minute = parse_number(s.substr(14, 2));
  auto second = parse_number(s.substr(17, 2));
  if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    const auto digits = rest.find_first_not_of("0123456789");
    if (digits == 0 || digits == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(digits);
  }
  int offset_minutes = 0;
  if (rest == "Z" || rest == "z") {
    offset_minutes = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    auto oh = parse_number(rest.substr(1, 2));
    auto om = parse_number(rest.substr(4, 2));
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (rest[0] == '+' ? 1 : -1) * (*oh * 60 + *om);
  } else {
    return std::nullopt;
  }
  const int year = *parse_number(s.substr(0, 4));
  if (year < 1000) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = *parse_number(s.substr(5, 2)) - 1;
  tm.tm_mday = *parse_number(s.substr(8, 2));
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  const std::time_t utc = timegm(&tm) - std::time_t{offset_minutes} * 60;
  return format_utc(utc, "%Y-%m-%dT%H:%M:%SZ");
}

std::optional<std::string> normalize_date_time(std::string_view text) {
  if (text.size() <= 10) return std::nullopt;
  return normalize_timestamp(text);
}

std::optional<std::int64_t> unix_seconds(std::string_view text) {
  if (auto seconds = stored_form_seconds(text)) return seconds;  // every stored time: no parse and format round trip
  const auto utc = normalize_timestamp(text);
  if (!utc) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *parse_number(std::string_view(*utc).substr(0, 4)) - 1900;
  tm.tm_mon = *parse_number(std::string_view(*utc).substr(5, 2)) - 1;
  tm.tm_mday = *parse_number(std::string_view(*utc).substr(8, 2));
  tm.tm_hour = *parse_number(std::string_view(*utc).substr(11, 2));
  tm.tm_min = *parse_number(std::string_view(*utc).substr(14, 2));
  tm.tm_sec = *parse_number(std::string_view(*utc).substr(17, 2));
  return static_cast<std::int64_t>(timegm(&tm));
}

std::optional<std::string> add_seconds(std::string_view text, std::int64_t seconds) {
  constexpr std::int64_t kLast = 253402300799;  // 9999-12-31T23:59:59Z
  const auto start = unix_seconds(text);
  if (!start || seconds > kLast - *start) return std::nullopt;
  return format_utc(static_cast<std::time_t>(*start + seconds), "%Y-%m-%dT%H:%M:%SZ");
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
