#include "common/json_read.h"

#include <algorithm>

#include "common/time.h"

namespace focusd::json_read {

namespace {
Error bad(std::string_view field, std::string problem) {
  return invalid(std::string(field), std::move(problem));
}
}  // namespace

Result<bool> boolean(const boost::json::value& v, std::string_view field) {
  if (!v.is_bool()) return bad(field, "must be true or false");
  return v.as_bool();
}

Result<std::int64_t> integer(const boost::json::value& v, std::string_view field, std::int64_t min, std::int64_t max) {
  if (!v.is_int64() && !v.is_uint64()) return bad(field, "must be an integer");
  if (v.is_uint64() && v.as_uint64() > static_cast<std::uint64_t>(max)) return bad(field, "is out of range");
  const std::int64_t n = v.is_int64() ? v.as_int64() : static_cast<std::int64_t>(v.as_uint64());
  if (n < min || n > max) return bad(field, "must be from " + std::to_string(min) + " to " + std::to_string(max));
  return n;
}

Result<std::int64_t> id(const boost::json::value& v, std::string_view field) {
  if ((v.is_int64() && v.as_int64() > 0) || (v.is_uint64() && v.as_uint64() <= INT64_MAX)) {
    return v.is_int64() ? v.as_int64() : static_cast<std::int64_t>(v.as_uint64());
  }
  return bad(field, "must be a positive 64-bit id");
}

Result<std::string> text(const boost::json::value& v, std::string_view field, std::size_t max_bytes) {
  if (!v.is_string()) return bad(field, "must be a string");
  if (v.as_string().size() > max_bytes) return bad(field, "must be at most " + std::to_string(max_bytes) + " bytes");
  return std::string(v.as_string());
}

Result<std::string> name(const boost::json::value& v, std::string_view field, std::size_t max_bytes) {
  if (v.is_null()) return bad(field, "must not be null");
  auto value = text(v, field, max_bytes);
  if (!value) return value.error();
  const auto first = value->find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return bad(field, "must not be empty");
  std::string trimmed = value->substr(first, value->find_last_not_of(" \t\r\n") - first + 1);
  for (std::size_t i = 0; i < trimmed.size(); ++i) {
    const auto c = static_cast<unsigned char>(trimmed[i]);
    const bool c1 = c == 0xc2 && i + 1 < trimmed.size() && static_cast<unsigned char>(trimmed[i + 1]) < 0xa0;
    if (c < 0x20 || c == 0x7f || c1) return bad(field, "must not contain control characters");
  }
  return trimmed;
}

Result<std::string> date(const boost::json::value& v, std::string_view field) {
  auto value = text(v, field, 10);
  if (!value || !is_calendar_date(*value)) return bad(field, "must be a date YYYY-MM-DD");
  return value;
}

Result<std::vector<std::int64_t>> ids(const boost::json::value& v, std::string_view field, std::size_t max_items) {
  if (!v.is_array()) return bad(field, "must be an array of ids");
  if (v.as_array().size() > max_items) return bad(field, "must have at most " + std::to_string(max_items) + " ids");
  std::vector<std::int64_t> result;
  for (const auto& item : v.as_array()) {
    auto one = id(item, field);
    if (!one) return one.error();
    if (std::find(result.begin(), result.end(), *one) == result.end()) result.push_back(*one);
  }
  return result;
}

bool is_none(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return true;
    case boost::json::kind::bool_: return !v.get_bool();
    case boost::json::kind::int64: return v.get_int64() == 0;
    case boost::json::kind::uint64: return v.get_uint64() == 0;
    case boost::json::kind::double_: return v.get_double() == 0;
    case boost::json::kind::string: return v.get_string().empty();
    case boost::json::kind::array: return v.get_array().empty();
    case boost::json::kind::object: return v.get_object().empty();
  }
  return false;
}

Status only(const boost::json::object& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& member : body) {
    if (std::find(allowed.begin(), allowed.end(), member.key()) == allowed.end()) {
      return bad(member.key(), "is not a field of this request");
    }
  }
  return Ok{};
}

}  // namespace focusd::json_read
