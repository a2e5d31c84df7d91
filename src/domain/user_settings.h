#pragma once
// The user settings document of GET/PATCH /api/users/me/settings: which
// fields exist (those of the Swagger's models.UserSettings), their types,
// allowed values and defaults. No HTTP, no SQL.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/store.h"

namespace focusd::domain {

// Checks a PATCH body: every member must be a known setting with the right
// type and an allowed value (`timezone`: an IANA name), or null (which resets
// it to its default).
// InvalidArgument names the first offending field.
Status validate_settings_patch(const boost::json::object& patch);

// The stored document with a validated patch applied (nulls remove members).
boost::json::object apply_settings_patch(boost::json::object stored, const boost::json::object& patch);

// The stored document merged over the defaults, as GET returns it.
// `tos_ack_decoupled_licenses` lists each of the user's organizations (its id
// as the key) with when they joined it, under what the user stored for a key.
boost::json::object effective_settings(const boost::json::object& stored,
                                       const std::vector<Membership>& memberships = {});

// True for "UTC" and the names of Debian's time zone database
// (/usr/share/zoneinfo, package tzdata), e.g. "Europe/Tallinn".
bool is_iana_timezone(std::string_view name);

// The `timezone` setting (an IANA name) of a stored settings document, its
// default ("UTC") when unset or the document is unreadable.
std::string timezone_setting(std::string_view stored);

}  // namespace focusd::domain
