#include "api/errors.h"

#include <boost/json/serialize.hpp>

#include "api/json_util.h"

namespace focusd::api {

namespace {
struct Mapping {
  ErrorCode code;
  http::status status;
  const char* name;
};

constexpr Mapping kMappings[] = {
    {ErrorCode::InvalidArgument, http::status::bad_request, "validation"},
    {ErrorCode::Unauthenticated, http::status::unauthorized, "unauthorized"},
    {ErrorCode::QuotaExceeded, http::status::payment_required, "quota_exceeded"},
    {ErrorCode::Forbidden, http::status::forbidden, "forbidden"},
    {ErrorCode::NotFound, http::status::not_found, "not_found"},
    {ErrorCode::MethodNotAllowed, http::status::method_not_allowed, "method_not_allowed"},
    {ErrorCode::Conflict, http::status::conflict, "conflict"},
    {ErrorCode::PayloadTooLarge, http::status::payload_too_large, "payload_too_large"},
    {ErrorCode::UnsupportedMediaType, http::status::unsupported_media_type, "unsupported_media_type"},
    {ErrorCode::RangeNotSatisfiable, http::status::range_not_satisfiable, "range_not_satisfiable"},
    {ErrorCode::TooManyRequests, http::status::too_many_requests, "too_many_requests"},
    {ErrorCode::HeaderTooLarge, http::status::request_header_fields_too_large, "header_too_large"},
    {ErrorCode::Internal, http::status::internal_server_error, "internal"},
    {ErrorCode::NotImplemented, http::status::not_implemented, "not_implemented"},
    {ErrorCode::Unavailable, http::status::service_unavailable, "unavailable"},
    {ErrorCode::InsufficientStorage, http::status::insufficient_storage, "insufficient_storage"},
};

const Mapping& mapping(ErrorCode code) {
  static constexpr Mapping kUnknown{ErrorCode::Internal, http::status::internal_server_error, "internal"};
  for (const auto& m : kMappings) {
    if (m.code == code) return m;
  }
  return kUnknown;
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
