#pragma once
// focusd's log: one line per event on stderr, as text ("msg key=value …") or
// as JSON objects, through spdlog. Callers pass fields; nothing here ever
// receives a password, key or Authorization header, and nothing may pass one.

#include <spdlog/spdlog.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace focusd::logging {

// level: trace|debug|info|warn|error|off; format: text|json.
void init(const std::string& level, const std::string& format);

using Field = std::pair<std::string_view, std::string>;
void event(spdlog::level::level_enum level, std::string_view message, std::initializer_list<Field> fields = {});

struct AccessEntry {
  std::string_view method;
  std::string_view path;  // without the query string: queries may carry tokens
  unsigned status = 0;
  std::uint64_t bytes = 0;
  std::int64_t duration_us = 0;
  std::string_view request_id;
  std::int64_t user_id = 0;  // 0 = anonymous
};
void access(const AccessEntry& entry);

}  // namespace focusd::logging
