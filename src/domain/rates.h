#pragma once
// Reading a project's rate timeline.

#include <optional>
#include <string>
#include <vector>

#include "store/records.h"

namespace focusd::domain {

// The rate in force at `now` (RFC 3339 UTC), if any.
std::optional<RateRecord> rate_at(const std::vector<RateRecord>& rates, const std::string& now);

}  // namespace focusd::domain
