#pragma once
// Turns an Authorization header into the calling user (see Authenticator).

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
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

// Remembers values under string keys for a time-to-live, holding at most
// max_entries (when full, it forgets the expired ones, or else everything,
// rather than grow). A zero TTL remembers nothing.
template <class Value>
class ExpiringCache {
 public:
  ExpiringCache(std::chrono::milliseconds ttl, std::size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}

  std::optional<Value> find(std::string_view key) {
    if (ttl_.count() == 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expiry <= Clock::now()) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  void insert(std::string_view key, Value value) {
    if (ttl_.count() == 0) return;
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (entries_.size() >= max_entries_) {
      std::erase_if(entries_, [&](const auto& entry) { return entry.second.expiry <= now; });
      if (entries_.size() >= max_entries_) entries_.clear();
    }
    entries_.insert_or_assign(std::string(key), Entry{std::move(value), now + ttl_});
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Value value;
    Clock::time_point expiry;
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries_;
};

// Remembers successful password checks for a short time. Keys are keyed
// digests of (email, password, stored hash): no plaintext is kept, and a
// password change (new stored hash) can never hit an old entry.
class CredentialCache {
 public:
  CredentialCache(std::chrono::milliseconds ttl, std::size_t max_entries) : successes_(ttl, max_entries) {}
  bool contains(const std::array<std::uint8_t, 32>& key) { return successes_.find(view(key)).has_value(); }
  void insert(const std::array<std::uint8_t, 32>& key) { successes_.insert(view(key), true); }

 private:
  static std::string_view view(const std::array<std::uint8_t, 32>& key) {
    return {reinterpret_cast<const char*>(key.data()), key.size()};
  }
  ExpiringCache<bool> successes_;
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
//   remembered() — in memory: the user of an API key found within the key
//              cache's TTL, so most requests need no database read to say who
//              is calling;
//   begin()  — database reads (the blocking pool): an API key or a cached
//              password success is answered here; a password to verify
//              comes back as a PasswordCheck;
//   verify() — Argon2id (the HashPool);
//   finish() — the user, or Unauthenticated; the outcome is remembered by the
//              cache (success) or the throttle (failure).
class Authenticator {
 public:
  using Begun = std::variant<AuthUser, PasswordCheck>;

  struct Settings {
    std::chrono::seconds password_cache_ttl;
    // How long an API key's user is remembered: the longest a revoked or
    // expired key (a new key made by `focusd admin`, say) may still be taken.
    std::chrono::milliseconds api_key_cache_ttl;
    std::size_t max_login_failures;
    std::chrono::seconds login_failure_window;
  };
  Authenticator(Store& store, const Settings& settings);

  // TooManyRequests (with the seconds to wait) when `client` (a throttle_key)
  // has guessed too often at this account, unless these very credentials
  // succeeded within the cache's TTL (they then go on to the cache check).
  std::optional<Error> throttled(const BasicCredentials& credentials, std::string_view client);
  // Unauthenticated for an unknown, revoked or expired API key; Internal if
  // the store fails.
  Result<Begun> begin(const Credentials& credentials);
  std::optional<AuthUser> remembered(const Credentials& credentials);
  static bool verify(const PasswordCheck& check);
  Result<AuthUser> finish(const PasswordCheck& check, bool verified, std::string_view client);

 private:
  Result<Begun> basic(const std::string& email, const std::string& password);
  Result<Begun> api_key(const std::string& key);

  Store& store_;
  CredentialCache cache_;
  ExpiringCache<AuthUser> api_keys_;  // by the key's SHA-256 digest
  LoginThrottle throttle_;
  std::string dummy_hash_;  // verified against when the email is unknown, so timing tells nothing
};

}  // namespace focusd::auth
