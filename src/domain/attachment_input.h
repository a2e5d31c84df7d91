#pragma once
// The rules of an attachment's own fields: its name (the rules of JSON names)
// and its display order, a number within ±kMaxDisplayOrder (whole numbers
// stay exact in a double). Upload forms read them from form fields
// (api/upload_form); the update body reads them here.

#include <boost/json/object.hpp>
#include <string>

#include "common/result.h"

namespace focusd::domain {

inline constexpr double kMaxDisplayOrder = 1e15;

// True for a whole number within ±kMaxDisplayOrder (the attachment's
// display_order is an integer; 2.0 is one).
bool is_display_order(double value);
// The error for a display order that is not one, naming `field`.
Error invalid_display_order(std::string field);

// PUT …/attachments/{id}: {name, display_order}, both required.
struct AttachmentPatch {
  std::string name;
  double display_order = 0;
};
Result<AttachmentPatch> read_attachment_patch(const boost::json::object& body);

}  // namespace focusd::domain
