#include "auth/authenticator.h"

#include <cctype>

#include "auth/credentials.h"
#include "auth/crypto.h"
#include "common/random.h"
#include "common/time.h"
#include "store/store.h"

namespace focusd::auth {

namespace {
Error wrong_credentials() {
  return make_error(ErrorCode::Unauthenticated, "invalid credentials");
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The cache key of a success under a stored hash (a password change misses it).
std::array<std::uint8_t, 32> success_key(const std::string& email, const std::string& password,
                                         const std::string& hash) {
  return keyed_digest(lower(email) + '\0' + password + '\0' + hash);
}

// The cache key of a success whatever the stored hash: lets the throttle tell,
// without a database read, that credentials may be good (begin() then checks).
std::array<std::uint8_t, 32> login_key(const std::string& email, const std::string& password) {
  return keyed_digest(std::string("login") + '\0' + lower(email) + '\0' + password);
}
}  // namespace

bool CredentialCache::contains(const std::array<std::uint8_t, 32>& key) {
  if (ttl_.count() == 0) return false;
  std::lock_guard lock(mutex_);
  auto it = expiries_.find(std::string(key.begin(), key.end()));
  if (it == expiries_.end()) return false;
  if (it->second <= Clock::now()) {
    expiries_.erase(it);
    return false;
  }
  return true;
}

void CredentialCache::insert(const std::array<std::uint8_t, 32>& key) {
  if (ttl_.count() == 0) return;
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (expiries_.size() >= max_entries_) {
    std::erase_if(expiries_, [&](const auto& entry) { return entry.second <= now; });
    if (expiries_.size() >= max_entries_) expiries_.clear();
  }
  expiries_[std::string(key.begin(), key.end())] = now + ttl_;
}

Authenticator::Authenticator(Store& store, std::chrono::seconds cache_ttl, std::size_t max_login_failures,
                             std::chrono::seconds login_failure_window)
    : store_(store),
      cache_(cache_ttl, 10000),
      throttle_(max_login_failures, login_failure_window),
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

Result<Authenticator::Begun> Authenticator::api_key(const std::string& key) {
  auto user = store_.find_user_by_api_key(sha256_hex(key), now_rfc3339());
  if (!user) {
    if (user.error().code != ErrorCode::NotFound) return user.error();
    return wrong_credentials();
  }
  return Begun{AuthUser{user->id, user->email}};
}

}  // namespace focusd::auth
