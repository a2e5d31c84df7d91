#pragma once
// The one mapping from ErrorCode to HTTP status and the Focus error body:
// {"error", "error_description", "error_values"?, "trace_id"}.
// Handlers return Errors; only this file turns them into responses.

#include <boost/json/object.hpp>
#include <string_view>

#include "api/types.h"
#include "common/result.h"

namespace focusd::api {

http::status http_status(ErrorCode code);
// The `error` member of the body, e.g. "validation", "not_found".
const char* error_name(ErrorCode code);
boost::json::object error_body(const Error& error, std::string_view trace_id);
// A complete JSON error response; adds WWW-Authenticate to 401s and
// Retry-After to 503s.
Response error_response(const Error& error, std::string_view trace_id);

}  // namespace focusd::api
