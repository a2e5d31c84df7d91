#pragma once
// Typed access to a request's query string. Array parameters accept the three
// spellings clients use: `x=a,b`, `x[]=a&x[]=b` and `x=a&x=b` (also `x[0]=a`).
// Every getter reports a malformed value as InvalidArgument naming the parameter.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/listing.h"
#include "common/result.h"

namespace focusd::api {

class Query {
 public:
  // Parses the query part of a request target (percent- and '+'-decoded).
  static Result<Query> parse(std::string_view target);

  // True when the parameter appears at all (with or without a value).
  bool has(std::string_view name) const;
  // A single-valued parameter; InvalidArgument when it is given more than once.
  Result<std::optional<std::string>> text(std::string_view name) const;
  // "true"/"false" (or "1"/"0"); nullopt when absent.
  Result<std::optional<bool>> boolean(std::string_view name) const;
  // An integer within [min, max]; nullopt when absent.
  Result<std::optional<std::int64_t>> integer(std::string_view name, std::int64_t min, std::int64_t max) const;
  // A calendar date YYYY-MM-DD; nullopt when absent.
  Result<std::optional<std::string>> date(std::string_view name) const;
  // An RFC 3339 date-time with any offset, as UTC with `Z`; nullopt when absent.
  Result<std::optional<std::string>> date_time(std::string_view name) const;
  // All values of an array parameter, comma lists split, empty items dropped.
  std::vector<std::string> list(std::string_view name) const;
  // Every value of a parameter in the order given, as it is (no comma split),
  // with the index of its `x[3]` spelling.
  struct Indexed {
    std::optional<std::uint64_t> index;
    std::string value;
  };
  std::vector<Indexed> indexed(std::string_view name) const;
  // An array of positive 64-bit ids.
  Result<std::vector<std::int64_t>> ids(std::string_view name) const;
  // True when one of the parameter's values is empty (`x=`): the Swagger's
  // "also those without one" of an id filter.
  bool has_empty(std::string_view name) const;
  // Each of these parameters, when given, must be a boolean (flags that
  // change nothing in focusd, checked all the same).
  Status booleans(std::initializer_list<std::string_view> names) const;
  // page >= 1 (default 1) and per_page in 1..max_per_page (default 50).
  Result<Page> page(std::int64_t max_per_page = 200) const;
  // order_by keys, each `field` or `-field` with field in `allowed`.
  Result<Ordering> order_by(const std::vector<std::string_view>& allowed) const;

 private:
  struct Param {
    std::string key;  // without [] or [n]
    std::optional<std::uint64_t> index;
    std::optional<std::string> value;
  };
  std::vector<Param> params_;
};

}  // namespace focusd::api
