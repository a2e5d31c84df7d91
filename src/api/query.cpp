#include "api/query.h"

#include <algorithm>
#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>
#include <charconv>

#include "common/field_name.h"
#include "common/ids.h"
#include "common/time.h"

namespace focusd::api {

namespace {

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The name of the first parameter of `query` (what follows the '?') that the
// strict parser refuses, decoded as params() decodes names, where it can be
// read and is printable ASCII (as every parameter's is); else nullopt.
std::optional<std::string> malformed_param(std::string_view query) {
  for (std::size_t start = 0; start <= query.size();) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string_view piece = query.substr(start, end - start);
    start = end + 1;
    if (boost::urls::parse_query(piece)) continue;
    // (Not through parse_query's params: Boost 1.81 reads past the end of some, fuzz/query_fuzz.cpp found.)
    auto key = boost::urls::make_pct_string_view(piece.substr(0, piece.find('=')));
    if (!key) return std::nullopt;
    const boost::urls::decode_view decoded(*key, boost::urls::encoding_opts(true));
    const std::string name(decoded.begin(), decoded.end());
    const bool printable = std::all_of(name.begin(), name.end(), [](char c) { return c >= ' ' && c <= '~'; });
    if (name.empty() || !printable) return std::nullopt;
    return std::string(parse_field_name(name).base);
  }
  return std::nullopt;
}

}  // namespace

Result<Query> Query::parse(std::string_view target) {
  Query query;
  const auto question = target.find('?');
  if (question == std::string_view::npos) return query;
  // Clients send array brackets unencoded (x[]=1), which RFC 3986 does not
  // allow in a query; encode them so that the strict parser accepts them.
  std::string normalized(target);
  for (std::size_t at = normalized.find_first_of("[]", question); at != std::string::npos;
       at = normalized.find_first_of("[]", at)) {
    normalized.replace(at, 1, normalized[at] == '[' ? "%5B" : "%5D");
  }
  auto url = boost::urls::parse_origin_form(normalized);
  if (!url) {
    auto name = malformed_param(std::string_view(normalized).substr(question + 1));
    if (!name) return invalid("query", "malformed query string");
    return invalid(*name, "malformed URL encoding");
  }
  for (auto param : url->params()) {
    if (param.key.empty() && !param.has_value) continue;
    std::optional<std::string> value;
    if (param.has_value) value = std::string(param.value);
    const FieldName name = parse_field_name(param.key);
    query.params_.push_back(Param{std::string(name.base), name.index, std::move(value)});
  }
  return query;
}

bool Query::has(std::string_view name) const {
  for (const auto& [key, index, value] : params_) {
    if (key == name) return true;
  }
  return false;
}

Result<std::optional<std::string>> Query::text(std::string_view name) const {
  std::optional<std::string> found;
  bool seen = false;
  for (const auto& [key, index, value] : params_) {
    if (key != name) continue;
    if (seen) return invalid(std::string(name), "must be given once");
    seen = true;
    found = value.value_or("");
  }
  return found;
}

Result<std::optional<bool>> Query::boolean(std::string_view name) const {
  auto value = text(name);
  if (!value) return value.error();
  if (!*value) return std::optional<bool>();
  if (**value == "true" || **value == "1") return std::optional<bool>(true);
  if (**value == "false" || **value == "0") return std::optional<bool>(false);
  return invalid(std::string(name), "must be true or false");
}

Result<std::optional<std::string>> Query::date(std::string_view name) const {
  auto value = text(name);
  if (!value) return value.error();
  if (*value && !is_calendar_date(**value)) return invalid(std::string(name), "must be a date YYYY-MM-DD");
  return value;
}

Result<std::optional<std::string>> Query::date_time(std::string_view name) const {
  auto value = text(name);
  if (!value || !*value) return value;
  auto normalized = normalize_date_time(**value);
  if (!normalized) return invalid(std::string(name), "must be an RFC 3339 date-time, e.g. 2026-01-02T00:00:00Z");
  return normalized;
}

std::vector<std::string> Query::list(std::string_view name) const {
  std::vector<std::string> items;
  for (const auto& [key, index, value] : params_) {
    if (key != name || !value) continue;
    std::string_view rest = *value;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      if (!item.empty()) items.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return items;
}

std::vector<Query::Indexed> Query::indexed(std::string_view name) const {
  std::vector<Indexed> items;
  for (const auto& [key, index, value] : params_) {
    if (key == name) items.push_back(Indexed{index, value.value_or("")});
  }
  return items;
}

bool Query::has_empty(std::string_view name) const {
  return std::any_of(params_.begin(), params_.end(),
                     [&](const Param& p) { return p.key == name && (!p.value || p.value->empty()); });
}

Status Query::booleans(std::initializer_list<std::string_view> names) const {
  for (auto name : names) {
    if (auto value = boolean(name); !value) return value.error();
  }
  return Ok{};
}

Result<std::vector<std::int64_t>> Query::ids(std::string_view name) const {
  std::vector<std::int64_t> result;
  for (const auto& item : list(name)) {
    auto id = parse_id(item);
    if (!id) return invalid(std::string(name), "must be positive 64-bit integers");
    result.push_back(*id);
  }
  return result;
}

Result<std::optional<std::int64_t>> Query::integer(std::string_view name, std::int64_t min, std::int64_t max) const {
  auto given = text(name);
  if (!given) return given.error();
  if (!*given) return std::optional<std::int64_t>();
  auto value = parse_int(**given);
  if (!value || *value < min || *value > max) {
    return invalid(std::string(name), "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Result<Page> Query::page(std::int64_t max_per_page) const {
  Page page;
  auto number = text("page");
  if (!number) return number.error();
  if (*number) {
    auto value = parse_int(**number);
    if (!value || *value < 1 || *value > 1000000000) {
      return invalid("page", "must be an integer from 1 to 1000000000");
    }
    page.page = *value;
  }
  auto size = text("per_page");
  if (!size) return size.error();
  if (*size) {
    auto value = parse_int(**size);
    if (!value || *value < 1 || *value > max_per_page) {
      return invalid("per_page", "must be an integer from 1 to " + std::to_string(max_per_page));
    }
    page.per_page = *value;
  }
  return page;
}

Result<Ordering> Query::order_by(const std::vector<std::string_view>& allowed) const {
  Ordering keys;
  for (const auto& item : list("order_by")) {
    OrderKey key{item, false};
    if (!item.empty() && item.front() == '-') {
      key.descending = true;
      key.field = item.substr(1);
    }
    bool known = false;
    for (auto field : allowed) known = known || field == key.field;
    if (!known) {
      std::string names;
      for (auto field : allowed) names += (names.empty() ? "" : ", ") + std::string(field);
      return invalid("order_by", "unknown field '" + key.field + "'; allowed: " + names);
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace focusd::api
