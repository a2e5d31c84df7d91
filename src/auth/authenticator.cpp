#include "auth/authenticator.h"

#include "auth/credentials.h"
#include "auth/crypto.h"
#include "common/time.h"
#include "store/store.h"

namespace focusd::auth {

namespace {
Error wrong_credentials() {
  return make_error(ErrorCode::Unauthenticated, "invalid credentials");
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

Authenticator::Authenticator(Store& store, std::chrono::seconds cache_ttl)
    : store_(store), cache_(cache_ttl, 10000), dummy_hash_(hash_password(random_hex(16)).value_or("")) {}

Result<AuthUser> Authenticator::authenticate(std::string_view authorization_header) {
  auto credentials = parse_authorization(authorization_header);
  if (!credentials) return credentials.error();
  if (auto* b = std::get_if<BasicCredentials>(&credentials.value())) return basic(b->email, b->password);
  return api_key(std::get<ApiKeyCredentials>(credentials.value()).key);
}

Result<AuthUser> Authenticator::basic(const std::string& email, const std::string& password) {
  auto user = store_.find_user_by_email(email);
  if (!user) {
    if (user.error().code != ErrorCode::NotFound) return user.error();
    verify_password(password, dummy_hash_);
    return wrong_credentials();
  }
  std::string material = email;
  for (char& c : material) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  material.append(1, '\0').append(password).append(1, '\0').append(user->password_hash);
  const auto key = keyed_digest(material);
  if (cache_.contains(key)) return AuthUser{user->id, user->email};
  if (!verify_password(password, user->password_hash)) return wrong_credentials();
  cache_.insert(key);
  return AuthUser{user->id, user->email};
}

Result<AuthUser> Authenticator::api_key(const std::string& key) {
  auto user = store_.find_user_by_api_key(sha256_hex(key), now_rfc3339());
  if (!user) {
    if (user.error().code != ErrorCode::NotFound) return user.error();
    return wrong_credentials();
  }
  return AuthUser{user->id, user->email};
}

}  // namespace focusd::auth
