#include "domain/catalog_input.h"

#include <utility>

#include "common/json_read.h"
#include "domain/project_input.h"

namespace focusd::domain {

namespace {
constexpr std::size_t kMaxName = 255;
}  // namespace

const char* extra_field(Catalog catalog) {
  return catalog == Catalog::Clients ? "currency" : "color";
}

Result<CatalogInput> read_catalog_input(const boost::json::object& body, Catalog catalog) {
  const char* extra_name = extra_field(catalog);
  if (auto known = json_read::only(body, {"name", extra_name}); !known) return known.error();
  CatalogInput in;
  const auto* name = body.if_contains("name");
  if (!name) return invalid("name", "is required");
  auto text = json_read::name(*name, "name", kMaxName);
  if (!text) return text.error();
  in.name = std::move(*text);
  const auto* extra = body.if_contains(extra_name);
  if (!extra || extra->is_null()) {
    if (catalog == Catalog::Tags) return invalid(extra_name, "is required");
    return in;
  }
  if (!extra->is_string()) return invalid(extra_name, "must be a string");
  std::string value(extra->as_string());
  if (catalog == Catalog::Clients && !is_currency_code(value)) {
    return invalid("currency", "must be an ISO 4217 currency code such as EUR");
  }
  if (catalog == Catalog::Tags && !is_hex_color(value)) return invalid("color", "must be a color #rrggbb");
  in.extra = std::move(value);
  return in;
}

}  // namespace focusd::domain
