#pragma once
// Turns an Authorization header into the calling user. Blocking (database
// reads, Argon2id): run it on the blocking pool.

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

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

class Authenticator {
 public:
  Authenticator(Store& store, std::chrono::seconds cache_ttl);

  // The user the header authenticates. Unauthenticated for a missing, malformed,
  // wrong, unknown, revoked or expired credential; Internal if the store fails.
  Result<AuthUser> authenticate(std::string_view authorization_header);

 private:
  Result<AuthUser> basic(const std::string& email, const std::string& password);
  Result<AuthUser> api_key(const std::string& key);

  Store& store_;
  CredentialCache cache_;
  std::string dummy_hash_;  // verified against when the email is unknown, so timing tells nothing
};

}  // namespace focusd::auth
