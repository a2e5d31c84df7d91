#pragma once
// The spellings of an array field in a query string or a form: "names",
// "names[]" and "names[2]" all name the field "names"; the last also gives
// an index (an index too large for 64 bits reads as the largest value, so
// that it fails any limit).

#include <cstdint>
#include <optional>
#include <string_view>

namespace focusd {

struct FieldName {
  std::string_view base;
  std::optional<std::uint64_t> index;
};

inline FieldName parse_field_name(std::string_view key) {
  if (key.size() < 3 || key.back() != ']') return {key, std::nullopt};
  const auto open = key.find('[');
  if (open == std::string_view::npos || open == 0) return {key, std::nullopt};
  const std::string_view inside = key.substr(open + 1, key.size() - open - 2);
  if (inside.find_first_not_of("0123456789") != std::string_view::npos) return {key, std::nullopt};
  if (inside.empty()) return {key.substr(0, open), std::nullopt};
  std::uint64_t index = 0;
  for (char c : inside) {
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    index = index > (UINT64_MAX - digit) / 10 ? UINT64_MAX : index * 10 + digit;
  }
  return {key.substr(0, open), index};
}

}  // namespace focusd
