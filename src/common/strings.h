#pragma once
// Small string helpers that several folders need, in one place.

#include <cstddef>
#include <string>
#include <string_view>

namespace focusd {

// ASCII case-insensitive equality (header names, schemes, tokens).
bool iequals(std::string_view a, std::string_view b);
// `s` with A-Z lowered (the ASCII case folding of names, emails and tokens).
std::string ascii_lower(std::string_view s);
// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace).
std::string_view trim(std::string_view s);
// Lower-case hex of `size` bytes, in constant time (fit for secrets).
std::string to_hex(const unsigned char* bytes, std::size_t size);

}  // namespace focusd
