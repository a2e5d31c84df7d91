#include "api/errors.h"

#include <boost/json/serialize.hpp>

#include "api/json_util.h"

namespace focusd::api {

namespace {
struct Mapping {
  http::status status;
  const char* name;
};

// A case per code and no default: a new ErrorCode does not compile until it
// has its status and name here.
Mapping mapping(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return {http::status::bad_request, "validation"};
    case ErrorCode::Unauthenticated: return {http::status::unauthorized, "unauthorized"};
    case ErrorCode::QuotaExceeded: return {http::status::payment_required, "quota_exceeded"};
    case ErrorCode::Forbidden: return {http::status::forbidden, "forbidden"};
    case ErrorCode::NotFound: return {http::status::not_found, "not_found"};
    case ErrorCode::MethodNotAllowed: return {http::status::method_not_allowed, "method_not_allowed"};
    case ErrorCode::Conflict: return {http::status::conflict, "conflict"};
    case ErrorCode::PayloadTooLarge: return {http::status::payload_too_large, "payload_too_large"};
    case ErrorCode::UnsupportedMediaType: return {http::status::unsupported_media_type, "unsupported_media_type"};
    case ErrorCode::RangeNotSatisfiable: return {http::status::range_not_satisfiable, "range_not_satisfiable"};
    case ErrorCode::TooManyRequests: return {http::status::too_many_requests, "too_many_requests"};
    case ErrorCode::HeaderTooLarge: return {http::status::request_header_fields_too_large, "header_too_large"};
    case ErrorCode::Internal: return {http::status::internal_server_error, "internal"};
    case ErrorCode::NotImplemented: return {http::status::not_implemented, "not_implemented"};
    case ErrorCode::Unavailable: return {http::status::service_unavailable, "unavailable"};
    case ErrorCode::InsufficientStorage: return {http::status::insufficient_storage, "insufficient_storage"};
  }
  return {http::status::internal_server_error, "internal"};  // not an ErrorCode at all
}
}  // namespace

http::status http_status(ErrorCode code) {
  return mapping(code).status;
}

const char* error_name(ErrorCode code) {
  return mapping(code).name;
}

boost::json::object error_body(const Error& error, std::string_view trace_id) {
  boost::json::object body;
  body["error"] = error_name(error.code);
  body["error_description"] = error.description.empty() ? error_name(error.code) : error.description;
  if (!error.values.empty()) {
    boost::json::object values;
    for (const auto& [field, problem] : error.values) values[field] = problem;
    body["error_values"] = std::move(values);
  }
  body["trace_id"] = trace_id;
  return body;
}

Response error_response(const Error& error, std::string_view trace_id) {
  Response res = json_response(http_status(error.code), error_body(error, trace_id));
  if (error.code == ErrorCode::Unauthenticated) res.set(http::field::www_authenticate, "Basic realm=\"focusd\"");
  if (error.code == ErrorCode::Unavailable || error.code == ErrorCode::TooManyRequests) {
    res.set(http::field::retry_after, std::to_string(std::max(1, error.retry_after_seconds)));
  }
  return res;
}

}  // namespace focusd::api
