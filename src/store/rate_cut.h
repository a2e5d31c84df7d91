#pragma once
// What removing [from, to) from a project's rate timeline does to each rate,
// the same on every backend (each applies it with its own SQL): rates inside
// it go, rates across its edges are shortened, a rate around it is split in
// two (shortened, and its tail added as a new rate).

#include <optional>
#include <string>
#include <vector>

#include "store/records.h"

namespace focusd::sql {

struct RateCut {
  enum class Kind {
    End,     // the rate now ends at `at`
    Start,   // the rate now starts at `at`
    Remove,  // the rate goes
  };
  Kind kind;
  const RateRecord* rate;
  std::string at;
  std::optional<std::string> tail_from;  // with End: a copy of the rate from here to its old end is added
};

// a < b where an absent end means +infinity.
inline bool rate_before(const std::string& a, const std::optional<std::string>& b) {
  return !b || a < *b;
}

inline std::vector<RateCut> rate_cuts(const std::vector<RateRecord>& rates, const std::string& from,
                                      const std::optional<std::string>& to) {
  std::vector<RateCut> cuts;
  for (const auto& r : rates) {
    const bool overlaps = rate_before(r.start_at, to) && rate_before(from, r.end_at);
    if (!overlaps) continue;
    const bool keeps_head = r.start_at < from;
    const bool keeps_tail = to && rate_before(*to, r.end_at);
    if (keeps_head) {
      cuts.push_back({RateCut::Kind::End, &r, from, keeps_tail ? to : std::nullopt});
    } else if (keeps_tail) {
      cuts.push_back({RateCut::Kind::Start, &r, *to, std::nullopt});
    } else {
      cuts.push_back({RateCut::Kind::Remove, &r, "", std::nullopt});
    }
  }
  return cuts;
}

}  // namespace focusd::sql
