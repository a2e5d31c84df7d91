#pragma once
// Builds an ORDER BY clause from validated order keys through a whitelist of
// field -> SQL expression, always ending with the id so pages are stable.
// Plain SQL, for both backends; the expressions are each backend's own. (NULL
// sorts first on SQLite and last on PostgreSQL: PostgreSQL's clauses say
// where it goes, `nulls_first`, so that both backends order alike.)

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/listing.h"

namespace focusd::sql {

using OrderColumns = std::vector<std::pair<std::string_view, std::string_view>>;

// The expressions an order sorts by, each with whether it descends: the
// order's fields through `columns`, else `fallback` when it is not empty.
// Fields missing from `columns` are skipped (the API layer rejects them first).
inline std::vector<std::pair<std::string_view, bool>> order_keys(const Ordering& order, const OrderColumns& columns,
                                                                 std::string_view fallback) {
  std::vector<std::pair<std::string_view, bool>> keys;
  for (const auto& key : order) {
    for (const auto& [field, expression] : columns) {
      if (field == key.field) keys.emplace_back(expression, key.descending);
    }
  }
  if (keys.empty() && !fallback.empty()) keys.emplace_back(fallback, false);
  return keys;
}

// How one key sorts: " DESC" when it descends; with `nulls_first` (for
// PostgreSQL) NULL also goes where SQLite puts it, below every value.
inline std::string direction(bool descending, bool nulls_first) {
  if (!nulls_first) return descending ? " DESC" : "";
  return descending ? " DESC NULLS LAST" : " NULLS FIRST";
}

// " ORDER BY" the order's keys (see order_keys) and then `id_column`.
inline std::string order_clause(const Ordering& order, const OrderColumns& columns, std::string_view fallback,
                                std::string_view id_column, bool nulls_first = false) {
  std::string clause;
  auto add = [&clause, nulls_first](std::string_view expression, bool descending) {
    clause += clause.empty() ? " ORDER BY " : ", ";
    clause += expression;
    clause += direction(descending, nulls_first);
  };
  for (const auto& [expression, descending] : order_keys(order, columns, fallback)) add(expression, descending);
  add(id_column, false);
  return clause;
}

}  // namespace focusd::sql
