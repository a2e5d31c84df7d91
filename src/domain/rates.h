#pragma once
// A project's rates: reading a new rate from its request body, and the
// timeline's rate at an instant.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace focusd::domain {

// POST …/rates: {hourly_rate >= 0, currency (ISO 4217), start_at, end_at? > start_at};
// times are RFC 3339 or YYYY-MM-DD, kept as RFC 3339 UTC.
Result<NewRate> read_rate_input(const boost::json::object& body);

// The rate in force at `now` (RFC 3339 UTC), if any.
std::optional<RateRecord> rate_at(const std::vector<RateRecord>& rates, const std::string& now);

}  // namespace focusd::domain
