#include "domain/rates.h"

#include "common/json_read.h"
#include "common/time.h"
#include "domain/project_input.h"

namespace focusd::domain {

namespace {

constexpr std::size_t kMaxTimeBytes = 64;

Result<std::string> read_time(const boost::json::value& v, const char* field) {
  auto text = json_read::text(v, field, kMaxTimeBytes);
  if (!text) return text.error();
  auto normalized = normalize_timestamp(*text);
  if (!normalized) return invalid(field, "must be an RFC 3339 timestamp or a date YYYY-MM-DD");
  return *normalized;
}

}  // namespace

Result<NewRate> read_rate_input(const boost::json::object& body) {
  if (auto known = json_read::only(body, {"hourly_rate", "currency", "start_at", "end_at"}); !known) {
    return known.error();
  }
  NewRate rate;
  const auto* hourly = body.if_contains("hourly_rate");
  if (!hourly || !hourly->is_number()) return invalid("hourly_rate", "is required and must be a number");
  rate.hourly_rate = hourly->to_number<double>();
  if (!(rate.hourly_rate >= 0) || rate.hourly_rate > 1e12) {
    return invalid("hourly_rate", "must be a number from 0 to 1e12");
  }
  const auto* currency = body.if_contains("currency");
  if (!currency || !currency->is_string() || !is_currency_code(currency->as_string())) {
    return invalid("currency", "must be an ISO 4217 currency code such as EUR");
  }
  rate.currency = std::string(currency->as_string());
  const auto* start = body.if_contains("start_at");
  if (!start) return invalid("start_at", "is required");
  auto start_at = read_time(*start, "start_at");
  if (!start_at) return start_at.error();
  rate.start_at = *start_at;
  if (const auto* end = body.if_contains("end_at"); end && !end->is_null()) {
    auto end_at = read_time(*end, "end_at");
    if (!end_at) return end_at.error();
    if (*end_at <= rate.start_at) return invalid("end_at", "must be after start_at");
    rate.end_at = *end_at;
  }
  return rate;
}

std::optional<RateRecord> rate_at(const std::vector<RateRecord>& rates, const std::string& now) {
  for (const auto& rate : rates) {
    if (rate.start_at <= now && (!rate.end_at || now < *rate.end_at)) return rate;
  }
  return std::nullopt;
}

}  // namespace focusd::domain
