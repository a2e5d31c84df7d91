#pragma once
// The user settings document of GET/PATCH /api/users/me/settings: which
// fields exist (those of the Swagger's models.UserSettings), their types,
// allowed values and defaults. No HTTP, no SQL.

#include <boost/json/object.hpp>

#include "common/result.h"

namespace focusd::domain {

// Checks a PATCH body: every member must be a known setting with the right
// type and an allowed value, or null (which resets it to its default).
// InvalidArgument names the first offending field.
Status validate_settings_patch(const boost::json::object& patch);

// The stored document with a validated patch applied (nulls remove members).
boost::json::object apply_settings_patch(boost::json::object stored, const boost::json::object& patch);

// The stored document merged over the defaults, as GET returns it.
boost::json::object effective_settings(const boost::json::object& stored);

}  // namespace focusd::domain
