#pragma once
// Where a catalog (clients, tags) lives in SQL, the same on every backend:
// its table, the column behind CatalogItem::extra, and the noun for messages.

#include <string>

#include "store/records.h"

namespace focusd {

struct CatalogTable {
  const char* name;   // SQL table
  const char* extra;  // SQL column behind CatalogItem::extra
  const char* noun;   // for messages
};

inline CatalogTable catalog_table(Catalog catalog) {
  return catalog == Catalog::Clients ? CatalogTable{"clients", "currency", "client"}
                                     : CatalogTable{"tags", "color", "tag"};
}

// The columns a CatalogItem is read from, in its order.
inline std::string catalog_columns(const CatalogTable& t) {
  return std::string("id, workspace_id, name, ") + t.extra + ", creator_id, created_at, updated_at, deleted_at";
}

}  // namespace focusd
