#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace focusd {

// Parses a focusd id: a positive 64-bit integer written in plain decimal digits
// (no sign, no spaces). Returns nullopt for anything else, including 0 and
// values above INT64_MAX.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace focusd
