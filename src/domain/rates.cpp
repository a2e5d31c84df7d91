#include "domain/rates.h"

namespace focusd::domain {

std::optional<RateRecord> rate_at(const std::vector<RateRecord>& rates, const std::string& now) {
  for (const auto& rate : rates) {
    if (rate.start_at <= now && (!rate.end_at || now < *rate.end_at)) return rate;
  }
  return std::nullopt;
}

}  // namespace focusd::domain
