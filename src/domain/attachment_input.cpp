#include "domain/attachment_input.h"

#include <cmath>
#include <utility>

#include "common/json_read.h"

namespace focusd::domain {

bool is_display_order(double value) {
  return std::isfinite(value) && std::fabs(value) <= kMaxDisplayOrder && value == std::trunc(value);
}

Error invalid_display_order(std::string field) {
  return invalid(std::move(field), "must be a whole number between -1e15 and 1e15");
}

Result<AttachmentPatch> read_attachment_patch(const boost::json::object& body) {
  if (auto known = json_read::only(body, {"name", "display_order"}); !known) return known.error();
  if (!body.contains("name")) return invalid("name", "is required");
  if (!body.contains("display_order")) return invalid("display_order", "is required");
  auto name = json_read::name(body.at("name"), "name");
  if (!name) return name.error();
  const auto& order = body.at("display_order");
  if (!order.is_number() || !is_display_order(order.to_number<double>())) {
    return invalid_display_order("display_order");
  }
  return AttachmentPatch{std::move(*name), order.to_number<double>()};
}

}  // namespace focusd::domain
