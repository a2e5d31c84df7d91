#pragma once
// Reads the body of a client or tag request (POST, PUT): {name, currency?}
// for clients (ISO 4217), {name, color} for tags (#rrggbb). InvalidArgument
// names the offending field; unknown members are refused.

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "common/result.h"
#include "store/records.h"

namespace focusd::domain {

struct CatalogInput {
  std::string name;
  std::optional<std::string> extra;  // CatalogItem::extra
};

// The JSON member that carries CatalogItem::extra: "currency" or "color".
const char* extra_field(Catalog catalog);

Result<CatalogInput> read_catalog_input(const boost::json::object& body, Catalog catalog);

}  // namespace focusd::domain
