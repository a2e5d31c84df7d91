#pragma once
// Typed reads of JSON request members. Each error is InvalidArgument naming
// the field, so every body in the API reports bad input the same way.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace focusd::json_read {

Result<bool> boolean(const boost::json::value& v, std::string_view field);
// A JSON integer (not a float, not a string) within [min, max].
Result<std::int64_t> integer(const boost::json::value& v, std::string_view field, std::int64_t min, std::int64_t max);
// A positive 64-bit id.
Result<std::int64_t> id(const boost::json::value& v, std::string_view field);
// A string of at most max_bytes.
Result<std::string> text(const boost::json::value& v, std::string_view field, std::size_t max_bytes);
// An array of positive ids, duplicates dropped, at most max_items.
Result<std::vector<std::int64_t>> ids(const boost::json::value& v, std::string_view field, std::size_t max_items = 100);
// A name: a non-null string, trimmed of surrounding white space, 1..max_bytes,
// without control characters.
Result<std::string> name(const boost::json::value& v, std::string_view field, std::size_t max_bytes = 255);
// A calendar date YYYY-MM-DD.
Result<std::string> date(const boost::json::value& v, std::string_view field);

// JSON null clears an optional field; anything else goes through `read`.
template <class T, class Reader>
Status nullable(const boost::json::value& v, std::optional<T>& target, Reader read) {
  if (v.is_null()) {
    target.reset();
    return Ok{};
  }
  auto value = read(v);
  if (!value) return value.error();
  target = std::move(*value);
  return Ok{};
}

// InvalidArgument naming the first member of `body` not in `allowed`.
Status only(const boost::json::object& body, std::initializer_list<std::string_view> allowed);

// True for what a client sends for "none" of a field: null, false, 0, "",
// [] or {} (a Swagger-generated client fills in a field it has no value for
// so, where focusd has no such thing to set).
bool is_none(const boost::json::value& v);

}  // namespace focusd::json_read
