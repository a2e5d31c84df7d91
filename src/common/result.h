#pragma once
// The one error vocabulary of focusd. Store, auth and domain calls return
// Result<T>; api/errors.h maps an Error to an HTTP status and the Focus error body.

#include <map>
#include <string>
#include <utility>
#include <variant>

namespace focusd {

enum class ErrorCode {
  InvalidArgument,       // 400 validation
  Unauthenticated,       // 401 unauthorized
  QuotaExceeded,         // 402 quota_exceeded
  Forbidden,             // 403 forbidden
  NotFound,              // 404 not_found
  MethodNotAllowed,      // 405 method_not_allowed
  Conflict,              // 409 conflict
  PayloadTooLarge,       // 413 payload_too_large
  UnsupportedMediaType,  // 415 unsupported_media_type
  RangeNotSatisfiable,   // 416 range_not_satisfiable
  TooManyRequests,       // 429 too_many_requests
  HeaderTooLarge,        // 431 header_too_large
  Internal,              // 500 internal
  NotImplemented,        // 501 not_implemented
  Unavailable,           // 503 unavailable
  InsufficientStorage,   // 507 insufficient_storage (the disk is full)
};

struct Error {
  ErrorCode code = ErrorCode::Internal;
  // Safe to show to the client.
  std::string description;
  // Field name -> what is wrong with it (for InvalidArgument).
  std::map<std::string, std::string> values;
  // For the log only; never sent to the client.
  std::string detail;
  // TooManyRequests and Unavailable: seconds to wait before a retry (the
  // Retry-After header); 0 means the default of 1.
  int retry_after_seconds = 0;
};

inline Error make_error(ErrorCode code, std::string description) {
  return Error{code, std::move(description), {}, {}};
}

inline Error invalid(std::string field, std::string problem) {
  Error e{ErrorCode::InvalidArgument, "invalid " + field + ": " + problem, {}, {}};
  e.values.emplace(std::move(field), std::move(problem));
  return e;
}

// The error of item `index` of a request's array: each field named
// `[index].field` (InvalidArgument), the description saying which item.
inline Error for_item(Error error, std::size_t index) {
  if (error.code != ErrorCode::InvalidArgument) return error;
  const std::string prefix = "[" + std::to_string(index) + "].";
  std::map<std::string, std::string> values;
  for (auto& [field, problem] : error.values) values.emplace(prefix + field, std::move(problem));
  error.values = std::move(values);
  error.description = "item " + std::to_string(index) + ": " + error.description;
  return error;
}

inline Error internal_error(std::string detail) {
  return Error{ErrorCode::Internal, "internal server error", {}, std::move(detail)};
}

// A value or an Error. Small on purpose: ok(), value(), error().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

// Error propagation in a coroutine that returns a Result or Status:
//   FOCUSD_CO_TRY(project, co_await load_project(call));   // project: the value, or co_return the error
//   FOCUSD_CO_CHECK(require_attach(parent));               // a Status: co_return its error
// NOLINTBEGIN(bugprone-macro-parentheses): `name` is pasted and declared, not evaluated
#define FOCUSD_CO_TRY(name, expr)                          \
  auto name##_or_error = (expr);                           \
  if (!name##_or_error) co_return name##_or_error.error(); \
  auto& name = name##_or_error.value()
#define FOCUSD_CO_CHECK(expr) \
  if (auto focusd_status = (expr); !focusd_status) co_return focusd_status.error()
// NOLINTEND(bugprone-macro-parentheses)

}  // namespace focusd
