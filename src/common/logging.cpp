#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace focusd::logging {

namespace {
bool json_format = false;

std::string quoted(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

bool needs_quotes(std::string_view text) {
  if (text.empty()) return true;
  for (char c : text) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}
}  // namespace

void init(const std::string& level, const std::string& format) {
  json_format = format == "json";
  auto logger = spdlog::stderr_logger_mt("focusd");
  logger->set_level(spdlog::level::from_str(level));
  logger->set_pattern(
      json_format ? R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})" : "%Y-%m-%dT%H:%M:%S.%fZ %l %v",
      spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void event(spdlog::level::level_enum level, std::string_view message, std::initializer_list<Field> fields) {
  if (!spdlog::should_log(level)) return;
  std::string line;
  if (json_format) {
    line = "\"msg\":" + quoted(message);
    for (const auto& [key, value] : fields) line += ",\"" + std::string(key) + "\":" + quoted(value);
  } else {
    line = message;
    for (const auto& [key, value] : fields) {
      line += ' ';
      line += key;
      line += '=';
      line += needs_quotes(value) ? quoted(value) : value;
    }
  }
  spdlog::log(level, "{}", line);
}

void access(const AccessEntry& e) {
  event(spdlog::level::info, "request",
        {{"method", std::string(e.method)},
         {"path", std::string(e.path)},
         {"status", std::to_string(e.status)},
         {"bytes", std::to_string(e.bytes)},
         {"duration_us", std::to_string(e.duration_us)},
         {"request_id", std::string(e.request_id)},
         {"user_id", std::to_string(e.user_id)}});
}

}  // namespace focusd::logging
