#include "auth/authenticator.h"

#include "auth/credentials.h"
#include "auth/crypto.h"
#include "common/random.h"
#include "common/strings.h"
#include "common/time.h"
#include "store/store.h"

namespace focusd::auth {

namespace {
Error wrong_credentials() {
  return make_error(ErrorCode::Unauthenticated, "invalid credentials");
}

// Each cache holds at most this many successes (only successes: a stranger
// cannot fill it with guesses).
constexpr std::size_t kMaxCachedCredentials = 10000;

// The cache key of a success under a stored hash (a password change misses it).
std::array<std::uint8_t, 32> success_key(const std::string& email, const std::string& password,
                                         const std::string& hash) {
  return keyed_digest(ascii_lower(email) + '\0' + password + '\0' + hash);
}

// The cache key of a success whatever the stored hash: lets the throttle tell,
// without a database read, that credentials may be good (begin() then checks).
std::array<std::uint8_t, 32> login_key(const std::string& email, const std::string& password) {
  return keyed_digest(std::string("login") + '\0' + ascii_lower(email) + '\0' + password);
}
}  // namespace

Authenticator::Authenticator(Store& store, const Settings& settings)
    : store_(store),
      cache_(settings.password_cache_ttl, kMaxCachedCredentials),
      api_keys_(settings.api_key_cache_ttl, kMaxCachedCredentials),
      throttle_(settings.max_login_failures, settings.login_failure_window),
      dummy_hash_(hash_password(random_hex(16)).value_or("")) {}

std::optional<Error> Authenticator::throttled(const BasicCredentials& credentials, std::string_view client) {
  const auto wait = throttle_.wait(client, credentials.email);
  if (wait.count() == 0 || cache_.contains(login_key(credentials.email, credentials.password))) return std::nullopt;
  Error error = make_error(ErrorCode::TooManyRequests, "too many failed logins; retry later");
  error.retry_after_seconds = static_cast<int>(wait.count());
  return error;
}

Result<Authenticator::Begun> Authenticator::begin(const Credentials& credentials) {
  if (auto* b = std::get_if<BasicCredentials>(&credentials)) return basic(b->email, b->password);
  return api_key(std::get<ApiKeyCredentials>(credentials).key);
}

Result<Authenticator::Begun> Authenticator::basic(const std::string& email, const std::string& password) {
  auto user = store_.find_user_by_email(email);
  if (!user) {
    if (user.error().code != ErrorCode::NotFound) return user.error();
    return Begun{PasswordCheck{email, password, dummy_hash_, std::nullopt, {}}};
  }
  const auto key = success_key(email, password, user->password_hash);
  if (cache_.contains(key)) return Begun{AuthUser{user->id, user->email}};
  return Begun{PasswordCheck{email, password, user->password_hash, AuthUser{user->id, user->email}, key}};
}

bool Authenticator::verify(const PasswordCheck& check) {
  return verify_password(check.password, check.hash);
}

Result<AuthUser> Authenticator::finish(const PasswordCheck& check, bool verified, std::string_view client) {
  if (!verified || !check.user) {
    throttle_.record_failure(client, check.email);
    return wrong_credentials();
  }
  cache_.insert(check.cache_key);
  cache_.insert(login_key(check.email, check.password));
  return *check.user;
}

std::optional<AuthUser> Authenticator::remembered(const Credentials& credentials) {
  const auto* key = std::get_if<ApiKeyCredentials>(&credentials);
  if (!key) return std::nullopt;
  return api_keys_.find(sha256_hex(key->key));
}

Result<Authenticator::Begun> Authenticator::api_key(const std::string& key) {
  const std::string digest = sha256_hex(key);
  auto user = store_.find_user_by_api_key(digest, now_rfc3339());
  if (!user) {
    if (user.error().code != ErrorCode::NotFound) return user.error();
    return wrong_credentials();
  }
  AuthUser found{user->id, user->email};
  api_keys_.insert(digest, found);
  return Begun{std::move(found)};
}

}  // namespace focusd::auth
