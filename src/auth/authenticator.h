#pragma once
// Turns an Authorization header into the calling user (see Authenticator).

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include "auth/credentials.h"
#include "auth/login_throttle.h"
#include "common/result.h"

namespace focusd {
class Store;
}

namespace focusd::auth {

struct AuthUser {
  std::int64_t id = 0;
  std::string email;
};

// Remembers successful password checks for a short time. Keys are keyed
// digests of (email, password, stored hash): no plaintext is kept, and a
// password change (new stored hash) can never hit an old entry.
class CredentialCache {
 public:
  CredentialCache(std::chrono::seconds ttl, std::size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}
  bool contains(const std::array<std::uint8_t, 32>& key);
  void insert(const std::array<std::uint8_t, 32>& key);

 private:
  using Clock = std::chrono::steady_clock;
  std::chrono::seconds ttl_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> expiries_;
};

// A password login that no cache vouched for: it must be verified with
// Argon2id (Authenticator::verify, on the HashPool) before finish().
struct PasswordCheck {
  std::string email;
  std::string password;
  std::string hash;              // the user's stored hash, or a dummy one
  std::optional<AuthUser> user;  // nullopt for an unknown email
  std::array<std::uint8_t, 32> cache_key{};
};

// Turns credentials into the calling user in steps, so that the caller can
// run each where it belongs:
//   throttled() — in memory, before anything else: whether a password login
//              must be refused without a database read or any hashing;
//   begin()  — database reads (the blocking pool): an API key or a cached
//              password success is answered here; a password to verify
//              comes back as a PasswordCheck;
//   verify() — Argon2id (the HashPool);
//   finish() — the user, or Unauthenticated; the outcome is remembered by the
//              cache (success) or the throttle (failure).
class Authenticator {
 public:
  using Begun = std::variant<AuthUser, PasswordCheck>;

  Authenticator(Store& store, std::chrono::seconds cache_ttl, std::size_t max_login_failures,
                std::chrono::seconds login_failure_window);

  // TooManyRequests (with the seconds to wait) when `client` (a throttle_key)
  // has guessed too often at this account, unless these very credentials
  // succeeded within the cache's TTL (they then go on to the cache check).
  std::optional<Error> throttled(const BasicCredentials& credentials, std::string_view client);
  // Unauthenticated for an unknown, revoked or expired API key; Internal if
  // the store fails.
  Result<Begun> begin(const Credentials& credentials);
  static bool verify(const PasswordCheck& check);
  Result<AuthUser> finish(const PasswordCheck& check, bool verified, std::string_view client);

 private:
  Result<Begun> basic(const std::string& email, const std::string& password);
  Result<Begun> api_key(const std::string& key);

  Store& store_;
  CredentialCache cache_;
  LoginThrottle throttle_;
  std::string dummy_hash_;  // verified against when the email is unknown, so timing tells nothing
};

}  // namespace focusd::auth
