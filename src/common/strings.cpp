#include "common/strings.h"

#include <algorithm>

namespace focusd {

namespace {
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

// Every byte compared, a NUL too (strncasecmp stops at one).
bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

namespace {
// A nibble's hex digit without a branch or a table lookup (as libsodium's
// sodium_bin2hex): keys and tokens are made of these digits.
char hex_digit(unsigned nibble) {
  return static_cast<char>(87U + nibble + (((nibble - 10U) >> 8) & ~38U));
}
}  // namespace

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    hex += hex_digit(bytes[i] >> 4);
    hex += hex_digit(bytes[i] & 15U);
  }
  return hex;
}

}  // namespace focusd
