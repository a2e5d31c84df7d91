#pragma once
// A timestamp's text, held inline rather than on the heap. focusd stores times
// as RFC 3339 UTC with a `Z` ("2026-11-22T15:04:05Z", 20 characters): past
// libstdc++'s short-string buffer, so as a std::string each one is an
// allocation, and a page of 50 time entries holds 200 of them (a tenth of
// such a request went to allocating and freeing them). It converts to and
// from strings implicitly, so code reads it as text.
//
//   Timestamp start = now_rfc3339();
//   unix_seconds(start);           // any std::string_view parameter
//   std::string copy = start.str();

#include <algorithm>
#include <array>
#include <compare>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace focusd {

class Timestamp {
 public:
  // Room for the stored form and more (milliseconds and an offset make 29), in
  // the size of a std::string. Longer text is no timestamp focusd writes: it
  // throws std::length_error.
  static constexpr std::size_t kCapacity = 31;

  Timestamp() = default;
  Timestamp(std::string_view text) {  // NOLINT(google-explicit-constructor): text in, text out
    if (text.size() > kCapacity) throw std::length_error("a timestamp of " + std::to_string(text.size()) + " bytes");
    std::copy(text.begin(), text.end(), text_.begin());
    size_ = static_cast<std::uint8_t>(text.size());
  }
  Timestamp(const std::string& text) : Timestamp(std::string_view(text)) {}  // NOLINT(google-explicit-constructor)
  Timestamp(const char* text) : Timestamp(std::string_view(text)) {}         // NOLINT(google-explicit-constructor)

  operator std::string_view() const { return {text_.data(), size_}; }  // NOLINT(google-explicit-constructor)
  std::string_view view() const { return *this; }
  std::string str() const { return std::string(view()); }
  bool empty() const { return size_ == 0; }

  friend bool operator==(const Timestamp& a, const Timestamp& b) { return a.view() == b.view(); }
  friend std::strong_ordering operator<=>(const Timestamp& a, const Timestamp& b) { return a.view() <=> b.view(); }

 private:
  std::array<char, kCapacity> text_{};
  std::uint8_t size_ = 0;
};

}  // namespace focusd
