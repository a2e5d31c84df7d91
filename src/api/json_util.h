#pragma once
// JSON helpers for handlers: building responses and reading request bodies.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "api/types.h"
#include "common/result.h"

namespace focusd::api {

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

Response json_response(http::status status, const boost::json::value& body);
// The same for JSON already written as text (api/json_writer.h).
Response json_text_response(http::status status, std::string body);

// Parses a request body that must be a JSON object. InvalidArgument (naming
// "body") for malformed JSON or another JSON type.
Result<boost::json::object> parse_json_object(std::string_view body);
// The same for a body that must be a JSON array.
Result<boost::json::array> parse_json_array(std::string_view body);
// True for what clients send for "no body": nothing (or whitespace), `{}` or `null`.
bool says_nothing(std::string_view body);

}  // namespace focusd::api
