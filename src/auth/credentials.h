#pragma once
// Parsing of the Authorization header. No I/O, no secrets kept beyond the value.

#include <string>
#include <string_view>
#include <variant>

#include "common/result.h"

namespace focusd::auth {

struct BasicCredentials {
  std::string email;
  std::string password;
};

struct ApiKeyCredentials {
  std::string key;  // the whole "toggl_sk_<32 hex>" token
};

using Credentials = std::variant<BasicCredentials, ApiKeyCredentials>;

inline constexpr std::string_view kApiKeyPrefix = "toggl_sk_";

// True for "toggl_sk_" followed by exactly 32 lower-case hex digits.
bool is_api_key_format(std::string_view token);

// Parses "Basic base64(email:password)" or "Bearer toggl_sk_…" (scheme names are
// case-insensitive). Unauthenticated for anything else, with a description that
// never repeats the credentials.
Result<Credentials> parse_authorization(std::string_view header);

// A new random API key in the documented format.
std::string generate_api_key();

}  // namespace focusd::auth
