#include "api/json_util.h"

#include <boost/json/parse.hpp>

#include "api/json_writer.h"

namespace focusd::api {

Response json_response(http::status status, const boost::json::value& body) {
  return json_text_response(status, to_json(body));
}

Response json_text_response(http::status status, std::string body) {
  Response res{status, 11};
  res.set(http::field::content_type, kJsonContentType);
  res.body() = std::move(body);
  return res;
}

namespace {

Result<boost::json::value> parse_json(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) return invalid("body", "malformed JSON: " + ec.message());
  return value;
}

}  // namespace

bool says_nothing(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return true;
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(body, ec);
  return !ec && (value.is_null() || (value.is_object() && value.get_object().empty()));
}

Result<boost::json::object> parse_json_object(std::string_view body) {
  auto value = parse_json(body);
  if (!value) return value.error();
  if (!value->is_object()) return invalid("body", "must be a JSON object");
  return std::move(value->as_object());
}

Result<boost::json::array> parse_json_array(std::string_view body) {
  auto value = parse_json(body);
  if (!value) return value.error();
  if (!value->is_array()) return invalid("body", "must be a JSON array");
  return std::move(value->as_array());
}

}  // namespace focusd::api
