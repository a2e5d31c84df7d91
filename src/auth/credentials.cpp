#include "auth/credentials.h"

#include "auth/crypto.h"
#include "common/random.h"
#include "common/strings.h"

namespace focusd::auth {

namespace {
Error unauthenticated(std::string description) {
  return make_error(ErrorCode::Unauthenticated, std::move(description));
}
}  // namespace

bool is_api_key_format(std::string_view token) {
  if (token.size() != kApiKeyPrefix.size() + 32 || token.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) {
    return false;
  }
  for (char c : token.substr(kApiKeyPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<Credentials> parse_authorization(std::string_view header) {
  if (header.empty()) return unauthenticated("authentication required");
  auto space = header.find(' ');
  if (space == std::string_view::npos) return unauthenticated("malformed Authorization header");
  std::string_view scheme = header.substr(0, space);
  std::string_view value = header.substr(space + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);

  if (iequals(scheme, "Basic")) {
    auto decoded = base64_decode(value);
    if (!decoded) return unauthenticated("malformed Basic credentials");
    auto colon = decoded->find(':');
    if (colon == std::string::npos || colon == 0) return unauthenticated("malformed Basic credentials");
    return Credentials{BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)}};
  }
  if (iequals(scheme, "Bearer")) {
    if (!is_api_key_format(value)) return unauthenticated("malformed API key");
    return Credentials{ApiKeyCredentials{std::string(value)}};
  }
  return unauthenticated("unsupported authentication scheme");
}

std::string generate_api_key() {
  return std::string(kApiKeyPrefix) + random_hex(16);
}

}  // namespace focusd::auth
