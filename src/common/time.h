#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace focusd {

// RFC 3339 in UTC with a `Z`, second precision: 2026-11-22T15:04:05Z.
std::string to_rfc3339(std::chrono::system_clock::time_point t);
std::string now_rfc3339();

// True for a real calendar date written YYYY-MM-DD (leap years included).
bool is_calendar_date(std::string_view text);

// Parses an RFC 3339 timestamp (any offset, optional fraction) or a plain
// date (taken as midnight UTC) and returns it as RFC 3339 UTC with `Z`,
// second precision. nullopt when malformed.
std::optional<std::string> normalize_timestamp(std::string_view text);

// normalize_timestamp for a date-time only: a plain date is nullopt.
std::optional<std::string> normalize_date_time(std::string_view text);

// Seconds since 1970 of a timestamp that normalize_timestamp() accepts.
std::optional<std::int64_t> unix_seconds(std::string_view text);

// `seconds` after a timestamp that normalize_timestamp() accepts, as RFC 3339
// UTC with `Z`; nullopt past the year 9999.
std::optional<std::string> add_seconds(std::string_view text, std::int64_t seconds);

// The IMF-fixdate of the HTTP `Date` header, e.g. "Sun, 22 Nov 2026 15:04:05 GMT".
// Cached per second and per thread.
const std::string& http_date_now();

}  // namespace focusd
