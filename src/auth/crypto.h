#pragma once
// The cryptographic primitives focusd uses, each a thin call into libsodium or
// OpenSSL. init_crypto() must run once before any other function here.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace focusd::auth {

// Initialises libsodium. False when it cannot (the process must not go on).
bool init_crypto();

// Argon2id (libsodium crypto_pwhash_str, interactive limits); the returned
// string embeds salt and parameters. nullopt when memory could not be had.
std::optional<std::string> hash_password(std::string_view password);
// Constant-time verification against a hash_password() string.
bool verify_password(std::string_view password, const std::string& hash);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// Constant-time equality of two strings (false on length mismatch).
bool constant_time_equal(std::string_view a, std::string_view b);

// Standard base64 (RFC 4648 with padding) decode; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view data);

// A BLAKE2b MAC of `data` under a key made at random when the process starts:
// lets the credential cache recognise credentials without keeping them.
std::array<std::uint8_t, 32> keyed_digest(std::string_view data);

}  // namespace focusd::auth
