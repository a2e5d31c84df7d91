#include "http_semantics/semantics.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "common/strings.h"

namespace focusd::http_semantics {

namespace {

// Calls fn(item) for each comma-separated item of a header value.
template <class F>
void for_each_item(std::string_view value, F fn) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    fn(trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// Digits as a number; a number past 64 bits reads as the largest one (a
// range end beyond the file is clamped to it anyway).
std::optional<std::uint64_t> parse_u64(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) return UINT64_MAX;
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

bool wants_json(std::string_view accept, std::string_view mime_type) {
  bool json = false, file = false;
  const std::string_view family = mime_type.substr(0, mime_type.find('/'));
  for_each_item(accept, [&](std::string_view item) {
    const auto semicolon = item.find(';');
    const std::string_view range = trim(item.substr(0, semicolon));
    const std::string_view params = semicolon == std::string_view::npos ? "" : item.substr(semicolon);
    const bool refused =
        params.find("q=0") != std::string_view::npos && params.find_first_of("123456789") == std::string_view::npos;
    if (refused) return;
    if (iequals(range, "application/json")) json = true;
    if (iequals(range, mime_type) ||
        (range.size() == family.size() + 2 && iequals(range.substr(0, family.size()), family) &&
         range.substr(family.size()) == "/*")) {
      file = true;
    }
  });
  return json && !file;
}

bool matches_etag(std::string_view if_none_match, std::string_view etag) {
  bool match = false;
  for_each_item(if_none_match, [&](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    match = match || tag == "*" || tag == etag;
  });
  return match;
}

RangeAsk range_of(std::string_view header, std::uint64_t size) {
  header = trim(header);
  if (header.size() < 6 || !iequals(header.substr(0, 6), "bytes=") || header.find(',') != std::string_view::npos) {
    return {};
  }
  const std::string_view spec = trim(header.substr(6));
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const std::string_view from = trim(spec.substr(0, dash)), to = trim(spec.substr(dash + 1));
  if (from.empty()) {  // suffix: the last N bytes
    auto n = parse_u64(to);
    if (!n) return {};
    if (*n == 0 || size == 0) return {RangeAsk::Kind::Unsatisfiable, {}};
    const std::uint64_t length = std::min(*n, size);
    return {RangeAsk::Kind::Part, {size - length, length}};
  }
  auto first = parse_u64(from);
  if (!first) return {};
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!to.empty()) {
    auto given = parse_u64(to);
    if (!given || *given < *first) return {};
    last = std::min(last, *given);
  }
  if (*first >= size) return {RangeAsk::Kind::Unsatisfiable, {}};
  return {RangeAsk::Kind::Part, {*first, last - *first + 1}};
}

std::string content_disposition(std::string_view disposition, std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string fallback, encoded;
  for (unsigned char c : name) {
    const bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    const bool continuation = c >= 0x80 && c < 0xc0;  // one '_' per character, not per byte
    if (!continuation) fallback += plain ? static_cast<char>(c) : '_';
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return std::string(disposition) + "; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace focusd::http_semantics
